using Realtime.Client.Internal;
using Realtime.Client.Reconnect;

namespace Realtime.Client.Tests.Reconnect;

public sealed class ReconnectPlannerTests
{
    private static ReconnectPlanner Planner(bool canRenew = true) =>
        new(new BackoffPolicy(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(10), new Random(7)), canRenew);

    [Fact]
    public void ServiceRestartAfterAWelcome_WaitsOnlyForTheHint()
    {
        var (action, delay) = Planner().Plan(new ConnectionOutcome(true, 1012, "draining", 1800, null));
        Assert.Equal((ReconnectAction.Immediate, TimeSpan.FromMilliseconds(1800)), (action, delay));
    }

    [Fact]
    public void Backoff_NeverShorterThanTheHint_AndTheWindowGrowsWithFailures()
    {
        var planner = Planner();
        Assert.True(planner.Plan(new ConnectionOutcome(false, 1011, null, 5000, null)).Delay >= TimeSpan.FromMilliseconds(5000));
        for (var i = 0; i < 10; i++)
        {
            Assert.True(planner.Plan(ConnectionOutcome.Failed(new IOException())).Delay <= TimeSpan.FromSeconds(10));
        }
    }

    [Fact]
    public void FixedToken_StopsOnUnauthorized() =>
        Assert.Equal(ReconnectAction.Stop, Planner(canRenew: false).Plan(new ConnectionOutcome(true, 4001, null, null, null)).Action);
}
