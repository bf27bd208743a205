namespace Realtime.Core.History;

/// <summary>How much history one channel namespace keeps: the last <see cref="MaxMessages"/> messages no older than <see cref="Ttl"/>.</summary>
public readonly record struct HistoryPolicy(int MaxMessages, TimeSpan Ttl)
{
    public static HistoryPolicy None { get; } = new(0, TimeSpan.Zero);

    public bool Enabled => MaxMessages > 0;
}
