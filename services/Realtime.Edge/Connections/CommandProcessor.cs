using Microsoft.Extensions.Options;
using Realtime.Core.Bus;
using Realtime.Core.Channels;
using Realtime.Core.Envelope;
using Realtime.Core.History;
using Realtime.Core.Options;
using Realtime.Edge.Auth;
using Realtime.Edge.Hosting;
using Realtime.Edge.Presence;
using Realtime.Edge.Protocol;
using Realtime.Edge.Subscriptions;

namespace Realtime.Edge.Connections;

/// <summary>Executes client commands (subscribe with recovery, unsubscribe, ping) for one connection at a time.</summary>
public sealed partial class CommandProcessor(
    SubscriptionTable table,
    PresenceTracker presence,
    IHistoryStore history,
    TokenValidator tokens,
    ClientLimits limits,
    IOptions<HistoryOptions> historyOptions,
    IOptions<EdgeOptions> edgeOptions,
    EdgeMetrics metrics,
    ILogger<CommandProcessor> logger)
{
    /// <summary>
    /// Joins a channel the connection is in by right (its user channel, broadcast). The member
    /// buffers what arrives until <see cref="ChannelMember.EndBuffering"/>, so the caller can send
    /// the welcome first.
    /// </summary>
    public async Task<ChannelMember> JoinAutomaticAsync(Connection connection, string channel, CancellationToken cancellationToken)
    {
        var member = await table.JoinAsync(connection, channel, buffer: true, cancellationToken);
        connection.AddMembership(channel, member);
        await presence.JoinedAsync(connection, channel, cancellationToken);
        return member;
    }

    /// <summary>Leaves every channel. Never throws: local state is removed whatever the broker answers.</summary>
    public Task LeaveAllAsync(Connection connection) => LeaveAsync(connection, connection.TakeMemberships());

    /// <summary>Ends the memberships whose subscribe token expired; the client is told with an <c>unsubscribed</c> message.</summary>
    public async Task ExpireMembershipsAsync(Connection connection, DateTimeOffset now)
    {
        var expired = connection.TakeExpiredMemberships(now);
        foreach (var (channel, _) in expired)
        {
            connection.TryEnqueue(Frames.Unsubscribed(channel, "token_expired"));
        }

        await LeaveAsync(connection, expired);
    }

    private async Task LeaveAsync(Connection connection, List<(string Channel, ChannelMember Member)> memberships)
    {
        foreach (var (channel, member) in memberships)
        {
            try
            {
                await table.LeaveAsync(member);
            }
            catch (Exception ex)
            {
                Log.LeaveFailed(logger, channel, ex);
            }

            try
            {
                await presence.LeftAsync(connection, channel);
            }
            catch (Exception ex)
            {
                Log.LeaveFailed(logger, channel, ex);
            }
        }
    }

    public async Task ExecuteAsync(Connection connection, ClientCommand command, CancellationToken cancellationToken)
    {
        switch (command.Op)
        {
            case "ping":
                connection.TryEnqueue(Frames.Ok(command.Id));
                break;
            case "subscribe":
                await SubscribeAsync(connection, command, cancellationToken);
                break;
            case "unsubscribe":
                await UnsubscribeAsync(connection, command);
                break;
            default:
                Refuse(connection, command.Id, ErrorCodes.UnknownOp, "op must be subscribe, unsubscribe or ping");
                break;
        }
    }

    public void Refuse(Connection connection, long id, string code, string message)
    {
        metrics.CommandErrors.WithLabels(code).Inc();
        connection.TryEnqueue(Frames.Error(id, code, message));
    }

    private async Task SubscribeAsync(Connection connection, ClientCommand command, CancellationToken cancellationToken)
    {
        if (!ChannelName.TryParse(command.Channel, out var parsed, out var error))
        {
            Refuse(connection, command.Id, ErrorCodes.InvalidChannel, error!);
            return;
        }

        var channel = parsed.Value;
        var own = channel.Kind == ChannelKind.Broadcast || (channel.Kind == ChannelKind.User && channel.Id == connection.Identity.UserId);
        if (channel.Kind == ChannelKind.User && !own)
        {
            Refuse(connection, command.Id, ErrorCodes.Forbidden, "a connection may only be in its own user channel");
            return;
        }

        DateTimeOffset? tokenExpiry = null;
        if (channel.Kind == ChannelKind.Room && !connection.Identity.MayJoinRoom(channel.Id))
        {
            tokenExpiry = command.Token is null ? null : await tokens.ValidateSubscribeTokenAsync(command.Token, connection.Identity.UserId, channel.Value);
            if (tokenExpiry is null)
            {
                Refuse(connection, command.Id, ErrorCodes.Forbidden, $"the token does not allow {channel.Value}");
                return;
            }
        }

        var policy = historyOptions.Value.For(channel);
        var existing = connection.FindMembership(channel.Value);
        if (existing is not null && tokenExpiry is not null)
        {
            // A fresh subscribe token extends the subscription it opened.
            connection.AddMembership(channel.Value, existing, tokenExpiry);
        }

        if (existing is null && connection.MembershipCount >= edgeOptions.Value.MaxSubscriptionsPerConnection)
        {
            Refuse(connection, command.Id, ErrorCodes.LimitExceeded, $"at most {edgeOptions.Value.MaxSubscriptionsPerConnection} channels per connection");
            return;
        }

        if (!policy.Enabled)
        {
            if (existing is null)
            {
                if (!await TryJoinAsync(connection, command, channel.Value, buffer: false, tokenExpiry, cancellationToken))
                {
                    return;
                }
            }

            connection.TryEnqueue(Frames.SubscribeOk(command.Id, channel.Value, string.Empty, 0, command.SinceOffset is null ? null : false));
            return;
        }

        if (command.SinceOffset is not null && !limits.HasHistoryBudget(connection))
        {
            metrics.RateLimited.WithLabels("history").Inc();
            Refuse(connection, command.Id, ErrorCodes.RateLimited, $"history budget of {edgeOptions.Value.HistoryBytesPerMinute} bytes per minute used up; retry later");
            return;
        }

        // History channel: buffer live messages while the position (and any missed messages) are read.
        ChannelMember member;
        if (existing is null)
        {
            if (!await TryJoinAsync(connection, command, channel.Value, buffer: true, tokenExpiry, cancellationToken))
            {
                return;
            }

            member = connection.FindMembership(channel.Value)!;
        }
        else
        {
            member = existing;
            member.BeginBuffering();
        }

        HistoryPage page;
        try
        {
            page = await history.ReadAsync(channel.Value, command.SinceOffset ?? 0, command.SinceOffset is null ? 0 : policy.MaxMessages, cancellationToken);
            limits.ChargeHistory(connection, page.Entries.Sum(e => (long)e.Envelope.Length));
        }
        catch (BusUnavailableException ex)
        {
            Log.HistoryUnavailable(logger, channel.Value, ex);
            member.Complete(Frames.SubscribeOk(command.Id, channel.Value, string.Empty, 0, command.SinceOffset is null ? null : false), null, []);
            return;
        }

        if (command.SinceOffset is not { } since)
        {
            var position = member.Position(page.TopOffset);
            member.Complete(Frames.SubscribeOk(command.Id, channel.Value, page.Epoch, position, null), null, [], page.Epoch, position);
            return;
        }

        var recovered = page.Complete && (page.Epoch == command.SinceEpoch || (since == 0 && string.IsNullOrEmpty(command.SinceEpoch)));
        metrics.Recoveries.WithLabels(recovered ? "recovered" : "gap").Inc();
        if (!recovered)
        {
            var position = member.Position(page.TopOffset);
            member.Complete(Frames.SubscribeOk(command.Id, channel.Value, page.Epoch, position, false), null, [], page.Epoch, position);
            return;
        }

        var missed = new List<(ulong, ReadOnlyMemory<byte>)>(page.Entries.Count);
        foreach (var entry in page.Entries)
        {
            if (Envelope.Parser.ParseFrom(entry.Envelope.Span) is { } envelope)
            {
                missed.Add((entry.Offset, Frames.Message(envelope, entry.Offset, page.Epoch)));
            }
        }

        member.Complete(Frames.SubscribeOk(command.Id, channel.Value, page.Epoch, page.TopOffset, true), since, missed, page.Epoch);
    }

    private async Task<bool> TryJoinAsync(Connection connection, ClientCommand command, string channel, bool buffer, DateTimeOffset? expiresAt, CancellationToken cancellationToken)
    {
        try
        {
            var member = await table.JoinAsync(connection, channel, buffer, cancellationToken);
            connection.AddMembership(channel, member, expiresAt);
            await presence.JoinedAsync(connection, channel, cancellationToken);
            return true;
        }
        catch (BusUnavailableException ex)
        {
            Log.SubscribeUnavailable(logger, channel, ex);
            Refuse(connection, command.Id, ErrorCodes.Unavailable, "the broker is not reachable; retry later");
            return false;
        }
    }

    private async Task UnsubscribeAsync(Connection connection, ClientCommand command)
    {
        if (!ChannelName.TryParse(command.Channel, out var channel, out var error))
        {
            Refuse(connection, command.Id, ErrorCodes.InvalidChannel, error!);
            return;
        }

        if (channel.Value.Kind != ChannelKind.Room)
        {
            Refuse(connection, command.Id, ErrorCodes.BadRequest, "only room channels can be left; user and broadcast last for the connection");
            return;
        }

        if (!connection.TryRemoveMembership(channel.Value.Value, out var member) || member is null)
        {
            Refuse(connection, command.Id, ErrorCodes.NotSubscribed, $"not subscribed to {channel.Value.Value}");
            return;
        }

        await table.LeaveAsync(member);
        await presence.LeftAsync(connection, channel.Value.Value);
        connection.TryEnqueue(Frames.Ok(command.Id));
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 210, Level = LogLevel.Warning, Message = "History of {Channel} could not be read; subscribed without recovery")]
        public static partial void HistoryUnavailable(ILogger logger, string channel, Exception exception);

        [LoggerMessage(EventId = 212, Level = LogLevel.Warning, Message = "Leaving {Channel} failed at the broker; local state was removed and the broker entry expires")]
        public static partial void LeaveFailed(ILogger logger, string channel, Exception exception);

        [LoggerMessage(EventId = 211, Level = LogLevel.Warning, Message = "Subscribing {Channel} failed: broker unavailable")]
        public static partial void SubscribeUnavailable(ILogger logger, string channel, Exception exception);
    }
}
