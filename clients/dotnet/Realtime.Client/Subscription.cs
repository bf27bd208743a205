using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Realtime.Client.Internal;
using Realtime.Client.Protocol;

namespace Realtime.Client;

/// <summary>
/// One channel's messages, in order and without duplicates across reconnects, through a bounded
/// queue. A room subscription is left by <see cref="DisposeAsync"/>; the automatic
/// <c>user:{sub}</c> and <c>broadcast</c> subscriptions last as long as the client.
/// </summary>
public sealed class Subscription : IAsyncDisposable
{
    private readonly RealtimeClient _client;
    private readonly Channel<RealtimeMessage> _queue;
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _dropped;
    private int _disposed;

    internal Subscription(RealtimeClient client, string channel, string? subscribeToken, int capacity, bool automatic)
    {
        _client = client;
        Channel = channel;
        SubscribeToken = subscribeToken;
        IsAutomatic = automatic;

        // Nobody may read the automatic channels: their queues drop the oldest message rather than stall the connection.
        var options = new BoundedChannelOptions(capacity)
        {
            FullMode = automatic ? BoundedChannelFullMode.DropOldest : BoundedChannelFullMode.Wait,
            SingleWriter = true,
        };
        _queue = System.Threading.Channels.Channel.CreateBounded<RealtimeMessage>(options, _ => Interlocked.Increment(ref _dropped));
    }

    /// <summary>The full channel name (<c>room:lobby</c>, <c>user:alice</c>, <c>broadcast</c>).</summary>
    public string Channel { get; internal set; }

    /// <summary>True for <c>user:{sub}</c> and <c>broadcast</c>, which every connection is in.</summary>
    public bool IsAutomatic { get; }

    /// <summary>The channel's history epoch as last seen (null for channels without history).</summary>
    public string? Epoch => Cursor.Epoch;

    /// <summary>The offset of the last message put in the queue (0 for channels without history).</summary>
    public ulong Offset => Cursor.Offset;

    /// <summary>Messages dropped because an automatic channel's queue was full.</summary>
    public long DroppedMessages => Interlocked.Read(ref _dropped);

    /// <summary>The queue itself, for consumers that prefer <see cref="ChannelReader{T}"/>.</summary>
    public ChannelReader<RealtimeMessage> Reader => _queue.Reader;

    /// <summary>Raised (on the receive loop: keep handlers short) after the subscription was restored on a new connection.</summary>
    public event EventHandler<SubscriptionRecoveredEventArgs>? Recovered;

    /// <summary>Raised (on the receive loop) when messages were missed; refetch state.</summary>
    public event EventHandler<SubscriptionGapEventArgs>? Gap;

    /// <summary>Raised (on the receive loop) when a connection joined the channel (channels of presence-notifying namespaces only).</summary>
    public event EventHandler<PresenceEventArgs>? Joined;

    /// <summary>Raised (on the receive loop) when a connection left the channel (channels of presence-notifying namespaces only).</summary>
    public event EventHandler<PresenceEventArgs>? Left;

    internal string? SubscribeToken { get; }

    internal ChannelCursor Cursor { get; } = new();

    /// <summary>The connection this subscription was last sent on (guarded by the client's lock).</summary>
    internal object? BoundTo { get; set; }

    internal Task Ready => _ready.Task;

    internal bool IsDisposed => Volatile.Read(ref _disposed) != 0;

    /// <summary>
    /// Reads messages until the subscription is disposed or the client closes (a client that
    /// stopped on an error ends the enumeration with that error).
    /// </summary>
    public async IAsyncEnumerable<RealtimeMessage> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var message in _queue.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return message;
        }
    }

    /// <summary>Leaves the channel (rooms) and completes the queue. For the automatic channels it only completes the queue.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _queue.Writer.TryComplete();
        _ready.TrySetCanceled();
        if (!IsAutomatic)
        {
            await _client.UnsubscribeAsync(this).ConfigureAwait(false);
        }
    }

    internal void Fail(Exception error)
    {
        _ready.TrySetException(error);
        _queue.Writer.TryComplete(error);
    }

    internal void Complete(Exception? error = null)
    {
        if (error is null)
        {
            _ready.TrySetCanceled();
        }
        else
        {
            _ready.TrySetException(error);
        }

        _queue.Writer.TryComplete(error);
    }

    /// <summary>Positive reply: updates the position, releases held messages, raises events.</summary>
    internal async ValueTask OnReplyAsync(ServerFrame reply, bool sentSince, Action<bool> busy, CancellationToken cancellationToken)
    {
        var output = new List<RealtimeMessage>();
        var complete = Cursor.OnReply(reply, sentSince, output);
        _ready.TrySetResult();
        await WriteAsync(output, busy, cancellationToken).ConfigureAwait(false);
        if (sentSince)
        {
            Raise(Recovered, new SubscriptionRecoveredEventArgs(Channel, complete, Cursor.Epoch, Cursor.Offset));
        }

        RaiseGaps();
    }

    internal async ValueTask OnMessageAsync(RealtimeMessage message, Action<bool> busy, CancellationToken cancellationToken)
    {
        var output = new List<RealtimeMessage>(1);
        Cursor.OnMessage(message, output);
        RaiseGaps();
        await WriteAsync(output, busy, cancellationToken).ConfigureAwait(false);
    }

    internal void OnPresence(bool joined, PresenceEventArgs presence) => Raise(joined ? Joined : Left, presence);

    private async ValueTask WriteAsync(List<RealtimeMessage> messages, Action<bool> busy, CancellationToken cancellationToken)
    {
        foreach (var message in messages)
        {
            if (_queue.Writer.TryWrite(message))
            {
                continue;
            }

            busy(true);
            try
            {
                await _queue.Writer.WriteAsync(message, cancellationToken).ConfigureAwait(false);
            }
            catch (ChannelClosedException)
            {
                return;
            }
            finally
            {
                busy(false);
            }
        }
    }

    private void RaiseGaps()
    {
        if (Cursor.TakeGaps() > 0)
        {
            Raise(Gap, new SubscriptionGapEventArgs(Channel, Cursor.Epoch, Cursor.Offset));
        }
    }

    private void Raise<T>(EventHandler<T>? handler, T args)
    {
        try
        {
            handler?.Invoke(this, args);
        }
        catch (Exception ex)
        {
            _client.OnHandlerError(ex);
        }
    }
}
