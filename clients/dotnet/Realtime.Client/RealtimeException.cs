namespace Realtime.Client;

/// <summary>Base class of the SDK's errors.</summary>
public class RealtimeException : Exception
{
    public RealtimeException()
    {
    }

    public RealtimeException(string message)
        : base(message)
    {
    }

    public RealtimeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
