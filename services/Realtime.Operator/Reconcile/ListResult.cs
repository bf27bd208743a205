namespace Realtime.Operator.Reconcile;

/// <summary>A full list and the resourceVersion to watch from.</summary>
internal sealed record ListResult<T>(IReadOnlyList<T> Items, string ResourceVersion);
