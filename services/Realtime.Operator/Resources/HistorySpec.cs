namespace Realtime.Operator.Resources;

/// <summary>History policies per channel namespace (<c>room</c>, <c>user</c>, <c>broadcast</c> or a room prefix).</summary>
internal sealed class HistorySpec
{
    public IDictionary<string, HistoryPolicySpec> Namespaces { get; set; } = new Dictionary<string, HistoryPolicySpec>(StringComparer.Ordinal);
}
