namespace Realtime.Operator.Resources;

/// <summary>One namespace's history: how many messages for how long.</summary>
internal sealed class HistoryPolicySpec
{
    public int MaxMessages { get; set; }

    public int TtlSeconds { get; set; }
}
