using Microsoft.Extensions.Logging;

namespace Realtime.Client;

/// <summary>The SDK's log messages (event ids 1000-1099).</summary>
internal static partial class ClientLog
{
    [LoggerMessage(EventId = 1000, Level = LogLevel.Debug, Message = "Connecting to {Url} (attempt {Attempt})")]
    public static partial void Connecting(ILogger logger, Uri url, int attempt);

    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Connected to edge {Server} as {User}, ping interval {PingIntervalMs} ms")]
    public static partial void Connected(ILogger logger, string? server, string? user, int pingIntervalMs);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Information, Message = "Connection ended (close {CloseCode} {CloseReason}); {Action} in {DelayMs} ms")]
    public static partial void Reconnecting(ILogger logger, int? closeCode, string? closeReason, Reconnect.ReconnectAction action, long delayMs, Exception? error);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Warning, Message = "Not reconnecting after close {CloseCode} {CloseReason}")]
    public static partial void Stopped(ILogger logger, int? closeCode, string? closeReason);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Warning, Message = "Connection considered dead: {Reason}")]
    public static partial void Dead(ILogger logger, string reason);

    [LoggerMessage(EventId = 1005, Level = LogLevel.Debug, Message = "Edge asked to reconnect after {AfterMs} ms ({Reason})")]
    public static partial void ReconnectHint(ILogger logger, int? afterMs, string? reason);

    [LoggerMessage(EventId = 1006, Level = LogLevel.Warning, Message = "Subscribe {Channel} refused: {Code} {Message}")]
    public static partial void SubscribeRefused(ILogger logger, string channel, string? code, string? message);

    [LoggerMessage(EventId = 1007, Level = LogLevel.Debug, Message = "Ignored an unparseable frame line")]
    public static partial void BadFrame(ILogger logger);

    [LoggerMessage(EventId = 1008, Level = LogLevel.Warning, Message = "The token provider failed")]
    public static partial void TokenProviderFailed(ILogger logger, Exception error);

    [LoggerMessage(EventId = 1009, Level = LogLevel.Error, Message = "An event handler threw")]
    public static partial void HandlerFailed(ILogger logger, Exception error);

    [LoggerMessage(EventId = 1010, Level = LogLevel.Debug, Message = "Resubscribed {Channel}: recovered={Recovered}")]
    public static partial void Resubscribed(ILogger logger, string channel, bool recovered);
}
