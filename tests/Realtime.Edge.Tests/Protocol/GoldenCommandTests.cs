using Realtime.Edge.Protocol;
using Realtime.TestKit.Protocol;

namespace Realtime.Edge.Tests.Protocol;

/// <summary>The edge's command parser does with each golden command what protocol/golden/client-commands.json says.</summary>
public sealed class GoldenCommandTests
{
    private const string Commands = "golden/client-commands.json";

    public static TheoryData<string> Cases => ProtocolDefinition.CaseNames(Commands);

    [Theory]
    [MemberData(nameof(Cases))]
    public void ClientCommand_ParsesTheGoldenAsStated(string name)
    {
        var item = ProtocolDefinition.Case(Commands, name);
        var command = ClientCommand.TryParse(ProtocolDefinition.Line(item, "command"), out var error);
        var expected = item["edge"]!;
        if (expected["error"] is { } reason)
        {
            Assert.Null(command);
            Assert.Equal(reason.GetValue<string>(), error);
            return;
        }

        var parsed = expected["parsed"]!;
        Assert.Null(error);
        Assert.NotNull(command);
        Assert.Equal(parsed["op"]!.GetValue<string>(), command.Op);
        Assert.Equal(parsed["id"]?.GetValue<long>() ?? 0, command.Id);
        Assert.Equal(parsed["channel"]?.GetValue<string>(), command.Channel);
        Assert.Equal(parsed["token"]?.GetValue<string>(), command.Token);
        var since = parsed["since"];
        Assert.Equal(since is null ? null : new Core.History.StreamPosition(since["epoch"]!.GetValue<string>(), since["offset"]!.GetValue<ulong>()), command.Since);
    }
}
