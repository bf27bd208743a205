using System.Globalization;

namespace Realtime.Cli;

/// <summary>A tiny parser: <c>command --name value --name=value --flag</c>.</summary>
public sealed class CliArgs
{
    private static readonly HashSet<string> Flags = new(StringComparer.Ordinal) { "broadcast", "verbose", "help" };
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _used = new(StringComparer.Ordinal);

    private CliArgs(string command) => Command = command;

    public string Command { get; }

    public static CliArgs Parse(IReadOnlyList<string> args)
    {
        if (args.Count == 0)
        {
            throw new CliUsageException("a command is required");
        }

        var parsed = new CliArgs(args[0]);
        for (var i = 1; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal) || arg.Length == 2)
            {
                throw new CliUsageException($"unexpected argument '{arg}'");
            }

            var name = arg[2..];
            string value;
            var equals = name.IndexOf('=', StringComparison.Ordinal);
            if (equals >= 0)
            {
                value = name[(equals + 1)..];
                name = name[..equals];
            }
            else if (Flags.Contains(name))
            {
                value = "true";
            }
            else if (i + 1 < args.Count)
            {
                value = args[++i];
            }
            else
            {
                throw new CliUsageException($"--{name} needs a value");
            }

            parsed._values[name] = value;
        }

        return parsed;
    }

    public string? Get(string name)
    {
        _used.Add(name);
        return _values.GetValueOrDefault(name);
    }

    public string Require(string name) => Get(name) ?? throw new CliUsageException($"--{name} is required");

    public bool Has(string name) => Get(name) is not null;

    public int GetInt(string name, int fallback)
    {
        var text = Get(name);
        if (text is null)
        {
            return fallback;
        }

        return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= 0
            ? value
            : throw new CliUsageException($"--{name} must be a non-negative integer");
    }

    public Uri GetUri(string name)
    {
        var text = Require(name);
        return Uri.TryCreate(text, UriKind.Absolute, out var uri) ? uri : throw new CliUsageException($"--{name} must be an absolute URL, got '{text}'");
    }

    /// <summary>Fails on options that no command read (typos).</summary>
    public void EnsureAllUsed()
    {
        var unknown = _values.Keys.Where(k => !_used.Contains(k)).ToList();
        if (unknown.Count > 0)
        {
            throw new CliUsageException("unknown option(s): " + string.Join(", ", unknown.Select(k => "--" + k)));
        }
    }
}
