namespace Realtime.Cli;

/// <summary>Where a command writes and where it reads environment variables (so tests can run commands in-process).</summary>
public sealed record CliContext(TextWriter Out, TextWriter Error, Func<string, string?> Environment);
