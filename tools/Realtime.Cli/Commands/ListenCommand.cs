using Microsoft.Extensions.Logging;
using Realtime.Client;

namespace Realtime.Cli.Commands;

/// <summary>
/// <c>listen --edge URL --user alice [--room lobby] [--count N]</c>: prints messages as JSON lines.
/// Exits 1 with a message when the first connection attempt is refused for good (token 4001,
/// connection refused, unknown host, 404); once connected it reconnects for as long as it runs.
/// </summary>
public static class ListenCommand
{
    public static async Task<int> RunAsync(CliArgs args, CliContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(context);
        var edge = args.GetUri("edge");
        if (edge.Scheme is not ("ws" or "wss"))
        {
            throw new CliUsageException($"--edge must be a ws:// or wss:// URL of the edge's /ws endpoint, e.g. ws://127.0.0.1:8080/ws (got {edge})");
        }

        var user = args.Require("user");
        var rooms = TokenMinter.ParseRooms(args.Get("room")) ?? [];
        var count = args.GetInt("count", 0);
        var verbose = args.Has("verbose");
        args.EnsureAllUsed();

        // Minted once up front: a missing or too short secret is one clear error, not a warning per attempt.
        TokenMinter.Mint(context.Environment, user, rooms, TimeSpan.FromHours(1));
        var watch = new FirstAttemptWatch(new StderrLogger(context.Error, verbose ? LogLevel.Debug : LogLevel.Warning), edge);
        var options = new RealtimeClientOptions
        {
            // A fresh token for every connection attempt, so a long listen survives token expiry.
            TokenProvider = _ => ValueTask.FromResult(TokenMinter.Mint(context.Environment, user, rooms, TimeSpan.FromHours(1))),
            Logger = watch,
        };
        options.Urls.Add(edge);
        await using var client = new RealtimeClient(options);
        client.StateChanged += (_, e) =>
        {
            if (verbose)
            {
                lock (context.Error)
                {
                    context.Error.WriteLine("state: " + e);
                }
            }
        };
        // A first attempt refused for good (4001, connection refused, unknown host, wrong path) ends the
        // command; anything transient, and every drop after the first welcome, is retried by the client.
        var connect = client.ConnectAsync(cancellationToken);
        if (await Task.WhenAny(connect, watch.Fatal) != connect)
        {
            await context.Error.WriteLineAsync("error: " + await watch.Fatal);
            return 1;
        }

        await connect;
        var subscriptions = new List<Subscription> { client.UserMessages, client.Broadcasts };
        foreach (var room in rooms)
        {
            subscriptions.Add(await client.SubscribeAsync(room, cancellationToken));
        }

        using var done = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var printed = 0;
        var readers = subscriptions.Select(async subscription =>
        {
            try
            {
                await foreach (var message in subscription.ReadAllAsync(done.Token))
                {
                    lock (context.Out)
                    {
                        if (count > 0 && printed >= count)
                        {
                            return;
                        }

                        context.Out.WriteLine(message.ToJson());
                        context.Out.Flush();
                        if (count > 0 && ++printed >= count)
                        {
                            done.Cancel();
                        }
                    }
                }
            }
            catch (OperationCanceledException) when (done.IsCancellationRequested)
            {
                // Ctrl+C or --count reached.
            }
        }).ToList();
        await Task.WhenAll(readers);
        cancellationToken.ThrowIfCancellationRequested();
        return 0;
    }
}
