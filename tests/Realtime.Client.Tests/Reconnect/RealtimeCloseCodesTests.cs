using Realtime.Client.Reconnect;

namespace Realtime.Client.Tests.Reconnect;

public class RealtimeCloseCodesTests
{
    [Theory]
    [InlineData(null, false, ReconnectAction.Backoff)]
    [InlineData(1000, true, ReconnectAction.Stop)]
    [InlineData(1003, true, ReconnectAction.Stop)]
    [InlineData(1008, true, ReconnectAction.Stop)]
    [InlineData(1009, true, ReconnectAction.Stop)]
    [InlineData(1011, false, ReconnectAction.Backoff)]
    [InlineData(1012, false, ReconnectAction.Immediate)]
    [InlineData(4001, false, ReconnectAction.Stop)]
    [InlineData(4001, true, ReconnectAction.RenewToken)]
    [InlineData(4002, false, ReconnectAction.Stop)]
    [InlineData(4002, true, ReconnectAction.RenewToken)]
    [InlineData(4008, false, ReconnectAction.Backoff)]
    [InlineData(4009, true, ReconnectAction.Stop)]
    public void Decide_FollowsTheProtocolTable(int? code, bool canRenewToken, ReconnectAction expected) =>
        Assert.Equal(expected, RealtimeCloseCodes.Decide(code, canRenewToken));
}
