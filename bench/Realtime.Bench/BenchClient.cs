using System.Net.WebSockets;
using System.Text;

namespace Realtime.Bench;

/// <summary>A minimal protocol client that counts messages and frames without parsing payloads.</summary>
internal sealed class BenchClient
{
    private readonly ClientWebSocket _socket;
    private long _received;
    private long _frames;

    private BenchClient(ClientWebSocket socket) => _socket = socket;

    public long Received => Interlocked.Read(ref _received);

    public long Frames => Interlocked.Read(ref _frames);

    public static async Task<BenchClient> ConnectAsync(Uri url, string token)
    {
        var socket = new ClientWebSocket();
        socket.Options.AddSubProtocol("realtime.v1.json");
        socket.Options.SetRequestHeader("Authorization", "Bearer " + token);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await socket.ConnectAsync(url, timeout.Token);
        return new BenchClient(socket);
    }

    public async Task SubscribeAsync(string channel)
    {
        await _socket.SendAsync(Encoding.UTF8.GetBytes($"{{\"op\":\"subscribe\",\"id\":1,\"channel\":\"{channel}\"}}"), WebSocketMessageType.Text, true, CancellationToken.None);
        var buffer = new byte[8192];
        var text = new StringBuilder();
        while (!text.ToString().Contains("\"op\":\"reply\"", StringComparison.Ordinal))
        {
            var r = await _socket.ReceiveAsync(buffer, CancellationToken.None);
            text.Append(Encoding.UTF8.GetString(buffer, 0, r.Count));
        }

        _ = Task.Run(ReceiveLoopAsync);
    }

    public void Abort() => _socket.Abort();

    private async Task ReceiveLoopAsync()
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while (_socket.State == WebSocketState.Open)
            {
                var r = await _socket.ReceiveAsync(buffer, CancellationToken.None);
                if (r.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }

                var span = buffer.AsSpan(0, r.Count);
                var count = 0;
                var msg = "\"op\":\"msg\""u8;
                int i;
                while ((i = span.IndexOf(msg)) >= 0)
                {
                    count++;
                    span = span[(i + msg.Length)..];
                }

                Interlocked.Add(ref _received, count);
                if (r.EndOfMessage && count > 0)
                {
                    Interlocked.Increment(ref _frames);
                }
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
        }
    }
}
