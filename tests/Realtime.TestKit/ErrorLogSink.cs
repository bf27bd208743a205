using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Realtime.TestKit;

/// <summary>Collects error logs of a host so that a test that sees an unexpected error fails.</summary>
public sealed class ErrorLogSink : ILoggerProvider
{
    public ConcurrentQueue<string> Errors { get; } = new();

    /// <summary>Warnings (not errors) logged so far, for tests that expect a warning.</summary>
    public ConcurrentQueue<string> Warnings { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(ErrorLogSink sink, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel >= LogLevel.Error)
            {
                sink.Errors.Enqueue($"{category}: {formatter(state, exception)} {exception}");
            }
            else if (logLevel == LogLevel.Warning)
            {
                sink.Warnings.Enqueue($"{category}: {formatter(state, exception)}");
            }
        }
    }
}
