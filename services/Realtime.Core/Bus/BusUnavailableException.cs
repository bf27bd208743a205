namespace Realtime.Core.Bus;

/// <summary>The broker (Redis) cannot be reached or did not answer in time.</summary>
public sealed class BusUnavailableException : Exception
{
    public BusUnavailableException()
    {
    }

    public BusUnavailableException(string message)
        : base(message)
    {
    }

    public BusUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
