using Realtime.TestKit;

namespace Realtime.IntegrationTests.Operations;

/// <summary>
/// Entry point of the test assembly when run as a program (<c>dotnet Realtime.IntegrationTests.dll …</c>),
/// for tests that need a process of their own to kill. The test runner never calls it.
/// <c>redis-child shared|private</c>: gets a Redis through TestKit, prints <c>port N</c> and waits forever.
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        if (args is ["redis-child", var kind])
        {
            var redis = kind == "shared" ? await RedisServer.GetAsync() : await RedisServer.StartPrivateAsync();
            Console.WriteLine($"port {redis.Port}");
            await Task.Delay(Timeout.Infinite);
        }

        await Console.Error.WriteLineAsync("usage: Realtime.IntegrationTests redis-child shared|private");
        return 2;
    }
}
