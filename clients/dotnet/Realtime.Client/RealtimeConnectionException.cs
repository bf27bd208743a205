namespace Realtime.Client;

/// <summary>The client stopped for good: a close code that must not be retried, or an unusable configuration.</summary>
public sealed class RealtimeConnectionException : RealtimeException
{
    public RealtimeConnectionException()
    {
    }

    public RealtimeConnectionException(string message)
        : base(message)
    {
    }

    public RealtimeConnectionException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public RealtimeConnectionException(string message, int? closeCode, string? closeReason)
        : base(message)
    {
        CloseCode = closeCode;
        CloseReason = closeReason;
    }

    public int? CloseCode { get; }

    public string? CloseReason { get; }
}
