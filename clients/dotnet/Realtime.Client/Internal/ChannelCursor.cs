using Realtime.Client.Protocol;

namespace Realtime.Client.Internal;

/// <summary>
/// A subscription's position in its channel (epoch and last offset handed to the application) and
/// the ordering rules of a resubscribe: duplicates (offset at or below the position) are dropped;
/// while a <c>since</c> subscribe is answered, live messages that overtake the missed ones (the
/// automatic channels get live messages before the reply) are held back and released in offset order.
/// Used only by the receive loop, one connection at a time.
/// </summary>
internal sealed class ChannelCursor
{
    private readonly SortedDictionary<ulong, RealtimeMessage> _held = [];
    private bool _recovering;
    private bool _replied;
    private bool _gapPending;

    public string? Epoch { get; private set; }

    public ulong Offset { get; private set; }

    /// <summary>True once the channel was acknowledged: resubscribes then carry <c>since</c>.</summary>
    public bool Subscribed { get; private set; }

    /// <summary>
    /// The offset a resubscribe's <c>since</c> carries. The epoch comes from the subscribe reply or,
    /// when the channel had no history yet when it was joined, from the first message (messages of
    /// history channels carry it). While it is unknown that is 0 with an empty epoch, which the
    /// edge answers with the whole retained history; duplicates are dropped here.
    /// </summary>
    public ulong SinceOffset => Epoch is null ? 0 : Offset;

    /// <summary>Gaps noticed since the last <see cref="TakeGaps"/>.</summary>
    public int Gaps { get; private set; }

    /// <summary>Prepares a (re)subscribe on a new connection; returns whether it carries <c>since</c>.</summary>
    public bool BeginSubscribe()
    {
        _held.Clear();
        _replied = false;
        _recovering = Subscribed;
        return Subscribed;
    }

    /// <summary>Handles the positive reply of a subscribe; returns true when a <c>since</c> subscribe recovered everything.</summary>
    public bool OnReply(ServerFrame reply, bool sentSince, List<RealtimeMessage> output)
    {
        var hadPosition = Subscribed && (!string.IsNullOrEmpty(Epoch) || Offset > 0);
        Subscribed = true;
        if (sentSince && reply.Recovered == true)
        {
            Epoch = string.IsNullOrEmpty(reply.Epoch) ? Epoch : reply.Epoch;
            _replied = true;
            foreach (var stale in _held.Keys.Where(o => o <= Offset).ToList())
            {
                _held.Remove(stale);
            }

            FlushContiguous(output);
            _recovering = _held.Count > 0;
            return true;
        }

        var epoch = string.IsNullOrEmpty(reply.Epoch) ? null : reply.Epoch;
        if (epoch != Epoch && Epoch is not null)
        {
            Offset = 0;
        }

        if (sentSince && hadPosition && epoch is not null)
        {
            NoteGap();
        }

        Epoch = epoch ?? Epoch;
        _recovering = false;
        FlushAll(output);
        if (epoch is not null)
        {
            Offset = Math.Max(Offset, reply.Offset);
        }

        return false;
    }

    public void OnMessage(RealtimeMessage message, List<RealtimeMessage> output)
    {
        var offset = message.Offset;
        if (offset == 0)
        {
            Emit(message, output);
            return;
        }

        if (!string.IsNullOrEmpty(message.Epoch))
        {
            if (Epoch is null)
            {
                Epoch = message.Epoch;
            }
            else if (message.Epoch != Epoch)
            {
                // The channel's history was lost on the server: offsets restarted in a new epoch.
                Epoch = message.Epoch;
                Offset = 0;
                _held.Clear();
                _recovering = false;
                NoteGap();
                Emit(message, output);
                return;
            }
        }

        if (_recovering)
        {
            if (!_replied)
            {
                _held[offset] = message;
                return;
            }

            if (offset <= Offset)
            {
                return;
            }

            if (_held.Count > 0 && offset > _held.Keys.First())
            {
                // The missed messages come right after the reply; a later one means they are all in.
                FlushAll(output);
                _recovering = false;
                OnMessage(message, output);
                return;
            }

            EmitChecked(message, output);
            FlushContiguous(output);
            _recovering = _held.Count > 0;
            return;
        }

        if (offset <= Offset)
        {
            return;
        }

        EmitChecked(message, output);
    }

    public int TakeGaps()
    {
        var gaps = Gaps;
        Gaps = 0;
        return gaps;
    }

    private void FlushContiguous(List<RealtimeMessage> output)
    {
        while (_held.Count > 0)
        {
            var first = _held.First();
            if (first.Key <= Offset)
            {
                _held.Remove(first.Key);
                continue;
            }

            if (first.Key != Offset + 1)
            {
                return;
            }

            _held.Remove(first.Key);
            Emit(first.Value, output);
        }
    }

    private void FlushAll(List<RealtimeMessage> output)
    {
        foreach (var (offset, message) in _held)
        {
            if (offset > Offset)
            {
                EmitChecked(message, output);
            }
        }

        _held.Clear();
    }

    private void EmitChecked(RealtimeMessage message, List<RealtimeMessage> output)
    {
        if (Offset > 0 && message.Offset > Offset + 1)
        {
            NoteGap();
        }

        Emit(message, output);
    }

    private void NoteGap()
    {
        Gaps++;
        _gapPending = true;
    }

    private void Emit(RealtimeMessage message, List<RealtimeMessage> output)
    {
        if (_gapPending)
        {
            message = message with { AfterGap = true };
            _gapPending = false;
        }

        if (message.Offset > 0)
        {
            Offset = message.Offset;
        }

        output.Add(message);
    }
}
