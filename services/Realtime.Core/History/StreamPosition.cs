namespace Realtime.Core.History;

/// <summary>
/// A place in a channel's message stream: the <see cref="Epoch"/> (one lifetime of the channel's
/// history; a flush or expiry starts a new one) and the <see cref="Offset"/> within it. Channels
/// without history have no position (<see cref="None"/>: empty epoch, offset 0).
/// </summary>
public readonly record struct StreamPosition(string Epoch, ulong Offset)
{
    private readonly string? _epoch = Epoch;

    public static StreamPosition None { get; } = new(string.Empty, 0);

    public string Epoch
    {
        get => _epoch ?? string.Empty;
        init => _epoch = value;
    }

    /// <summary>True when the position is in a history stream (it has an epoch).</summary>
    public bool HasHistory => Epoch.Length > 0;

    /// <summary>A new epoch id: 12 hex characters, unique enough to tell two lifetimes of one channel apart.</summary>
    public static string NewEpoch() => Guid.NewGuid().ToString("N")[..12];

    public override string ToString() => HasHistory ? $"{Epoch}:{Offset}" : "none";
}
