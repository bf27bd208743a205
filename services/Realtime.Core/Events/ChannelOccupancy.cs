namespace Realtime.Core.Events;

/// <summary>How many connections and distinct users are in a channel (from counters, not the member list).</summary>
public sealed record ChannelOccupancy(long Clients, long Users);
