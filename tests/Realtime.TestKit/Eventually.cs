namespace Realtime.TestKit;

/// <summary>Polls a condition until it holds or a generous deadline passes (never a bare delay).</summary>
public static class Eventually
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(20);

    public static async Task TrueAsync(Func<Task<bool>> condition, TimeSpan? timeout = null, string? because = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        while (true)
        {
            if (await condition())
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("Condition not met in time: " + (because ?? "(no description)"));
            }

            await Task.Delay(25);
        }
    }

    public static Task TrueAsync(Func<bool> condition, TimeSpan? timeout = null, string? because = null) =>
        TrueAsync(() => Task.FromResult(condition()), timeout, because);
}
