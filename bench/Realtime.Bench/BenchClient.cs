using System.Net.WebSockets;
using System.Text;

namespace Realtime.Bench;

/// <summary>The wire protocol a <see cref="BenchClient"/> speaks.</summary>
internal enum BenchProtocol
{
    /// <summary>realtime.v1.json: objects separated by \n, messages are <c>"op":"msg"</c>.</summary>
    Realtime,

    /// <summary>SignalR JSON hub protocol: records end with 0x1E, messages are invocations of target "msg".</summary>
    SignalR,

    /// <summary>Engine.IO v4 / Socket.IO v5: one packet per frame, messages are event packets <c>42[...</c>.</summary>
    SocketIo,
}

/// <summary>
/// A minimal protocol client: joins one room, then counts delivered messages and the frames that
/// carried them without parsing payloads. Answers only what the protocol requires (Socket.IO
/// pings; SignalR's client keep-alive).
/// </summary>
internal sealed class BenchClient : IDisposable
{
    private const int MaxHandshakeMessages = 100;
    private static readonly TimeSpan HandshakeTimeout = TimeSpan.FromSeconds(30);
    private static readonly byte[] RealtimeMessage = "\"op\":\"msg\""u8.ToArray();
    private static readonly byte[] SignalRMessage = "\"type\":1,\"target\":\"msg\""u8.ToArray();
    private static readonly byte[] SignalRPing = "{\"type\":6}\u001e"u8.ToArray();

    private readonly ClientWebSocket _socket;
    private readonly BenchProtocol _protocol;
    private readonly CancellationTokenSource _stop = new();
    private long _received;
    private long _frames;
    private long _bytes;

    private BenchClient(ClientWebSocket socket, BenchProtocol protocol)
    {
        _socket = socket;
        _protocol = protocol;
    }

    public long Received => Interlocked.Read(ref _received);

    public long Frames => Interlocked.Read(ref _frames);

    /// <summary>Payload bytes of the frames that carried messages (WebSocket framing excluded).</summary>
    public long Bytes => Interlocked.Read(ref _bytes);

    /// <summary>Realtime edge: JWT in the Authorization header, then <c>subscribe</c> and wait for its reply.</summary>
    public static async Task<BenchClient> ConnectRealtimeAsync(Uri url, string token, string channel)
    {
        var socket = new ClientWebSocket();
        socket.Options.AddSubProtocol("realtime.v1.json");
        socket.Options.SetRequestHeader("Authorization", "Bearer " + token);
        var client = new BenchClient(socket, BenchProtocol.Realtime);
        using var timeout = new CancellationTokenSource(HandshakeTimeout);
        await socket.ConnectAsync(url, timeout.Token);
        await client.SendTextAsync($"{{\"op\":\"subscribe\",\"id\":1,\"channel\":\"{channel}\"}}", timeout.Token);
        await client.ReceiveUntilAsync(text => text.Contains("\"op\":\"reply\"", StringComparison.Ordinal), timeout.Token);
        client.StartReceiving();
        return client;
    }

    /// <summary>The floor server: the room is in the URL; the server says "ready" once the socket is in it.</summary>
    public static async Task<BenchClient> ConnectFloorAsync(Uri url)
    {
        var socket = new ClientWebSocket();
        var client = new BenchClient(socket, BenchProtocol.Realtime);
        using var timeout = new CancellationTokenSource(HandshakeTimeout);
        await socket.ConnectAsync(url, timeout.Token);
        await client.ReceiveUntilAsync(text => text == "ready", timeout.Token);
        client.StartReceiving();
        return client;
    }

    /// <summary>
    /// SignalR hub over a direct WebSocket (no negotiate, like the JS client's skipNegotiation):
    /// handshake, then invoke <c>Join(room)</c> and wait for its completion.
    /// </summary>
    public static async Task<BenchClient> ConnectSignalRAsync(Uri url, string room)
    {
        var socket = new ClientWebSocket();
        var client = new BenchClient(socket, BenchProtocol.SignalR);
        using var timeout = new CancellationTokenSource(HandshakeTimeout);
        await socket.ConnectAsync(url, timeout.Token);
        await client.SendTextAsync("{\"protocol\":\"json\",\"version\":1}\u001e", timeout.Token);
        var handshake = await client.ReceiveUntilAsync(text => text.Contains('\u001e', StringComparison.Ordinal), timeout.Token);
        if (handshake.Contains("\"error\"", StringComparison.Ordinal))
        {
            throw new InvalidOperationException("SignalR handshake refused: " + handshake);
        }

        await client.SendTextAsync($"{{\"type\":1,\"target\":\"Join\",\"arguments\":[\"{room}\"],\"invocationId\":\"1\"}}\u001e", timeout.Token);
        var completion = await client.ReceiveUntilAsync(text => text.Contains("\"type\":3", StringComparison.Ordinal), timeout.Token);
        if (completion.Contains("\"error\"", StringComparison.Ordinal))
        {
            throw new InvalidOperationException("SignalR Join failed: " + completion);
        }

        client.StartReceiving();
        _ = Task.Run(client.SignalRKeepAliveAsync);
        return client;
    }

