using Realtime.Core.History;
using Realtime.Core.Messages;

namespace Realtime.Core.Bus;

/// <summary>
/// The single-process broker state: per-channel offset, epoch, bounded history and
/// subscribers, plus idempotency keys. Publishing takes the channel's lock, so offset
/// assignment, history append and hand-off to subscribers happen in one order, as the
/// Redis script guarantees for the clustered mode.
/// </summary>
public sealed class InMemoryChannelLog(TimeProvider time)
{
    private readonly Dictionary<string, ChannelState> _channels = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Channel, string Key), (PublishResult Result, long ExpiresAtMs)> _idempotency = [];
    private readonly Queue<((string Channel, string Key) Id, long ExpiresAtMs)> _idempotencyExpiry = new();
    private readonly Lock _gate = new();

    public PublishResult Publish(OutgoingMessage message)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var policy = message.Options.History;
        var window = (long)message.Options.IdempotencyWindow.TotalMilliseconds;
        Action<ReadOnlyMemory<byte>>[] handlers;
        byte[] frame;
        PublishResult result;
        lock (_gate)
        {
            PruneIdempotency(now);
            var idKey = (message.Channel.Value, message.IdempotencyKey ?? string.Empty);
            if (window > 0 && !string.IsNullOrEmpty(message.IdempotencyKey) && _idempotency.TryGetValue(idKey, out var seen))
            {
                return seen.Result with { Deduplicated = true };
            }

            var state = GetOrCreate(message.Channel.Value);
            ulong offset = 0;
            var epoch = string.Empty;
            if (policy.Enabled)
            {
                offset = ++state.Top;
                epoch = state.Epoch;
                state.Entries.AddLast(new HistoryEntry(offset, now, message.Envelope.ToArray()));
                while (state.Entries.Count > policy.MaxMessages)
                {
                    state.Entries.RemoveFirst();
                }

                var cutoff = now - (long)policy.Ttl.TotalMilliseconds;
                while (state.Entries.First is { } first && first.Value.PublishedAtMs < cutoff)
                {
                    state.Entries.RemoveFirst();
                }
            }

            result = new PublishResult(policy.Enabled ? new StreamPosition(epoch, offset) : StreamPosition.None, message.MessageId, false);
            if (window > 0 && !string.IsNullOrEmpty(message.IdempotencyKey))
            {
                var expires = now + window;
                _idempotency[idKey] = (result, expires);
                _idempotencyExpiry.Enqueue((idKey, expires));
            }

            frame = BusFrame.Encode(result.Position, message.Envelope.Span);
            handlers = state.Handlers;

            // Delivery happens under the lock so that subscribers see offsets in order;
            // handlers only enqueue (they must not block).
            foreach (var handler in handlers)
            {
                handler(frame);
            }
        }

        return result;
    }

    public IDisposable Subscribe(string channel, Action<ReadOnlyMemory<byte>> handler)
    {
        lock (_gate)
        {
            var state = GetOrCreate(channel);
            state.Handlers = [.. state.Handlers, handler];
        }

        return new Unsubscriber(this, channel, handler);
    }

    public int SubscriberCount(string channel)
    {
        lock (_gate)
        {
            return _channels.TryGetValue(channel, out var state) ? state.Handlers.Length : 0;
        }
    }

    public HistoryPage Read(string channel, ulong since, int limit, HistoryPolicy policy)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        lock (_gate)
        {
            if (!_channels.TryGetValue(channel, out var state) || !policy.Enabled)
            {
                return HistoryReadRules.Build(new StreamPosition(state?.Epoch ?? string.Empty, state?.Top ?? 0), [], since, limit, policy, now);
            }

            return HistoryReadRules.Build(new StreamPosition(state.Epoch, state.Top), [.. state.Entries], since, limit, policy, now);
        }
    }

    private ChannelState GetOrCreate(string channel)
    {
        if (!_channels.TryGetValue(channel, out var state))
        {
            state = new ChannelState { Epoch = StreamPosition.NewEpoch() };
            _channels[channel] = state;
        }

        return state;
    }

    private void PruneIdempotency(long now)
    {
        while (_idempotencyExpiry.TryPeek(out var head) && head.ExpiresAtMs <= now)
        {
            _idempotencyExpiry.Dequeue();
            if (_idempotency.TryGetValue(head.Id, out var entry) && entry.ExpiresAtMs <= now)
            {
                _idempotency.Remove(head.Id);
            }
        }
    }

    private void Unsubscribe(string channel, Action<ReadOnlyMemory<byte>> handler)
    {
        lock (_gate)
        {
            if (!_channels.TryGetValue(channel, out var state))
            {
                return;
            }

            var index = Array.IndexOf(state.Handlers, handler);
            if (index >= 0)
            {
                state.Handlers = [.. state.Handlers[..index], .. state.Handlers[(index + 1)..]];
            }

            if (state.Handlers.Length == 0 && state.Entries.Count == 0 && state.Top == 0)
            {
                _channels.Remove(channel);
            }
        }
    }

    private sealed class ChannelState
    {
        public required string Epoch { get; set; }

        public ulong Top { get; set; }

        public LinkedList<HistoryEntry> Entries { get; } = new();

        public Action<ReadOnlyMemory<byte>>[] Handlers { get; set; } = [];
    }

    private sealed class Unsubscriber(InMemoryChannelLog log, string channel, Action<ReadOnlyMemory<byte>> handler) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                log.Unsubscribe(channel, handler);
            }
        }
    }
}
