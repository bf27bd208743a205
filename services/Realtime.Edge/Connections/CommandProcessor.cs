using Microsoft.Extensions.Options;
using Realtime.Core.Bus;
using Realtime.Core.Channels;
using Realtime.Core.History;
using Realtime.Core.Messages;
using Realtime.Core.Options;
using Realtime.Edge.Auth;
using Realtime.Edge.Events;
using Realtime.Edge.Hosting;
using Realtime.Edge.Presence;
using Realtime.Edge.Protocol;
using Realtime.Edge.Subscriptions;

namespace Realtime.Edge.Connections;

/// <summary>Executes client commands (subscribe with recovery, unsubscribe, ping) for one connection at a time.</summary>
internal sealed partial class CommandProcessor(
    SubscriptionTable table,
    PresenceTracker presence,
    IHistoryStore history,
    TokenValidator tokens,
    ClientLimits limits,
    IOptions<HistoryOptions> historyOptions,
    IOptions<EdgeOptions> edgeOptions,
    EdgeMetrics metrics,
    ConnectionEvents events,
    ILogger<CommandProcessor> logger)
{
    /// <summary>
    /// Joins a channel the connection is in by right (its user channel, broadcast). The member
    /// buffers what arrives until <see cref="ChannelMember.EndBuffering"/>, so the caller can send
    /// the welcome first.
    /// </summary>
    public async Task<ChannelMember> JoinAutomaticAsync(Connection connection, ChannelName channel, CancellationToken cancellationToken)
    {
        var member = await table.JoinAsync(connection, channel, buffer: true, cancellationToken);
        connection.AddMembership(member);
        await presence.JoinedAsync(connection, channel, cancellationToken);
        return member;
    }

    /// <summary>Leaves every channel. Never throws: local state is removed whatever the broker answers.</summary>
    public Task LeaveAllAsync(Connection connection)
    {
        var memberships = connection.TakeMemberships();
        foreach (var member in memberships)
        {
            events.LeftWithConnection(connection, member.Entry.Channel);
        }

        return LeaveAsync(connection, memberships);
    }

    /// <summary>Ends the memberships whose subscribe token expired; the client is told with an <c>unsubscribed</c> message.</summary>
    public async Task ExpireMembershipsAsync(Connection connection, DateTimeOffset now)
    {
        var expired = connection.TakeExpiredMemberships(now);
        foreach (var member in expired)
        {
            connection.TryEnqueue(Frames.Unsubscribed(member.Entry.Channel, "token_expired"));
            events.Unsubscribed(connection, member.Entry.Channel, Core.Events.DisconnectReasons.TokenExpired);
        }

        await LeaveAsync(connection, expired);
    }

    private async Task LeaveAsync(Connection connection, List<ChannelMember> memberships)
    {
        foreach (var member in memberships)
        {
            var channel = member.Entry.Channel;
            try
            {
                await table.LeaveAsync(member);
            }
            catch (Exception ex)
            {
                Log.LeaveFailed(logger, channel.Value, ex);
            }

            try
            {
                await presence.LeftAsync(connection, channel);
            }
            catch (Exception ex)
            {
                Log.LeaveFailed(logger, channel.Value, ex);
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

    /// <summary>
    /// A subscribe: authorized, within the limits, then answered by one of three outcomes: a
    /// channel without history, a plain subscribe on a history channel (the reply promises a
    /// position), or a recovery from <c>since</c> (missed messages, or a gap).
    /// </summary>
    private async Task SubscribeAsync(Connection connection, ClientCommand command, CancellationToken cancellationToken)
    {
        if (await AuthorizeAsync(connection, command) is not { } grant)
        {
            return;
        }

        var channel = grant.Channel;
        var existing = connection.FindMembership(channel);
        if (existing is not null && grant.TokenExpiry is not null)
        {
            // A fresh subscribe token extends the subscription it opened.
            connection.AddMembership(existing, grant.TokenExpiry);
        }

        if (existing is null && connection.MembershipCount >= edgeOptions.Value.MaxSubscriptionsPerConnection)
        {
            Refuse(connection, command.Id, ErrorCodes.LimitExceeded, $"at most {edgeOptions.Value.MaxSubscriptionsPerConnection} channels per connection");
            return;
        }

        var policy = historyOptions.Value.For(channel);
        if (!policy.Enabled)
        {
            if (existing is not null || await TryJoinAsync(connection, command.Id, channel, buffer: false, grant.TokenExpiry, cancellationToken) is not null)
            {
                connection.TryEnqueue(Frames.SubscribeOk(command.Id, channel, StreamPosition.None, command.Since is null ? null : false));
            }

            return;
        }

        if (command.Since is not null && !limits.HasHistoryBudget(connection))
        {
            metrics.RateLimited.WithLabels("history").Inc();
            Refuse(connection, command.Id, ErrorCodes.RateLimited, $"history budget of {edgeOptions.Value.HistoryBytesPerMinute} bytes per minute used up; retry later");
            return;
        }

        // History channel: live messages are buffered while the position (and any missed messages) are read.
        var member = existing ?? await TryJoinAsync(connection, command.Id, channel, buffer: true, grant.TokenExpiry, cancellationToken);
        if (member is null)
        {
            return;
        }

        if (existing is not null)
        {
            member.BeginBuffering();
        }

        await AnswerFromHistoryAsync(connection, command, member, policy, cancellationToken);
    }

    /// <summary>The channel a subscribe names, if this connection may be in it; otherwise the client is refused and null returned.</summary>
    private async Task<SubscribeGrant?> AuthorizeAsync(Connection connection, ClientCommand command)
    {
        if (!ChannelName.TryParse(command.Channel, out var parsed, out var error))
        {
            Refuse(connection, command.Id, ErrorCodes.InvalidChannel, error!);
            return null;
        }

        var channel = parsed.Value;
        switch (channel.Kind)
        {
            case ChannelKind.User when channel.Id != connection.Identity.UserId:
                Refuse(connection, command.Id, ErrorCodes.Forbidden, "a connection may only be in its own user channel");
                return null;
            case ChannelKind.Room when !connection.Identity.MayJoinRoom(channel.Id):
                var expiry = command.Token is null ? null : await tokens.ValidateSubscribeTokenAsync(command.Token, connection.Identity.UserId, channel.Value);
                if (expiry is null)
                {
                    Refuse(connection, command.Id, ErrorCodes.Forbidden, $"the token does not allow {channel.Value}");
                    return null;
                }

                return new SubscribeGrant(channel, expiry);
            default:
                return new SubscribeGrant(channel, null);
        }
    }

    /// <summary>Reads the channel's history and answers the (buffering) member with the outcome.</summary>
    private async Task AnswerFromHistoryAsync(Connection connection, ClientCommand command, ChannelMember member, HistoryPolicy policy, CancellationToken cancellationToken)
    {
        var channel = member.Entry.Channel;
        HistoryPage page;
        try
        {
            page = await history.ReadAsync(channel, command.Since?.Offset ?? 0, command.Since is null ? 0 : policy.MaxMessages, policy, cancellationToken);
            limits.ChargeHistory(connection, page.Entries.Sum(e => (long)e.Envelope.Length));
        }
        catch (BusUnavailableException ex)
        {
            Log.HistoryUnavailable(logger, channel.Value, ex);
            member.AnswerWithoutHistory(Frames.SubscribeOk(command.Id, channel, StreamPosition.None, command.Since is null ? null : false));
            return;
        }

        if (command.Since is not { } since)
        {
            var promised = page.Top with { Offset = member.Position(page.Top.Offset) };
            member.AnswerFrom(Frames.SubscribeOk(command.Id, channel, promised, null), promised);
            return;
        }

        var recovered = page.Continues(since);
        metrics.Recoveries.WithLabels(recovered ? "recovered" : "gap").Inc();
        if (!recovered)
        {
            var promised = page.Top with { Offset = member.Position(page.Top.Offset) };
            member.AnswerFrom(Frames.SubscribeOk(command.Id, channel, promised, false), promised);
            return;
        }

        var missed = new List<(ulong, ReadOnlyMemory<byte>)>(page.Entries.Count);
        foreach (var entry in page.Entries)
        {
            if (Envelope.Parser.ParseFrom(entry.Envelope.Span) is { } envelope)
            {
                missed.Add((entry.Offset, Frames.Message(envelope, page.Top with { Offset = entry.Offset })));
            }
        }

        // Recovered means the page continues since: the client is at since's offset in the page's epoch.
        member.AnswerRecovered(Frames.SubscribeOk(command.Id, channel, page.Top, true), page.Top with { Offset = since.Offset }, missed);
    }

    private async Task<ChannelMember?> TryJoinAsync(Connection connection, long commandId, ChannelName channel, bool buffer, DateTimeOffset? expiresAt, CancellationToken cancellationToken)
    {
        try
        {
            var member = await table.JoinAsync(connection, channel, buffer, cancellationToken);
            connection.AddMembership(member, expiresAt);
            await presence.JoinedAsync(connection, channel, cancellationToken);
            events.Subscribed(connection, channel);
            return member;
        }
        catch (BusUnavailableException ex)
        {
            Log.SubscribeUnavailable(logger, channel.Value, ex);
            Refuse(connection, commandId, ErrorCodes.Unavailable, "the broker is not reachable; retry later");
            return null;
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

        if (!connection.TryRemoveMembership(channel.Value, out var member) || member is null)
        {
            Refuse(connection, command.Id, ErrorCodes.NotSubscribed, $"not subscribed to {channel.Value.Value}");
            return;
        }

        events.Unsubscribed(connection, channel.Value, Core.Events.DisconnectReasons.ClientUnsubscribe);
        await table.LeaveAsync(member);
        await presence.LeftAsync(connection, channel.Value);
        connection.TryEnqueue(Frames.Ok(command.Id));
    }

    /// <summary>A subscribe that passed authorization: the channel, and when a subscribe token granted it, when that ends.</summary>
    private readonly record struct SubscribeGrant(ChannelName Channel, DateTimeOffset? TokenExpiry);

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
