using k8s;

namespace Realtime.Operator.Reconcile;

/// <summary>One change seen by an <see cref="Informer{T}"/> (after a re-list, deletions missed meanwhile are synthesized).</summary>
internal sealed record WatchEvent<T>(WatchEventType Type, T Object);
