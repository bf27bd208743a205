using Microsoft.Extensions.Logging;
using Realtime.Client;

namespace Realtime.Cli.Commands;

/// <summary><c>listen --edge URL --user alice [--room lobby] [--count N]</c>: prints messages as JSON lines.</summary>
public static class ListenCommand
{
    public static async Task<int> RunAsync(CliArgs args, CliContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(context);
        var edge = args.GetUri("edge");
        var user = args.Require("user");
        var rooms = TokenMinter.ParseRooms(args.Get("room")) ?? [];
        var count = args.GetInt("count", 0);
        var verbose = args.Has("verbose");
        args.EnsureAllUsed();

        var options = new RealtimeClientOptions
        {
            // A fresh token for every connection attempt, so a long listen survives token expiry.
            TokenProvider = _ => ValueTask.FromResult(TokenMinter.Mint(context.Environment, user, rooms, TimeSpan.FromHours(1))),
            Logger = new StderrLogger(context.Error, verbose ? LogLevel.Debug : LogLevel.Warning),
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
        await client.ConnectAsync(cancellationToken);
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
