using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Realtime.Client;
using Realtime.Client.Publisher;

namespace Realtime.Cli.Commands;

/// <summary>
/// <c>selftest --edge ws://…/ws --dispatcher http://…:8080 [--grpc http://…:8081]</c>, the Helm
/// chart's <c>helm test</c>: a random user connects and joins a random room; one message is
/// published through the dispatcher's HTTP/JSON API (and one through gRPC when <c>--grpc</c> is
/// given) and must arrive on the WebSocket within the timeout. Writes nothing to disk.
/// </summary>
public static class SelfTestCommand
{
    public static async Task<int> RunAsync(CliArgs args, CliContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(context);
        var edge = args.GetUri("edge");
        var dispatcher = args.GetUri("dispatcher");
        var grpc = args.Has("grpc") ? args.GetUri("grpc") : null;
        var apiKey = Cli.ApiKey(args, context);
        var timeout = TimeSpan.FromSeconds(args.GetInt("timeout", 30));
        args.EnsureAllUsed();

        var user = TokenMinter.NewUser("selftest");
        var room = TokenMinter.NewUser("selftest");
        var token = TokenMinter.Mint(context.Environment, user, [room], TimeSpan.FromMinutes(10));
        var clock = Stopwatch.StartNew();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        var step = "connect to " + edge;
        try
        {
            var options = new RealtimeClientOptions { Token = token, ConnectTimeout = timeout };
            options.Urls.Add(edge);
            await using var client = new RealtimeClient(options);
            await client.ConnectAsync(deadline.Token);
            await Report(context, $"connected to edge {client.ServerId} as {user}");

            step = "subscribe room:" + room;
            await using var subscription = await client.SubscribeAsync(room, deadline.Token);

            var publishUrl = new Uri(dispatcher.AbsoluteUri.TrimEnd('/') + "/v1/publish");
            step = "publish through " + publishUrl;
            using (var http = new HttpClient { Timeout = timeout })
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, publishUrl)
                {
                    Content = JsonContent.Create(new { target = new { room }, @event = "selftest", data = "{\"n\":1}" }),
                };
                if (!string.IsNullOrEmpty(apiKey))
                {
                    request.Headers.Add("x-api-key", apiKey);
                }

                using var response = await http.SendAsync(request, deadline.Token);
                if (!response.IsSuccessStatusCode)
                {
                    var body = await response.Content.ReadAsStringAsync(deadline.Token);
                    return await Fail(context, $"{step}: HTTP {(int)response.StatusCode} {body}");
                }
            }

            step = "receive the HTTP-published message on the WebSocket";
            await ExpectAsync(subscription, 1, deadline.Token);
            await Report(context, "received the message published over HTTP/JSON");

            if (grpc is not null)
            {
                step = $"publish through gRPC {grpc}";
                using var publisher = new RealtimePublisher(new RealtimePublisherOptions { Address = grpc, ApiKey = apiKey, Timeout = timeout });
                await publisher.ToRoomAsync(room, "selftest", new { n = 2 }, cancellationToken: deadline.Token);
                step = "receive the gRPC-published message on the WebSocket";
                await ExpectAsync(subscription, 2, deadline.Token);
                await Report(context, "received the message published over gRPC");
            }

            await context.Out.WriteLineAsync($"selftest passed in {clock.ElapsedMilliseconds} ms");
            return 0;
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return await Fail(context, $"timed out after {timeout.TotalSeconds:0} s at step: {step}");
        }
        catch (Exception ex) when (ex is RealtimeException or HttpRequestException or Grpc.Core.RpcException or System.Net.WebSockets.WebSocketException or JsonException)
        {
            return await Fail(context, $"failed at step '{step}': {ex.Message}");
        }
    }

    private static async Task ExpectAsync(Subscription subscription, int n, CancellationToken cancellationToken)
    {
        await foreach (var message in subscription.ReadAllAsync(cancellationToken))
        {
            if (message.Event == "selftest" && message.Data.ValueKind == JsonValueKind.Object
                && message.Data.TryGetProperty("n", out var value) && value.ValueKind == JsonValueKind.Number && value.GetInt32() == n)
            {
                return;
            }
        }

        throw new RealtimeException("the subscription ended before the message arrived");
    }

    private static Task Report(CliContext context, string line) => context.Out.WriteLineAsync("selftest: " + line);

    private static async Task<int> Fail(CliContext context, string message)
    {
        await context.Error.WriteLineAsync("selftest FAILED: " + message);
        return 1;
    }
}
