using System.Reflection;

namespace Realtime.Redis;

/// <summary>The lifecycle event scripts (embedded resources), each with the shared head prepended.</summary>
internal static class RedisEventScripts
{
    public static string Connect { get; } = Load("events_head") + Load("events_connect");

    public static string Join { get; } = Load("events_head") + Load("events_join");

    public static string Leave { get; } = Load("events_head") + Load("events_leave");

    public static string Disconnect { get; } = Load("events_head") + Load("events_disconnect");

    private static string Load(string name)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream($"Realtime.Redis.Scripts.{name}.lua")
            ?? throw new InvalidOperationException($"Embedded script {name}.lua is missing.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
