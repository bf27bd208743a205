namespace Realtime.Core.Events;

/// <summary>One live connection of a user: its edge and the channels it is in.</summary>
public sealed record UserConnection(string Connection, string Server, IReadOnlyList<string> Channels);
