namespace Realtime.Client;

/// <summary>The edge refused a <c>subscribe</c> (<c>{"ok":false,"error":{"code":…}}</c>).</summary>
public sealed class RealtimeSubscribeException : RealtimeException
{
    public RealtimeSubscribeException()
    {
    }

    public RealtimeSubscribeException(string message)
        : base(message)
    {
    }

    public RealtimeSubscribeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public RealtimeSubscribeException(string channel, string code, string message)
        : base($"subscribe {channel} refused: {code}: {message}")
    {
        Channel = channel;
        Code = code;
    }

    public string Channel { get; } = string.Empty;

    /// <summary>One of the protocol's error codes: <c>forbidden</c>, <c>invalid_channel</c>, <c>limit_exceeded</c>, <c>unavailable</c>, …</summary>
    public string Code { get; } = string.Empty;
}
