using Microsoft.Extensions.Logging;

namespace Realtime.Cli;

/// <summary>A minimal logger to the error stream for <c>--verbose</c> (the CLI carries no logging framework).</summary>
public sealed class StderrLogger(TextWriter error, LogLevel minimum) : ILogger
{
    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= minimum && logLevel != LogLevel.None;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (!IsEnabled(logLevel))
        {
            return;
        }

        lock (error)
        {
            // "[Warning] The token provider failed: set Realtime__Auth__HmacSecret …", not the two run together.
            error.WriteLine($"[{logLevel}] {formatter(state, exception)}{(exception is null ? string.Empty : ": " + exception.Message)}");
        }
    }
}
