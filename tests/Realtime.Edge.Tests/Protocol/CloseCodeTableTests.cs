using System.Net.WebSockets;
using Realtime.Edge.Protocol;
using Realtime.TestKit.Protocol;

namespace Realtime.Edge.Tests.Protocol;

/// <summary>CloseCodes.cs sends exactly the codes protocol/close-codes.json lists as the edge's.</summary>
public sealed class CloseCodeTableTests
{
    private static readonly string[] Reactions = ["no", "backoff", "immediately", "with-new-token"];

    [Fact]
    public void EdgeCloseCodes_AreTheTablesEdgeCodes()
    {
        var table = ProtocolDefinition.Read("close-codes.json")["codes"]!.AsArray()
            .Where(c => c!["edgeConstant"] is not null)
            .Select(c => (Name: c!["edgeConstant"]!.GetValue<string>(), Code: c["code"]!.GetValue<int>()))
            .OrderBy(c => c.Name, StringComparer.Ordinal);
        var edge = typeof(CloseCodes).GetFields()
            .Where(f => f.IsLiteral)
            .Select(f => (f.Name, Code: (int)(WebSocketCloseStatus)f.GetRawConstantValue()!))
            .OrderBy(c => c.Name, StringComparer.Ordinal);
        Assert.Equal(table, edge);
    }

    [Fact]
    public void Table_HasOneRowPerCode_WithAKnownReaction()
    {
        var rows = ProtocolDefinition.Read("close-codes.json")["codes"]!.AsArray();
        Assert.Equal(rows.Count, rows.Select(r => r!["code"]!.GetValue<int>()).Distinct().Count());
        Assert.All(rows, r => Assert.Contains(r!["reconnect"]!.GetValue<string>(), Reactions));
    }
}
