using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace Realtime.Operator.Reconcile;

/// <summary>
/// List, then watch from the list's resourceVersion (with bookmarks, which advance it without
/// changes); a watch that ends is resumed from the last version seen; <c>410 Gone</c> (version too
/// old) re-lists, and objects missing from the new list are reported deleted. Any other failure is
/// logged and retried with capped exponential backoff. Runs until cancelled.
/// </summary>
internal sealed partial class Informer<T>(
    string name,
    Func<CancellationToken, Task<ListResult<T>>> list,
    Func<string, Action<Exception>, CancellationToken, IAsyncEnumerable<(WatchEventType, T)>> watch,
    Func<WatchEvent<T>, CancellationToken, Task> onEvent,
    TimeSpan maxBackoff,
    ILogger logger)
    where T : IKubernetesObject<V1ObjectMeta>
{
    private readonly Dictionary<string, T> _known = new(StringComparer.Ordinal);

    /// <summary>True once a full list has been delivered.</summary>
    public bool Synced { get; private set; }

    /// <summary>Counts re-lists (first list included), for tests and metrics.</summary>
    public int Lists { get; private set; }

    public string? ResourceVersion { get; private set; }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var backoff = TimeSpan.FromMilliseconds(250);
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                if (ResourceVersion is null)
                {
                    await RelistAsync(cancellationToken);
                }

                await WatchOnceAsync(cancellationToken);
                backoff = TimeSpan.FromMilliseconds(250);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (IsGone(ex))
            {
                Log.Gone(logger, name);
                ResourceVersion = null;
            }
            catch (Exception ex)
            {
                Log.Failed(logger, name, backoff.TotalSeconds, ex);
                try
                {
                    await Task.Delay(backoff, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                backoff = TimeSpan.FromTicks(Math.Min(maxBackoff.Ticks, backoff.Ticks * 2));
            }
        }
    }

    private async Task RelistAsync(CancellationToken cancellationToken)
    {
        var result = await list(cancellationToken);
        Lists++;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in result.Items)
        {
            var key = item.Metadata.Name;
            seen.Add(key);
            var type = _known.ContainsKey(key) ? WatchEventType.Modified : WatchEventType.Added;
            _known[key] = item;
            await onEvent(new WatchEvent<T>(type, item), cancellationToken);
        }

        foreach (var gone in _known.Keys.Where(k => !seen.Contains(k)).ToList())
        {
            var item = _known[gone];
            _known.Remove(gone);
            await onEvent(new WatchEvent<T>(WatchEventType.Deleted, item), cancellationToken);
        }

        ResourceVersion = result.ResourceVersion;
        Synced = true;
        Log.Listed(logger, name, result.Items.Count, ResourceVersion);
    }

    private async Task WatchOnceAsync(CancellationToken cancellationToken)
    {
        Exception? error = null;
        await foreach (var (type, item) in watch(ResourceVersion!, e => error ??= e, cancellationToken))
        {
            if (item?.Metadata?.ResourceVersion is { Length: > 0 } version)
            {
                ResourceVersion = version;
            }

            switch (type)
            {
                case WatchEventType.Added or WatchEventType.Modified:
                    _known[item!.Metadata.Name] = item;
                    await onEvent(new WatchEvent<T>(type, item), cancellationToken);
                    break;
                case WatchEventType.Deleted:
                    _known.Remove(item!.Metadata.Name);
                    await onEvent(new WatchEvent<T>(type, item), cancellationToken);
                    break;
                case WatchEventType.Error:
                    error ??= new InvalidOperationException("Watch error event");
                    break;
                default:
                    // Bookmark: only the resourceVersion moves.
                    break;
            }

            if (error is not null)
            {
                break;
            }
        }

        if (error is not null)
        {
            throw error;
        }
    }

    private static bool IsGone(Exception ex) => ex switch
    {
        KubernetesException k => k.Status?.Code == (int)HttpStatusCode.Gone,
        HttpOperationException h => h.Response?.StatusCode == HttpStatusCode.Gone,
        _ => false,
    };

    private static partial class Log
    {
        [LoggerMessage(EventId = 1100, Level = LogLevel.Information, Message = "{Informer}: listed {Count} objects at resourceVersion {ResourceVersion}")]
        public static partial void Listed(ILogger logger, string informer, int count, string resourceVersion);

        [LoggerMessage(EventId = 1101, Level = LogLevel.Information, Message = "{Informer}: resourceVersion expired (410 Gone); re-listing")]
        public static partial void Gone(ILogger logger, string informer);

        [LoggerMessage(EventId = 1102, Level = LogLevel.Warning, Message = "{Informer}: list/watch failed; retrying in {Seconds} s")]
        public static partial void Failed(ILogger logger, string informer, double seconds, Exception exception);
    }
}
