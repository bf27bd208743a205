using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Realtime.TestKit;

namespace Realtime.Client.Tests.Protocol;

/// <summary>
/// join / leave frames reach the room's <see cref="Subscription.Joined"/> and <see cref="Subscription.Left"/>.
/// A scripted edge (real Kestrel on loopback) sends the frames in the shapes of protocol/golden.
/// </summary>
public sealed class PresenceFrameTests
{
    [Fact]
    public async Task JoinAndLeave_RaiseTheRoomsPresenceEvents()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        await using var app = builder.Build();
        app.UseWebSockets();
        app.Map("/ws", (Func<HttpContext, Task>)ScriptedEdgeAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

        var options = new RealtimeClientOptions { Token = "t", RecoverAutomaticChannels = false };
        options.Urls.Add(new Uri(address.Replace("http://", "ws://", StringComparison.Ordinal) + "/ws"));
        await using var client = new RealtimeClient(options);
        await client.ConnectAsync();
        await using var room = await client.SubscribeAsync("lobby");
        var seen = new List<string>();
        room.Joined += (_, e) => Add($"+{e.Channel} {e.UserId} {e.ConnectionId}");
        room.Left += (_, e) => Add($"-{e.Channel} {e.UserId} {e.ConnectionId}");
        await client.SubscribeAsync("other"); // the scripted edge sends the presence frames after this reply

        await Eventually.TrueAsync(() => Count() == 2, because: "join and leave");
        lock (seen)
        {
            Assert.Equal(["+room:lobby u2 c-2", "-room:lobby u2 c-2"], seen);
        }

        void Add(string entry)
        {
            lock (seen)
            {
                seen.Add(entry);
            }
        }

        int Count()
        {
            lock (seen)
            {
                return seen.Count;
            }
        }
    }

    private static async Task ScriptedEdgeAsync(HttpContext context)
    {
        using var socket = await context.WebSockets.AcceptWebSocketAsync(RealtimeClient.Subprotocol);
        await SendAsync(socket, """{"op":"welcome","server":"edge-s","conn":"c-1","user":"u1","ping_interval_ms":25000}""");
        var buffer = new byte[4096];
        for (var i = 0; i < 20 && socket.State == WebSocketState.Open; i++)
        {
            var result = await socket.ReceiveAsync(buffer, context.RequestAborted);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None);
                return;
            }

            foreach (var line in Encoding.UTF8.GetString(buffer, 0, result.Count).Split('\n'))
            {
                using var command = JsonDocument.Parse(line);
                var id = command.RootElement.GetProperty("id").GetInt64();
                var channel = command.RootElement.GetProperty("channel").GetString();
                var reply = $$"""{"op":"reply","id":{{id}},"ok":true,"channel":"{{channel}}"}""";
                await SendAsync(socket, channel == "room:other"
                    ? reply + "\n" + """{"op":"join","channel":"room:lobby","user":"u2","conn":"c-2"}""" + "\n" + """{"op":"join","channel":"room:elsewhere","user":"u3","conn":"c-3"}""" + "\n" + """{"op":"leave","channel":"room:lobby","user":"u2","conn":"c-2"}"""
                    : reply);
            }
        }
    }

    private static Task SendAsync(WebSocket socket, string text) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, CancellationToken.None);
}
