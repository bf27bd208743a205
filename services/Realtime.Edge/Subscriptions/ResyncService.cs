using Microsoft.Extensions.Options;
using Realtime.Core.Bus;
using Realtime.Core.Channels;
using Realtime.Core.History;
using Realtime.Core.Options;
using Realtime.Edge.Protocol;
using CoreEnvelope = Realtime.Core.Messages.Envelope;

namespace Realtime.Edge.Subscriptions;

/// <summary>
/// When the broker's subscription connection comes back after a drop, messages published in
/// between never reached this edge. For every history channel with local members this reads the
/// channel's history from the oldest position any member has, and gives each member what it
/// missed, merged with live messages by offset: clients see no gap and no duplicate.
/// </summary>
internal sealed partial class ResyncService(
    IMessageBus bus,
    SubscriptionTable table,
    IHistoryStore history,
    IOptions<HistoryOptions> historyOptions,
    EdgeMetrics metrics,
    ILogger<ResyncService> logger) : IHostedService, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private int _running;
    private Task _current = Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        bus.SubscriptionsRestored += OnRestored;
        return Task.CompletedTask;
    }

    /// <summary>Stops listening, cancels a resync in progress and waits for it (within the host's stop timeout).</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        bus.SubscriptionsRestored -= OnRestored;
        await _stopping.CancelAsync();
        await Volatile.Read(ref _current).WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    /// <summary>Resyncs every history channel with local members; returns how many messages were re-sent candidates.</summary>
    public async Task<int> ResyncAllAsync(CancellationToken cancellationToken)
    {
        var entries = table.Entries();
        Log.Resyncing(logger, entries.Count);
        var total = 0;
        foreach (var entry in entries)
        {
            if (historyOptions.Value.For(entry.Channel) is not { Enabled: true } policy)
            {
                continue;
            }

            var started = new List<(ChannelMember Member, ulong Sent)>();
            foreach (var member in entry.Snapshot())
            {
                if (member.TryBeginResync(out var sent))
                {
                    started.Add((member, sent.Offset));
                }
            }

            if (started.Count == 0)
            {
                continue;
            }

            var frames = new List<(ulong, ReadOnlyMemory<byte>)>();
            var epoch = string.Empty;
            var failed = false;
            try
            {
                var page = await history.ReadAsync(entry.Channel, started.Min(s => s.Sent), policy.MaxMessages, policy, cancellationToken);
                epoch = page.Top.Epoch;
                foreach (var e in page.Entries)
                {
                    frames.Add((e.Offset, Frames.Message(CoreEnvelope.Parser.ParseFrom(e.Envelope.Span), new StreamPosition(epoch, e.Offset))));
                }
            }
            catch (Exception ex)
            {
                // Whatever went wrong, buffering ends below: members get the live messages held
                // meanwhile, and (as the gap is unknown) are asked to reconnect and recover.
                Log.ResyncFailed(logger, entry.Channel.Value, ex);
                failed = true;
                frames.Clear();
                epoch = string.Empty;
            }

            foreach (var (member, _) in started)
            {
                member.EndResync(epoch, frames);
                if (failed)
                {
                    member.Connection.RequestClose(CloseCodes.ServiceRestart, "recovery failed; reconnect and recover");
                }
            }

            if (failed)
            {
                metrics.ResyncFailures.Inc();
            }
            total += frames.Count;
        }

        metrics.Resyncs.Inc();
        return total;
    }

    public void Dispose() => _stopping.Dispose();

    private void OnRestored(object? sender, EventArgs e)
    {
        if (Interlocked.Exchange(ref _running, 1) == 1)
        {
            return;
        }

        // Runs off the broker's event thread, within the host's lifetime (StopAsync cancels and awaits it).
        var stopping = _stopping.Token;
        Volatile.Write(ref _current, Task.Run(async () =>
        {
            try
            {
                await ResyncAllAsync(stopping);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                // Shutting down.
            }
            catch (Exception ex)
            {
                Log.ResyncFailed(logger, "*", ex);
            }
            finally
            {
                Volatile.Write(ref _running, 0);
            }
        }, CancellationToken.None));
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 320, Level = LogLevel.Information, Message = "Broker subscriptions restored; resyncing {Count} channels from history")]
        public static partial void Resyncing(ILogger logger, int count);

        [LoggerMessage(EventId = 321, Level = LogLevel.Warning, Message = "Resync of {Channel} failed")]
        public static partial void ResyncFailed(ILogger logger, string channel, Exception exception);
    }
}
