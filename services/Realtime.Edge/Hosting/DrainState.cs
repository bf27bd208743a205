namespace Realtime.Edge.Hosting;

/// <summary>Set when the edge starts draining (SIGTERM): readiness fails and new connections are refused.</summary>
internal sealed class DrainState
{
    private int _draining;

    public bool IsDraining => Volatile.Read(ref _draining) == 1;

    public bool Begin() => Interlocked.Exchange(ref _draining, 1) == 0;
}
