using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using Xunit;

namespace Realtime.TestKit.Protocol;

/// <summary>
/// The machine-readable protocol definition in <c>protocol/</c> (copied next to the test assembly by this project):
/// the two schemas, the golden frames and the close-code table.
/// </summary>
public static class ProtocolDefinition
{
    private static readonly Lazy<JsonSchema> CommandSchema = new(() => Load("client-commands.schema.json"));
    private static readonly Lazy<JsonSchema> FrameSchema = new(() => Load("server-frames.schema.json"));

    public static string Directory { get; } = Path.Combine(AppContext.BaseDirectory, "protocol");

    public static JsonNode Read(string relativePath) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(Directory, relativePath))) ?? throw new InvalidDataException(relativePath + " is empty");

    /// <summary>The cases of a golden file, each with its name for the theory's display.</summary>
    public static TheoryData<string> CaseNames(string golden)
    {
        var data = new TheoryData<string>();
        foreach (var item in Read(golden)["cases"]!.AsArray())
        {
            data.Add(item!["name"]!.GetValue<string>());
        }

        return data;
    }

    public static JsonObject Case(string golden, string name) =>
        Read(golden)["cases"]!.AsArray().Single(c => c!["name"]!.GetValue<string>() == name)!.AsObject();

    /// <summary>The bytes of a case's line: its <c>text</c>, or its <c>command</c>/<c>frame</c> serialized.</summary>
    public static byte[] Line(JsonObject item, string valueMember) =>
        item["text"] is { } text
            ? System.Text.Encoding.UTF8.GetBytes(text.GetValue<string>())
            : System.Text.Encoding.UTF8.GetBytes(item[valueMember]!.ToJsonString());

    public static EvaluationResults ValidateCommand(ReadOnlySpan<byte> line) => Validate(CommandSchema.Value, line);

    public static EvaluationResults ValidateFrame(ReadOnlySpan<byte> line) => Validate(FrameSchema.Value, line);

    /// <summary>False for text that is not JSON at all (a schema validates JSON values only).</summary>
    public static bool IsValid(EvaluationResults? results) => results?.IsValid == true;

    public static string Describe(EvaluationResults results) =>
        string.Join("; ", results.Details?.Where(d => d.Errors is not null).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}")) ?? []);

    private static EvaluationResults Validate(JsonSchema schema, ReadOnlySpan<byte> line)
    {
        using var document = JsonDocument.Parse(line.ToArray());
        return schema.Evaluate(document.RootElement.Clone(), new EvaluationOptions { OutputFormat = OutputFormat.List });
    }

    private static JsonSchema Load(string file) => JsonSchema.FromFile(Path.Combine(Directory, file));
}
