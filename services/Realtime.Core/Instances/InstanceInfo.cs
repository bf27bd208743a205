namespace Realtime.Core.Instances;

/// <summary>One live instance as seen in the registry.</summary>
public sealed record InstanceInfo(string ServerId, int Connections, long LastSeenMs);
