using Grpc.Core;
using Realtime.Core.Channels;
using Realtime.Core.Events;

namespace Realtime.Dispatcher.Events;

/// <summary>Which events a watcher or a webhook endpoint wants: a set of types (empty = all) and a channel glob (empty = all).</summary>
internal sealed class EventFilter
{
    private readonly HashSet<string> _types;
    private readonly string _pattern;

    private EventFilter(HashSet<string> types, string pattern)
    {
        _types = types;
        _pattern = pattern;
    }

    /// <summary>A filter; unknown types are INVALID_ARGUMENT.</summary>
    public static EventFilter Create(IEnumerable<string> types, string? pattern)
    {
        var set = new HashSet<string>(types.Where(t => !string.IsNullOrWhiteSpace(t)), StringComparer.Ordinal);
        var unknown = set.Except(EventTypes.All).ToList();
        if (unknown.Count > 0)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"event_types: unknown {string.Join(", ", unknown)}; known are {string.Join(", ", EventTypes.All)}"));
        }

        return new EventFilter(set, pattern ?? string.Empty);
    }

    public bool Matches(LifecycleEvent e) =>
        (_types.Count == 0 || _types.Contains(e.Type)) &&
        (_pattern.Length == 0 || (e.Channel.Length > 0 && GlobPattern.IsMatch(_pattern, e.Channel)));
}
