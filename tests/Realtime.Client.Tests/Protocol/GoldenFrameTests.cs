using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Realtime.Client.Protocol;
using Realtime.TestKit.Protocol;

namespace Realtime.Client.Tests.Protocol;

/// <summary>The SDK reads the golden frames of protocol/golden as they say, and writes commands the schema accepts.</summary>
public sealed class GoldenFrameTests
{
    private const string ServerFrames = "golden/server-frames.json";
    private const string FrameLinesGolden = "golden/frame-lines.json";

    public static TheoryData<string> FrameCases => ProtocolDefinition.CaseNames(ServerFrames);

    public static TheoryData<string> FrameLineCases => ProtocolDefinition.CaseNames(FrameLinesGolden);

    [Theory]
    [MemberData(nameof(FrameCases))]
    public void ServerFrame_ReadsTheGoldenAsStated(string name)
    {
        var item = ProtocolDefinition.Case(ServerFrames, name);
        var parsed = ServerFrame.Parse(ProtocolDefinition.Line(item, "frame"));
        var expected = item["sdk"]!.GetValue<string>();
        if (expected == "ignored")
        {
            Assert.Null(parsed);
            return;
        }

        Assert.NotNull(parsed);
        Assert.Equal(expected, parsed.Op);
        if (item["schemaValid"]!.GetValue<bool>())
        {
            AssertFields(item["frame"]!.AsObject(), parsed);
        }
    }

    [Theory]
    [MemberData(nameof(FrameLineCases))]
    public void FrameLines_SplitsTheGoldenAsStated(string name)
    {
        var item = ProtocolDefinition.Case(FrameLinesGolden, name);
        var parsed = FrameLines.Split(Encoding.UTF8.GetBytes(item["text"]!.GetValue<string>())).Select(l => ServerFrame.Parse(l.Span)).ToList();
        Assert.Equal(item["ops"]!.AsArray().Select(o => o!.GetValue<string>()), parsed.OfType<ServerFrame>().Select(f => f.Op));
        Assert.Equal(item["ignored"]!.GetValue<int>(), parsed.Count(f => f is null));
    }

    public static TheoryData<string, byte[]> Commands => new()
    {
        { "subscribe", ClientCommands.Subscribe(1, "room:lobby", null, null, null) },
        { "subscribe with since", ClientCommands.Subscribe(2, "room:lobby", "e1", 41, null) },
        { "subscribe with since, epoch unknown", ClientCommands.Subscribe(2, "room:lobby", null, 0, null) },
        { "subscribe with token", ClientCommands.Subscribe(3, "room:vip", null, null, "eyJ.a.b") },
        { "unsubscribe", ClientCommands.Unsubscribe(4, "room:lobby") },
    };

    [Theory]
    [MemberData(nameof(Commands))]
    public void ClientCommands_MatchTheSchema(string name, byte[] command)
    {
        var results = ProtocolDefinition.ValidateCommand(command);
        Assert.True(results.IsValid, $"{name}: {Encoding.UTF8.GetString(command)} — {ProtocolDefinition.Describe(results)}");
    }

    private static void AssertFields(JsonObject frame, ServerFrame parsed)
    {
        string? Str(JsonNode? node) => node?.GetValue<string>();
        switch (parsed.Op)
        {
            case "welcome":
                Assert.Equal((Str(frame["server"]), Str(frame["user"]), frame["ping_interval_ms"]!.GetValue<int>()), (parsed.Server, parsed.User, parsed.PingIntervalMs));
                break;
            case "reply":
                Assert.Equal(frame["id"]!.GetValue<long>(), parsed.Id);
                Assert.Equal(frame["ok"]!.GetValue<bool>(), parsed.Ok);
                Assert.Equal((Str(frame["channel"]), Str(frame["epoch"]), frame["offset"]?.GetValue<ulong>() ?? 0, frame["recovered"]?.GetValue<bool>()), (parsed.Channel, parsed.Epoch, parsed.Offset, parsed.Recovered));
                Assert.Equal((Str(frame["error"]?["code"]), Str(frame["error"]?["message"])), (parsed.ErrorCode, parsed.ErrorMessage));
                break;
            case "msg":
                var message = parsed.Message!;
                Assert.Equal((Str(frame["channel"]), Str(frame["event"]), Str(frame["id"]), frame["offset"]?.GetValue<ulong>() ?? 0, Str(frame["epoch"])), (message.Channel, message.Event, message.Id, message.Offset, message.Epoch));
                Assert.True(JsonNode.DeepEquals(frame["data"], JsonNode.Parse(message.Data.GetRawText())));
                break;
            case "unsubscribed":
                Assert.Equal((Str(frame["channel"]), Str(frame["reason"])), (parsed.Channel, parsed.Reason));
                break;
            case "reconnect":
                Assert.Equal((frame["after_ms"]!.GetValue<int>(), Str(frame["reason"])), (parsed.AfterMs!.Value, parsed.Reason));
                break;
            case "join" or "leave":
                Assert.Equal((Str(frame["channel"]), Str(frame["user"]), Str(frame["conn"])), (parsed.Presence!.Channel, parsed.Presence.UserId, parsed.Presence.ConnectionId));
                break;
            case "ping":
                break;
            default:
                Assert.Fail($"{parsed.Op}: a schema-valid op the test does not know; add its fields here");
                break;
        }
    }

    [Fact]
    public void MessageData_Null_IsAJsonNull() =>
        Assert.Equal(JsonValueKind.Null, ServerFrame.Parse("""{"op":"msg","channel":"user:u1","event":"e","data":null,"id":"x"}"""u8)!.Message!.Data.ValueKind);
}
