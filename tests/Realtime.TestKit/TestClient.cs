using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;

namespace Realtime.TestKit;

/// <summary>
/// A raw protocol client over a real <see cref="ClientWebSocket"/>: splits frames on '\n' and
/// queues every JSON object it receives, so tests can wait for exactly what a user would see.
/// </summary>
public sealed class TestClient : IAsyncDisposable
{
    private readonly ClientWebSocket _socket;
    private readonly Channel<JsonObject> _inbox = Channel.CreateUnbounded<JsonObject>();
    private readonly Task _receiver;
    private readonly CancellationTokenSource _cts = new();
    private long _nextId;

    private TestClient(ClientWebSocket socket)
    {
        _socket = socket;
        _receiver = Task.Run(ReceiveAsync);
    }

    public JsonObject Welcome { get; private set; } = null!;

    public WebSocketCloseStatus? CloseStatus => _socket.CloseStatus;

    public string? CloseDescription => _socket.CloseStatusDescription;

    /// <summary>Every text frame received so far, exactly as it arrived (before splitting on '\n').</summary>
    public List<string> Frames { get; } = [];

    /// <summary>Every object received so far, in order (including ones already taken by Next*).</summary>
    public List<JsonObject> Seen { get; } = [];

    public static async Task<TestClient> ConnectAsync(Uri url, string? token, bool expectWelcome = true, Action<ClientWebSocketOptions>? configure = null)
    {
        var socket = new ClientWebSocket();
        socket.Options.AddSubProtocol("realtime.v1.json");
        if (token is not null)
        {
            socket.Options.SetRequestHeader("Authorization", "Bearer " + token);
        }

        configure?.Invoke(socket.Options);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await socket.ConnectAsync(url, timeout.Token);
        var client = new TestClient(socket);
        if (expectWelcome)
        {
            client.Welcome = await client.NextAsync(o => (string?)o["op"] == "welcome");
        }

        return client;
    }

    public Task SendRawAsync(string text) =>
        _socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, CancellationToken.None);

    public Task SendBinaryAsync(byte[] bytes) =>
        _socket.SendAsync(bytes, WebSocketMessageType.Binary, true, CancellationToken.None);

    public async Task<JsonObject> RequestAsync(string op, string? channel = null, object? since = null, string? token = null)
    {
        var id = Interlocked.Increment(ref _nextId);
        var command = new JsonObject { ["op"] = op, ["id"] = id };
        if (channel is not null)
        {
            command["channel"] = channel;
        }

        if (since is not null)
        {
            command["since"] = JsonSerializer.SerializeToNode(since);
        }

        if (token is not null)
        {
            command["token"] = token;
        }

        await SendRawAsync(command.ToJsonString());
        return await NextAsync(o => (string?)o["op"] == "reply" && (long?)o["id"] == id);
    }

    public Task<JsonObject> SubscribeAsync(string channel, string? epoch = null, ulong? offset = null) =>
        RequestAsync("subscribe", channel, offset is null ? null : new { epoch = epoch ?? string.Empty, offset = offset.Value });

    /// <summary>Waits for the next object matching <paramref name="match"/>; objects that do not match are skipped.</summary>
    public async Task<JsonObject> NextAsync(Func<JsonObject, bool> match, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? Eventually.DefaultTimeout);
        try
        {
            while (true)
            {
                var next = await _inbox.Reader.ReadAsync(cts.Token);
                if (match(next))
                {
                    return next;
                }
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException("No matching message arrived; seen: " + string.Join(" | ", Seen.TakeLast(10).Select(o => o.ToJsonString())));
        }
        catch (ChannelClosedException)
        {
            throw new InvalidOperationException($"The connection closed ({_socket.CloseStatus} {_socket.CloseStatusDescription}) before a matching message; seen: " + string.Join(" | ", Seen.TakeLast(10).Select(o => o.ToJsonString())));
        }
    }

    public Task<JsonObject> NextMessageAsync(string channel, TimeSpan? timeout = null) =>
        NextAsync(o => (string?)o["op"] == "msg" && (string?)o["channel"] == channel, timeout);

    /// <summary>Messages received so far on a channel.</summary>
    public List<JsonObject> MessagesOn(string channel)
    {
        lock (Seen)
        {
            return [.. Seen.Where(o => (string?)o["op"] == "msg" && (string?)o["channel"] == channel)];
        }
    }

    /// <summary>Waits until the server closes the connection; returns the close status.</summary>
    public async Task<WebSocketCloseStatus?> WaitForCloseAsync(TimeSpan? timeout = null)
    {
        await _receiver.WaitAsync(timeout ?? Eventually.DefaultTimeout);
        return _socket.CloseStatus;
    }

    private int _disposed;

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        try
        {
            if (_socket.State == WebSocketState.Open)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", timeout.Token);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
            // already gone
        }

        await _cts.CancelAsync();
        _socket.Abort();
        await _receiver.ContinueWith(_ => { }, TaskScheduler.Default);
        _socket.Dispose();
        _cts.Dispose();
    }

    private async Task ReceiveAsync()
    {
        var buffer = new byte[64 * 1024];
        var message = new MemoryStream();
        try
        {
            while (true)
            {
                var result = await _socket.ReceiveAsync(buffer, _cts.Token);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    if (_socket.State == WebSocketState.CloseReceived)
                    {
                        await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None);
                    }

                    break;
                }

                message.Write(buffer, 0, result.Count);
                if (!result.EndOfMessage)
                {
                    continue;
                }

                var frame = Encoding.UTF8.GetString(message.GetBuffer(), 0, (int)message.Length);
                lock (Frames)
                {
                    Frames.Add(frame);
                }

                foreach (var line in frame.Split('\n', StringSplitOptions.RemoveEmptyEntries))
                {
                    var node = JsonNode.Parse(line)!.AsObject();
                    if ((string?)node["op"] == "ping")
                    {
                        continue;
                    }

                    lock (Seen)
                    {
                        Seen.Add(node);
                    }

                    _inbox.Writer.TryWrite(node);
                }

                message.SetLength(0);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            // closed
        }
        finally
        {
            _inbox.Writer.TryComplete();
        }
    }
}
