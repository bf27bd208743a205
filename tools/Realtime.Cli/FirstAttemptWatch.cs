using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;

namespace Realtime.Cli;

/// <summary>
/// Tells, from the .NET SDK's own log events, how the FIRST connection attempt ended, so
/// <c>listen</c> can stop at once on a setup mistake (token refused with 4001, connection refused,
/// unknown host, wrong path) while later drops are retried by the client as usual. The SDK reports
/// per-attempt outcomes only through its stable log events (1001 connected, 1002 connection ended,
/// with the close code and the transport error); everything is forwarded to <paramref name="inner"/>.
/// </summary>
public sealed partial class FirstAttemptWatch(ILogger inner, Uri edge) : ILogger
{
    public const int ConnectedEventId = 1001;
    public const int ConnectionEndedEventId = 1002;
    public const int Unauthorized = Client.Reconnect.RealtimeCloseCodes.Unauthorized;

    private readonly TaskCompletionSource<string> _fatal = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _ended;
    private volatile bool _connected;

    /// <summary>Completes with a message for the user when the first attempt failed in a way retrying cannot fix.</summary>
    public Task<string> Fatal => _fatal.Task;

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => inner.BeginScope(state);

    // Every event must reach Log (the outcome events are Information); the inner logger filters what is shown.
    public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (eventId.Id == ConnectedEventId)
        {
            _connected = true;
        }
        else if (eventId.Id == ConnectionEndedEventId && !_connected && Interlocked.Increment(ref _ended) == 1
                 && Diagnose(edge, Value(state, "CloseCode") as int?, Value(state, "CloseReason") as string, exception) is { } message)
        {
            _fatal.TrySetResult(message);
        }

        if (inner.IsEnabled(logLevel))
        {
            inner.Log(logLevel, eventId, state, exception, formatter);
        }
    }

    /// <summary>A message for a first-attempt failure that retrying cannot fix, or null for a transient one (503, timeout, 1012, …).</summary>
    public static string? Diagnose(Uri edge, int? closeCode, string? closeReason, Exception? error)
    {
        ArgumentNullException.ThrowIfNull(edge);
        if (closeCode == Unauthorized || HttpStatus(error) == 401)
        {
            var reason = string.IsNullOrWhiteSpace(closeReason) ? string.Empty : $": {closeReason}";
            return $"the edge at {edge} refused the token (4001{reason}). Set {TokenMinter.SecretVariable} to the edge's HS256 secret "
                + $"(and {TokenMinter.IssuerVariable} / {TokenMinter.AudienceVariable} when the edge checks them).";
        }

        for (var e = error; e is not null; e = e.InnerException)
        {
            if (e is SocketException socket)
            {
                return socket.SocketErrorCode switch
                {
                    SocketError.ConnectionRefused => $"nothing accepts connections at {edge} (connection refused): is the edge running, and are the host and port right?",
                    SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain => $"cannot resolve the host of {edge} ({socket.Message}).",
                    _ => null,
                };
            }
        }

        if (HttpStatus(error) == 404)
        {
            return $"{edge} answered 404 Not Found: the edge's WebSocket endpoint is /ws (e.g. ws://127.0.0.1:8080/ws).";
        }

        return null;
    }

    private static int? HttpStatus(Exception? error)
    {
        for (var e = error; e is not null; e = e.InnerException)
        {
            if (e is WebSocketException && StatusCode().Match(e.Message) is { Success: true } m)
            {
                return int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        return null;
    }

    private static object? Value<TState>(TState state, string name)
    {
        if (state is IEnumerable<KeyValuePair<string, object?>> pairs)
        {
            foreach (var (key, value) in pairs)
            {
                if (key == name)
                {
                    return value;
                }
            }
        }

        return null;
    }

    [GeneratedRegex(@"status code '(\d{3})'")]
    private static partial Regex StatusCode();
}
