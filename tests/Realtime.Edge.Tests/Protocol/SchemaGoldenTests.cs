using System.Text.Json;
using Realtime.TestKit.Protocol;

namespace Realtime.Edge.Tests.Protocol;

/// <summary>The golden frames agree with the schemas: each case is valid or invalid as it says.</summary>
public sealed class SchemaGoldenTests
{
    private const string Commands = "golden/client-commands.json";
    private const string ServerFrames = "golden/server-frames.json";

    public static TheoryData<string> CommandCases => ProtocolDefinition.CaseNames(Commands);

    public static TheoryData<string> FrameCases => ProtocolDefinition.CaseNames(ServerFrames);

    [Theory]
    [MemberData(nameof(CommandCases))]
    public void GoldenCommand_IsSchemaValidAsStated(string name)
    {
        var item = ProtocolDefinition.Case(Commands, name);
        var valid = IsSchemaValid(ProtocolDefinition.Line(item, "command"), ProtocolDefinition.ValidateCommand);
        Assert.Equal(item["schemaValid"]!.GetValue<bool>(), valid);
    }

    [Theory]
    [MemberData(nameof(FrameCases))]
    public void GoldenFrame_IsSchemaValidAsStated(string name)
    {
        var item = ProtocolDefinition.Case(ServerFrames, name);
        var valid = IsSchemaValid(ProtocolDefinition.Line(item, "frame"), ProtocolDefinition.ValidateFrame);
        Assert.Equal(item["schemaValid"]!.GetValue<bool>(), valid);
    }

    [Fact]
    public void EveryServerOp_HasAValidGolden()
    {
        var schema = ProtocolDefinition.Read("server-frames.schema.json");
        var ops = schema["$defs"]!.AsObject()
            .Select(d => d.Value!["properties"]?["op"]?["const"]?.GetValue<string>())
            .OfType<string>()
            .ToHashSet();
        var golden = ProtocolDefinition.Read(ServerFrames)["cases"]!.AsArray()
            .Where(c => c!["schemaValid"]!.GetValue<bool>())
            .Select(c => c!["frame"]!["op"]!.GetValue<string>())
            .ToHashSet();
        Assert.Equal(ops.Order(), golden.Order());
    }

    private static bool IsSchemaValid(byte[] line, Func<ReadOnlySpan<byte>, Json.Schema.EvaluationResults> validate)
    {
        try
        {
            return validate(line).IsValid;
        }
        catch (JsonException)
        {
            return false; // a "text" case that is not JSON: no schema accepts it
        }
    }
}
