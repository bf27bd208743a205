using System.Text.Json;
using Realtime.Client.Publisher;
using Realtime.V1;

namespace Realtime.Cli.Commands;

/// <summary><c>publish --dispatcher URL (--room R | --user U | --broadcast) --event E --data JSON [--api-key K]</c></summary>
public static class PublishCommand
{
    public static async Task<int> RunAsync(CliArgs args, CliContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(context);
        var dispatcher = args.GetUri("dispatcher");
        var room = args.Get("room");
        var user = args.Get("user");
        var broadcast = args.Has("broadcast");
        var @event = args.Require("event");
        var data = args.Get("data") ?? "{}";
        var idempotencyKey = args.Get("idempotency-key");
        var apiKey = Cli.ApiKey(args, context);
        args.EnsureAllUsed();
        if ((room is null ? 0 : 1) + (user is null ? 0 : 1) + (broadcast ? 1 : 0) != 1)
        {
            throw new CliUsageException("give exactly one of --room, --user, --broadcast");
        }

        var target = room is not null ? new Target { Room = room } : user is not null ? new Target { User = user } : new Target { Broadcast = true };
        using var publisher = new RealtimePublisher(new RealtimePublisherOptions { Address = dispatcher, ApiKey = apiKey });
        var result = await publisher.PublishJsonAsync(target, @event, data, idempotencyKey, cancellationToken);
        await context.Out.WriteLineAsync(JsonSerializer.Serialize(new
        {
            message_id = result.MessageId,
            channel = result.Channel,
            offset = result.Offset,
            epoch = result.Epoch,
            deduplicated = result.Deduplicated,
        }));
        return 0;
    }
}
