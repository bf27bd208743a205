using System.Collections.Concurrent;

namespace Realtime.Dispatcher.Kubernetes;

/// <summary>The edge pods as last seen by the watch; empty (and not <see cref="Synced"/>) outside Kubernetes.</summary>
internal sealed class EdgePodView
{
    private readonly ConcurrentDictionary<string, EdgePod> _pods = new(StringComparer.Ordinal);

    /// <summary>True once a full list has been loaded, so an absent pod really is gone.</summary>
    public bool Synced { get; private set; }

    public EdgePod? Find(string name) => _pods.GetValueOrDefault(name);

    public IReadOnlyCollection<EdgePod> All => [.. _pods.Values];

    public void Replace(IEnumerable<EdgePod> pods)
    {
        var list = pods.ToList();
        foreach (var name in _pods.Keys.Except(list.Select(p => p.Name)).ToList())
        {
            _pods.TryRemove(name, out _);
        }

        foreach (var pod in list)
        {
            _pods[pod.Name] = pod;
        }

        Synced = true;
    }

    public void Upsert(EdgePod pod) => _pods[pod.Name] = pod;

    public void Remove(string name) => _pods.TryRemove(name, out _);

    public void Unsync() => Synced = false;
}
