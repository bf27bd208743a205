using Realtime.Core.History;

namespace Realtime.Core.Tests.History;

public sealed class HistoryReadRulesTests
{
    private static readonly HistoryPolicy Policy = new(5, TimeSpan.FromMinutes(5));

    private static List<HistoryEntry> Entries(ulong from, ulong to, long ts = 1000) =>
        [.. Enumerable.Range((int)from, (int)(to - from + 1)).Select(i => new HistoryEntry((ulong)i, ts, new byte[] { 1 }))];

    [Fact]
    public void Since_Top_IsCompleteAndEmpty()
    {
        var page = HistoryReadRules.Build(new StreamPosition("e", 10), Entries(6, 10), 10, 100, Policy, 1000);
        Assert.True(page.Complete);
        Assert.Empty(page.Entries);
    }

    [Fact]
    public void Since_InsideWindow_ReturnsTheRestInOrder()
    {
        var page = HistoryReadRules.Build(new StreamPosition("e", 10), Entries(6, 10), 7, 100, Policy, 1000);
        Assert.True(page.Complete);
        Assert.Equal([8UL, 9, 10], page.Entries.Select(e => e.Offset));
    }

    [Fact]
    public void Since_BeforeWindow_IsIncomplete()
    {
        var page = HistoryReadRules.Build(new StreamPosition("e", 10), Entries(6, 10), 3, 100, Policy, 1000);
        Assert.False(page.Complete);
    }

    [Fact]
    public void CountRetention_AppliesAtRead_EvenIfMoreAreStored()
    {
        var page = HistoryReadRules.Build(new StreamPosition("e", 10), Entries(1, 10), 0, 100, Policy, 1000);
        Assert.Equal([6UL, 7, 8, 9, 10], page.Entries.Select(e => e.Offset));
        Assert.False(page.Complete);
    }

    [Fact]
    public void TimeRetention_DropsOldEntries()
    {
        var old = Entries(6, 8, ts: 0);
        var fresh = Entries(9, 10, ts: 10 * 60 * 1000);
        var page = HistoryReadRules.Build(new StreamPosition("e", 10), [.. old, .. fresh], 5, 100, Policy, 10 * 60 * 1000);
        Assert.Equal([9UL, 10], page.Entries.Select(e => e.Offset));
        Assert.False(page.Complete);
    }

    [Fact]
    public void Since_AheadOfTop_IsIncomplete()
    {
        Assert.False(HistoryReadRules.Build(new StreamPosition("e", 3), Entries(1, 3), 7, 100, Policy, 1000).Complete);
    }

    [Fact]
    public void Limit_CutsThePage_ButStaysComplete()
    {
        var page = HistoryReadRules.Build(new StreamPosition("e", 10), Entries(6, 10), 5, 2, Policy, 1000);
        Assert.Equal([6UL, 7], page.Entries.Select(e => e.Offset));
        Assert.True(page.Complete);
    }
}
