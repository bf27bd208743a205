using Microsoft.Extensions.Logging;

namespace Realtime.Hosting;

/// <summary>
/// Browsers can only send a WebSocket token as <c>?token=…</c>, and ASP.NET Core's request logging
/// (<c>Microsoft.AspNetCore.Hosting.Diagnostics</c>: "Request starting GET …/ws?token=…") and HTTP
/// logging write the full query string. Those categories are held at Warning or above in code, after
/// every configured rule (appsettings, environment, provider-specific), so no logging setting can make
/// a service write a bearer token to its logs. A stricter setting (Error, None) is kept.
/// </summary>
public static class RequestLogRedaction
{
    /// <summary>Log categories that write request URLs with their query string.</summary>
    public static readonly IReadOnlyList<string> Categories =
    [
        "Microsoft.AspNetCore.Hosting.Diagnostics",
        "Microsoft.AspNetCore.HttpLogging",
        "Microsoft.AspNetCore.W3CLogging",
    ];

    public const LogLevel MinimumLevel = LogLevel.Warning;

    /// <summary>Adds, for every provider named in the rules and for all others, a rule that wins for each category above.</summary>
    public static void Apply(LoggerFilterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var rules = options.Rules;
        var providers = rules.Select(r => r.ProviderName).Distinct(StringComparer.Ordinal).ToList();
        if (!providers.Contains(null))
        {
            providers.Add(null);
        }

        foreach (var category in Categories)
        {
            // A rule more specific than the ones added below (a longer pattern such as "…Diagnostics*")
            // would still win over them: lift its level instead.
            for (var i = 0; i < rules.Count; i++)
            {
                var rule = rules[i];
                if (rule.CategoryName is { } name && name.Length > category.Length && Matches(name, category) && Lower(rule.LogLevel, MinimumLevel))
                {
                    rules[i] = new LoggerFilterRule(rule.ProviderName, rule.CategoryName, MinimumLevel, rule.Filter);
                }
            }

            var added = providers.Select(p => new LoggerFilterRule(p, category, Max(Effective(options, p, category), MinimumLevel), filter: null)).ToList();
            foreach (var rule in added)
            {
                rules.Add(rule);
            }
        }
    }

    /// <summary>The level the rules give <paramref name="category"/> for <paramref name="provider"/> (the logging library's selection: provider-specific first, then the longest category, then the last).</summary>
    private static LogLevel Effective(LoggerFilterOptions options, string? provider, string category)
    {
        LoggerFilterRule? best = null;
        foreach (var rule in options.Rules)
        {
            if ((rule.ProviderName is not null && rule.ProviderName != provider)
                || (rule.CategoryName is not null && !Matches(rule.CategoryName, category)))
            {
                continue;
            }

            if (best?.ProviderName is not null && rule.ProviderName is null)
            {
                continue;
            }

            var moreSpecificProvider = best is not null && best.ProviderName is null && rule.ProviderName is not null;
            if (!moreSpecificProvider && best?.CategoryName is not null && (rule.CategoryName is null || best.CategoryName.Length > rule.CategoryName.Length))
            {
                continue;
            }

            best = rule;
        }

        return best is null ? options.MinLevel : best.LogLevel ?? LogLevel.Trace;
    }

    private static bool Matches(string pattern, string category)
    {
        var star = pattern.IndexOf('*', StringComparison.Ordinal);
        if (star < 0)
        {
            return category.StartsWith(pattern, StringComparison.OrdinalIgnoreCase);
        }

        var prefix = pattern[..star];
        var suffix = pattern[(star + 1)..];
        return category.Length >= prefix.Length + suffix.Length
            && category.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)
            && category.EndsWith(suffix, StringComparison.OrdinalIgnoreCase);
    }

    private static bool Lower(LogLevel? level, LogLevel than) => (level ?? LogLevel.Trace) < than;

    private static LogLevel Max(LogLevel a, LogLevel b) => a > b ? a : b;
}
