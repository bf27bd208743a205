using Realtime.Cli;

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};

return await Cli.RunAsync(args, new CliContext(Console.Out, Console.Error, Environment.GetEnvironmentVariable), cancel.Token);
