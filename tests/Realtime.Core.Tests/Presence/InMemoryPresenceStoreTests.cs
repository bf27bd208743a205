using Realtime.Core.Presence;
using Realtime.TestKit;
using Realtime.TestKit.Contracts;

namespace Realtime.Core.Tests.Presence;

/// <summary>The presence contract on a manual clock: expiry is tested without waiting.</summary>
public sealed class InMemoryPresenceStoreTests : PresenceStoreContract
{
    private readonly ManualClock _clock = new();

    public override Task InitializeAsync()
    {
        Store = new InMemoryPresenceStore(_clock);
        return Task.CompletedTask;
    }

    protected override async Task ExpireAsync(TimeSpan ttl, Func<Task<bool>> expired)
    {
        Assert.False(await expired(), "nothing expires before its time");
        _clock.Advance(ttl + TimeSpan.FromMilliseconds(1));
        Assert.True(await expired());
    }
}
