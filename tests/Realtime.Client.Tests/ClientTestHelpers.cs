using Realtime.TestKit;

namespace Realtime.Client.Tests;

internal static class ClientTestHelpers
{
    public static RealtimeClientOptions Options(Cluster cluster, Func<CancellationToken, ValueTask<string>> tokens)
    {
        var options = new RealtimeClientOptions
        {
            TokenProvider = tokens,
            MinReconnectDelay = TimeSpan.FromMilliseconds(50),
            MaxReconnectDelay = TimeSpan.FromSeconds(1),
        };
        foreach (var edge in cluster.Edges)
        {
            options.Urls.Add(edge.WebSocketUrl);
        }

        return options;
    }

    /// <summary>Reads exactly <paramref name="count"/> messages (generous deadline).</summary>
    public static async Task<List<RealtimeMessage>> ReadAsync(Subscription subscription, int count)
    {
        using var timeout = new CancellationTokenSource(Eventually.DefaultTimeout);
        var messages = new List<RealtimeMessage>();
        try
        {
            while (messages.Count < count)
            {
                messages.Add(await subscription.Reader.ReadAsync(timeout.Token));
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"{subscription.Channel}: got {messages.Count} of {count}: " + string.Join(" | ", messages.Select(m => m.ToJson())));
        }

        return messages;
    }

    public static int N(RealtimeMessage message) => message.Data.GetProperty("n").GetInt32();

    public static string Unique(string prefix) => prefix + Guid.NewGuid().ToString("N")[..8];
}
