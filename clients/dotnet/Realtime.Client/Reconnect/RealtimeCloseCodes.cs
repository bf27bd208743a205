namespace Realtime.Client.Reconnect;

/// <summary>
/// The close codes of protocol/close-codes.json (the one table; a test checks these against it) and
/// what the SDK does on each.
/// </summary>
public static class RealtimeCloseCodes
{
    public const int Normal = 1000;
    public const int GoingAway = 1001;
    public const int UnsupportedData = 1003;

    /// <summary>No close frame (network error, refused upgrade): never on the wire, reported by WebSocket APIs.</summary>
    public const int Abnormal = 1006;
    public const int PolicyViolation = 1008;
    public const int MessageTooBig = 1009;
    public const int InternalError = 1011;
    public const int ServiceRestart = 1012;

    /// <summary>Sent by a client that gives up on a connection (no welcome in time, or nothing received for 2× the ping interval).</summary>
    public const int ClientTimeout = 4000;
    public const int Unauthorized = 4001;
    public const int TokenExpired = 4002;
    public const int SlowConsumer = 4008;
    public const int DisconnectedByBackend = 4009;
    public const int TooManyRequests = 4029; // reconnect with backoff

    /// <summary>
    /// What to do after a connection ended with <paramref name="closeCode"/> (null: no close frame,
    /// e.g. a network error, a refused upgrade or a dead connection).
    /// </summary>
    public static ReconnectAction Decide(int? closeCode, bool canRenewToken) => closeCode switch
    {
        null => ReconnectAction.Backoff,
        Normal or UnsupportedData or PolicyViolation or MessageTooBig or DisconnectedByBackend => ReconnectAction.Stop,
        ServiceRestart => ReconnectAction.Immediate,
        Unauthorized or TokenExpired => canRenewToken ? ReconnectAction.RenewToken : ReconnectAction.Stop,
        _ => ReconnectAction.Backoff,
    };
}
