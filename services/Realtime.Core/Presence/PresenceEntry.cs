namespace Realtime.Core.Presence;

/// <summary>One connection present in a channel: its id, its user and the edge holding it.</summary>
public sealed record PresenceEntry(string ConnectionId, string UserId, string ServerId);
