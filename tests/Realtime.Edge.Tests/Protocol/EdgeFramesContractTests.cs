using System.Text;
using Google.Protobuf;
using Realtime.Core.Channels;
using Realtime.Core.History;
using Realtime.Core.Messages;
using Realtime.Edge.Protocol;
using Realtime.TestKit.Protocol;

namespace Realtime.Edge.Tests.Protocol;

/// <summary>What the edge's frame writers produce is what protocol/server-frames.schema.json defines.</summary>
public sealed class EdgeFramesContractTests
{
    public static TheoryData<string, byte[]> EdgeFrames
    {
        get
        {
            var room = ChannelName.Parse("room:lobby");
            var message = new Envelope { Channel = "room:lobby", Event = "chat.message", Id = "01J0", Data = ByteString.CopyFromUtf8("{\"text\":\"hi\"}") };
            return new()
            {
                { "ping", Frames.Ping },
                { "welcome", Frames.Welcome("edge-abc", "c-1", "u1", 25_000) },
                { "ok", Frames.Ok(3) },
                { "subscribe ok without history", Frames.SubscribeOk(1, room, StreamPosition.None, null) },
                { "subscribe ok with history", Frames.SubscribeOk(1, room, new StreamPosition("e1", 42), null) },
                { "subscribe ok recovered", Frames.SubscribeOk(1, room, new StreamPosition("e1", 42), true) },
                { "subscribe ok not recovered", Frames.SubscribeOk(1, room, new StreamPosition("e1", 42), false) },
                { "error", Frames.Error(1, ErrorCodes.Forbidden, "not allowed") },
                { "error for an unparseable command", Frames.Error(0, ErrorCodes.BadRequest, "malformed JSON") },
                { "msg with history", Frames.Message(message, new StreamPosition("e1", 43)) },
                { "msg without history", Frames.Message(message, StreamPosition.None) },
                { "msg with data that is not JSON", Frames.Message(new Envelope { Channel = "room:a", Event = "e", Id = "x", Data = ByteString.CopyFromUtf8("\nnot json") }, StreamPosition.None) },
                { "unsubscribed", Frames.Unsubscribed(ChannelName.Parse("room:vip"), "token_expired") },
                { "reconnect", Frames.Reconnect(1800, "draining") },
                { "join", Frames.Join(ChannelName.Parse("room:lobby"), "alice", "c1") },
                { "leave", Frames.Leave(ChannelName.Parse("room:lobby"), "alice", "c1") },
            };
        }
    }

    /// <summary>The frame writers of <see cref="Frames"/> that <see cref="EdgeFrames"/> exercises.</summary>
    private static readonly string[] Covered = ["Ping", "Welcome", "Ok", "SubscribeOk", "Error", "Message", "Unsubscribed", "Reconnect", "Join", "Leave"];

    public static TheoryData<string> ErrorCodeValues =>
        [.. typeof(ErrorCodes).GetFields().Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!)];

    [Theory]
    [MemberData(nameof(EdgeFrames))]
    public void EdgeFrame_MatchesTheSchema(string name, byte[] frame)
    {
        var results = ProtocolDefinition.ValidateFrame(frame);
        Assert.True(results.IsValid, $"{name}: {Encoding.UTF8.GetString(frame)} — {ProtocolDefinition.Describe(results)}");
    }

    /// <summary>A new frame writer needs a row in <see cref="EdgeFrames"/> (and its shape in the schema) before this passes.</summary>
    [Fact]
    public void EveryFrameWriter_IsCheckedAgainstTheSchema()
    {
        var writers = typeof(Frames).GetMethods(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static)
            .Where(m => m.ReturnType == typeof(byte[]) && !m.IsSpecialName)
            .Select(m => m.Name)
            .Concat(typeof(Frames).GetProperties(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static).Where(p => p.PropertyType == typeof(byte[])).Select(p => p.Name))
            .Distinct();
        Assert.Empty(writers.Except(Covered));
    }

    [Theory]
    [MemberData(nameof(ErrorCodeValues))]
    public void EveryErrorCode_IsInTheSchema(string code) =>
        Assert.True(ProtocolDefinition.ValidateFrame(Frames.Error(1, code, "m")).IsValid, code);

    [Fact]
    public void TheSchema_ListsNoErrorCodeTheEdgeDoesNotHave()
    {
        var listed = ProtocolDefinition.Read("server-frames.schema.json")["$defs"]!["errorCode"]!["enum"]!.AsArray().Select(v => v!.GetValue<string>());
        var edge = typeof(ErrorCodes).GetFields().Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!);
        Assert.Equal(listed.Order(), edge.Order());
    }
}
