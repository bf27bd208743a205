using Microsoft.Extensions.Options;

namespace Realtime.Dispatcher.Hosting;

/// <summary>Says at start, in the log, that the API is open (<c>Realtime:Dispatcher:Insecure=true</c> and no keys).</summary>
internal sealed partial class InsecureModeWarning(IOptions<DispatcherOptions> options, ILogger<InsecureModeWarning> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.Value.ApiKeyList.Count == 0)
        {
            Log.Insecure(logger);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static partial class Log
    {
        [LoggerMessage(EventId = 610, Level = LogLevel.Warning, Message = "insecure: no API key, anyone can publish (Realtime:Dispatcher:Insecure=true; set Realtime:Dispatcher:ApiKeys outside development)")]
        public static partial void Insecure(ILogger logger);
    }
}
