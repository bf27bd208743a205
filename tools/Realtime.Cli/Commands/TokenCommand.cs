namespace Realtime.Cli.Commands;

/// <summary><c>token --user alice [--rooms "lobby,team-*"] [--ttl 3600]</c></summary>
public static class TokenCommand
{
    public static async Task<int> RunAsync(CliArgs args, CliContext context)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(context);
        var user = args.Require("user");
        var rooms = TokenMinter.ParseRooms(args.Get("rooms"));
        var ttl = args.GetInt("ttl", 3600);
        args.EnsureAllUsed();
        if (ttl == 0)
        {
            throw new CliUsageException("--ttl must be > 0");
        }

        await context.Out.WriteLineAsync(TokenMinter.Mint(context.Environment, user, rooms, TimeSpan.FromSeconds(ttl)));
        return 0;
    }
}
