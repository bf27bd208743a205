using Realtime.Core.Bus;
using Realtime.Core.Channels;
using Realtime.Core.History;
using Realtime.Core.Messages;
using Xunit;

namespace Realtime.TestKit.Contracts;

/// <summary>The <see cref="IHistoryStore"/> contract: what a publish appended is read back by offset.</summary>
public abstract class HistoryStoreContract : IAsyncLifetime
{
    protected IMessageBus Bus { get; set; } = null!;

    protected IHistoryStore Store { get; set; } = null!;

    public abstract Task InitializeAsync();

    public virtual Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task History_ReadsAfterOffset()
    {
        for (var i = 1; i <= 4; i++)
        {
            await Bus.PublishAsync(MessageBusContract.Message("room:c3", i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        var page = await Store.ReadAsync(ChannelName.Parse("room:c3"), 2, 10, HistoryOf("room:c3"));
        Assert.Equal(4UL, page.Top.Offset);
        Assert.True(page.Complete);
        Assert.Equal([3UL, 4UL], page.Entries.Select(e => e.Offset));
        Assert.Equal("3", Envelope.Parser.ParseFrom(page.Entries[0].Envelope.Span).Data.ToStringUtf8());
    }

    [Fact]
    public async Task History_OfUnknownChannel_IsEmpty()
    {
        var page = await Store.ReadAsync(ChannelName.Parse("room:never"), 0, 10, HistoryOf("room:never"));
        Assert.Equal(0UL, page.Top.Offset);
        Assert.Empty(page.Entries);
        Assert.True(page.Complete);
    }

    [Fact]
    public async Task History_KeepsTheEpochOfPublishes()
    {
        var published = await Bus.PublishAsync(MessageBusContract.Message("room:c5", "x"));
        var page = await Store.ReadAsync(ChannelName.Parse("room:c5"), 0, 10, HistoryOf("room:c5"));
        Assert.Equal(published.Position, page.Top);
    }

    private static HistoryPolicy HistoryOf(string channel) => new Core.Options.HistoryOptions().For(ChannelName.Parse(channel));
}
