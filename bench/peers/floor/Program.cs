using System.Diagnostics;
using System.Globalization;
using System.Net.WebSockets;
using System.Text;

// Floor peer: `server --port N`. Clients connect to /ws?room=rN and get one "ready" frame once they
// are in the room. Commands on stdin: `publish <rooms> <messages> <concurrency> <rate> <json>`,
// answered `done <messages> <seconds>`; every message is one realtime.v1.json "msg" object sent as
// one text frame to every socket in its room (the bytes Realtime's edge sends for it).
var port = args.Length >= 3 && args[0] == "server" && args[1] == "--port"
    ? int.Parse(args[2], CultureInfo.InvariantCulture)
    : throw new ArgumentException("usage: server --port N");

var builder = WebApplication.CreateSlimBuilder();
builder.Logging.ClearProviders();
builder.WebHost.ConfigureKestrel(k => k.Listen(System.Net.IPAddress.Loopback, port));
var app = builder.Build();
var rooms = new Rooms();
app.UseWebSockets();
app.MapGet("/healthz", () => "ok");
app.Map("/ws", async context =>
{
    if (!context.WebSockets.IsWebSocketRequest || context.Request.Query["room"].ToString() is not { Length: > 0 } room)
    {
        context.Response.StatusCode = 400;
        return;
    }

    using var socket = await context.WebSockets.AcceptWebSocketAsync();
    var member = new Member(socket);
    rooms.Add(room, member);
    try
    {
        await socket.SendAsync("ready"u8.ToArray(), WebSocketMessageType.Text, true, context.RequestAborted);
        while (true)
        {
            // Zero-byte reads: an idle socket holds no receive buffer.
            var r = await socket.ReceiveAsync(Memory<byte>.Empty, context.RequestAborted);
            if (r.MessageType == WebSocketMessageType.Close)
            {
                break;
            }

            var scratch = new byte[1024];
            _ = await socket.ReceiveAsync(scratch.AsMemory(), context.RequestAborted);
        }
    }
    catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
    {
    }
    finally
    {
        rooms.Remove(room, member);
    }
});

await app.StartAsync();
Console.WriteLine("ready");
while (Console.ReadLine() is { } line)
{
    var parts = line.Split(' ', 6);
    if (parts.Length < 6 || parts[0] != "publish")
    {
        continue;
    }

    var roomCount = int.Parse(parts[1], CultureInfo.InvariantCulture);
    var messages = int.Parse(parts[2], CultureInfo.InvariantCulture);
    var rate = int.Parse(parts[4], CultureInfo.InvariantCulture);
    var payload = parts[5];
    var watch = Stopwatch.StartNew();
    for (var m = 0; m < messages; m++)
    {
        if (rate > 0 && TimeSpan.FromSeconds(m / (double)rate) - watch.Elapsed is { TotalMilliseconds: >= 1 } wait)
        {
            await Task.Delay(wait);
        }

        var room = "r" + (m % roomCount).ToString(CultureInfo.InvariantCulture);
        var frame = Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture,
            $"{{\"op\":\"msg\",\"channel\":\"room:{room}\",\"event\":\"bench\",\"data\":{payload},\"id\":\"{Guid.NewGuid():N}\",\"offset\":{m + 1},\"epoch\":\"0123456789ab\"}}"));
        await rooms.SendAsync(room, frame);
    }

    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"done {messages} {watch.Elapsed.TotalSeconds:F3}"));
}

await app.StopAsync();

internal sealed class Member(WebSocket socket)
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    public async Task SendAsync(ReadOnlyMemory<byte> frame)
    {
        await _gate.WaitAsync();
        try
        {
            await socket.SendAsync(frame, WebSocketMessageType.Text, true, CancellationToken.None);
        }
        catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException or OperationCanceledException)
        {
        }
        finally
        {
            _gate.Release();
        }
    }
}

internal sealed class Rooms
{
    private readonly Dictionary<string, List<Member>> _rooms = new(StringComparer.Ordinal);

    public void Add(string room, Member member)
    {
        lock (_rooms)
        {
            if (!_rooms.TryGetValue(room, out var list))
            {
                _rooms[room] = list = [];
            }

            list.Add(member);
        }
    }

    public void Remove(string room, Member member)
    {
        lock (_rooms)
        {
            if (_rooms.TryGetValue(room, out var list))
            {
                list.Remove(member);
            }
        }
    }

    public Task SendAsync(string room, ReadOnlyMemory<byte> frame)
    {
        Member[] members;
        lock (_rooms)
        {
            members = _rooms.TryGetValue(room, out var list) ? [.. list] : [];
        }

        var sends = new Task[members.Length];
        for (var i = 0; i < members.Length; i++)
        {
            sends[i] = members[i].SendAsync(frame);
        }

        return Task.WhenAll(sends);
    }
}