    /// <summary>
    /// Socket.IO over Engine.IO v4 WebSocket transport: open packet, namespace connect (<c>40</c>),
    /// then <c>join</c> with an acknowledgement (<c>421["join","r3"]</c> answered by <c>431[]</c>)
    /// so the join is known to have happened before publishing starts.
    /// </summary>
    public static async Task<BenchClient> ConnectSocketIoAsync(Uri url, string room)
    {
        var socket = new ClientWebSocket();
        var client = new BenchClient(socket, BenchProtocol.SocketIo);
        using var timeout = new CancellationTokenSource(HandshakeTimeout);
        await socket.ConnectAsync(url, timeout.Token);
        await client.ReceiveUntilAsync(text => text.StartsWith('0'), timeout.Token);
        await client.SendTextAsync("40", timeout.Token);
        await client.ReceiveUntilAsync(text => text.StartsWith("40", StringComparison.Ordinal), timeout.Token);
        await client.SendTextAsync($"421[\"join\",\"{room}\"]", timeout.Token);
        await client.ReceiveUntilAsync(text => text.StartsWith("431", StringComparison.Ordinal), timeout.Token);
        client.StartReceiving();
        return client;
    }

    public void Abort()
    {
        _stop.Cancel();
        _socket.Abort();
    }

    public void Dispose()
    {
        _stop.Dispose();
        _socket.Dispose();
    }

    private Task SendTextAsync(string text, CancellationToken cancellationToken) =>
        _socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, cancellationToken);

    /// <summary>Reads whole messages until one satisfies <paramref name="done"/> (handshakes only; bounded).</summary>
    private async Task<string> ReceiveUntilAsync(Func<string, bool> done, CancellationToken cancellationToken)
    {
        var buffer = new byte[16 * 1024];
        for (var n = 0; n < MaxHandshakeMessages; n++)
        {
            var text = new StringBuilder();
            WebSocketReceiveResult r;
            do
            {
                r = await _socket.ReceiveAsync(buffer, cancellationToken);
                if (r.MessageType == WebSocketMessageType.Close)
                {
                    throw new WebSocketException($"closed during handshake: {_socket.CloseStatus} {_socket.CloseStatusDescription}");
                }

                text.Append(Encoding.UTF8.GetString(buffer, 0, r.Count));
            }
            while (!r.EndOfMessage && text.Length < 1024 * 1024);

            var message = text.ToString();
            if (done(message))
            {
                return message;
            }

            if (_protocol == BenchProtocol.SocketIo && message == "2")
            {
                await SendTextAsync("3", cancellationToken);
            }
        }

        throw new InvalidOperationException("handshake did not complete");
    }

    private void StartReceiving() => _ = Task.Run(ReceiveLoopAsync);

    private async Task ReceiveLoopAsync()
    {
        var buffer = new byte[64 * 1024];
        var pattern = _protocol == BenchProtocol.SignalR ? SignalRMessage : RealtimeMessage;
        var carry = 0;
        var atMessageStart = true;
        var inMessage = 0L;
        var messageBytes = 0L;
        try
        {
            while (_socket.State == WebSocketState.Open && !_stop.IsCancellationRequested)
            {
                var r = await _socket.ReceiveAsync(buffer.AsMemory(carry), _stop.Token);
                if (r.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }

                var total = carry + r.Count;
                messageBytes += r.Count;
                carry = 0;
                if (_protocol == BenchProtocol.SocketIo)
                {
                    // One Engine.IO packet per frame: "42[..." is an event, "2" a ping to answer.
                    if (atMessageStart)
                    {
                        if (total >= 2 && buffer[0] == (byte)'4' && buffer[1] == (byte)'2')
                        {
                            inMessage++;
                        }
                        else if (total == 1 && r.EndOfMessage && buffer[0] == (byte)'2')
                        {
                            await SendTextAsync("3", _stop.Token);
                        }
                    }
                }
                else
                {
                    var span = buffer.AsSpan(0, total);
                    int i;
                    while ((i = span.IndexOf(pattern)) >= 0)
                    {
                        inMessage++;
                        span = span[(i + pattern.Length)..];
                    }

                    // A pattern may straddle two reads of one large frame: keep the tail.
                    if (!r.EndOfMessage)
                    {
                        carry = Math.Min(span.Length, pattern.Length - 1);
                        span[^carry..].CopyTo(buffer);
                    }
                }

                atMessageStart = r.EndOfMessage;
                if (r.EndOfMessage)
                {
                    if (inMessage > 0)
                    {
                        Interlocked.Add(ref _received, inMessage);
                        Interlocked.Increment(ref _frames);
                        Interlocked.Add(ref _bytes, messageBytes);
                    }

                    inMessage = 0;
                    messageBytes = 0;
                }
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
    }

    /// <summary>SignalR servers drop a client silent for 30 s; send a ping every 15 s like the SignalR clients do (bounded).</summary>
    private async Task SignalRKeepAliveAsync()
    {
        try
        {
            for (var i = 0; i < 480 && _socket.State == WebSocketState.Open; i++)
            {
                await Task.Delay(TimeSpan.FromSeconds(15), _stop.Token);
                await _socket.SendAsync(SignalRPing, WebSocketMessageType.Text, true, _stop.Token);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
    }
}
