using Grpc.Core;
using Realtime.Cli.Commands;
using Realtime.Client;

namespace Realtime.Cli;

/// <summary>The command table. Exit codes: 0 success, 1 failure, 2 usage error.</summary>
public static class Cli
{
    public const string Usage = """
        usage: Realtime.Cli <command> [options]

          token    --user alice [--rooms "lobby,team-*"] [--ttl 3600]
                   prints an HS256 JWT signed with Realtime__Auth__HmacSecret
                   (iss/aud from Realtime__Auth__Issuer / Realtime__Auth__Audience when set)
          publish  --dispatcher http://127.0.0.1:8091 (--room lobby | --user bob | --broadcast)
                   --event chat.message --data '{"text":"hi"}' [--api-key K] [--idempotency-key K]
                   gRPC (h2c); the key defaults to the first of Realtime__Dispatcher__ApiKeys
          listen   --edge ws://127.0.0.1:8080/ws --user alice [--room lobby] [--count N] [--verbose]
                   prints messages as JSON lines until Ctrl+C or N messages; exits 1 when the
                   first attempt is refused (token 4001, connection refused, 404), then reconnects
          selftest --edge ws://host/ws --dispatcher http://host:8080 [--grpc http://host:8081]
                   [--api-key K] [--timeout 30]
                   publishes one message through the dispatcher and waits for it on the WebSocket
        """;

    public static async Task<int> RunAsync(string[] args, CliContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(context);
        try
        {
            var parsed = CliArgs.Parse(args);
            if (parsed.Command is "help" or "--help" or "-h")
            {
                await context.Out.WriteLineAsync(Usage);
                return 0;
            }

            Func<Task<int>> command = parsed.Command switch
            {
                "token" => () => TokenCommand.RunAsync(parsed, context),
                "publish" => () => PublishCommand.RunAsync(parsed, context, cancellationToken),
                "listen" => () => ListenCommand.RunAsync(parsed, context, cancellationToken),
                "selftest" => () => SelfTestCommand.RunAsync(parsed, context, cancellationToken),
                _ => throw new CliUsageException($"unknown command '{parsed.Command}'"),
            };
            return await command();
        }
        catch (CliUsageException ex)
        {
            await context.Error.WriteLineAsync("error: " + ex.Message);
            await context.Error.WriteLineAsync(Usage);
            return 2;
        }
        catch (RpcException ex)
        {
            await context.Error.WriteLineAsync($"error: the dispatcher answered {ex.StatusCode}: {ex.Status.Detail}");
            return 1;
        }
        catch (RealtimeException ex)
        {
            await context.Error.WriteLineAsync("error: " + ex.Message);
            return 1;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return 130;
        }
    }

    /// <summary>The explicit key, else the first of the dispatcher's comma-separated key list.</summary>
    public static string? ApiKey(CliArgs args, CliContext context)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(context);
        return args.Get("api-key") ?? context.Environment("Realtime__Dispatcher__ApiKeys")?
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .FirstOrDefault();
    }
}
