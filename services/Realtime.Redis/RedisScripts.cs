using System.Reflection;
using StackExchange.Redis;

namespace Realtime.Redis;

/// <summary>
/// The Lua scripts, embedded as resources. <see cref="LuaScript"/> caches the script and
/// runs it by SHA (EVALSHA), falling back to EVAL when the server has lost it (NOSCRIPT).
/// </summary>
internal static class RedisScripts
{
    public static string Publish { get; } = Load("publish");

    public static string History { get; } = Load("history");

    public static string PresenceAdd { get; } = Load("presence_prune") + Load("presence_add");

    public static string PresenceGet { get; } = Load("presence_prune") + Load("presence_get");

    public static string PresenceTryAdd { get; } = Load("presence_prune") + Load("presence_try_add");

    private static string Load(string name)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream($"Realtime.Redis.Scripts.{name}.lua")
            ?? throw new InvalidOperationException($"Embedded script {name}.lua is missing.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
