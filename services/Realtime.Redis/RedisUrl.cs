using System.Globalization;
using StackExchange.Redis;

namespace Realtime.Redis;

/// <summary>
/// Turns the connection setting into StackExchange.Redis options. Accepts
/// <c>redis://[user:password@]host[:port][/db]</c> and <c>rediss://…</c> (TLS) URLs, which
/// StackExchange.Redis does not parse itself, Sentinel URLs
/// <c>redis+sentinel://[user:password@]host1:26379,host2:26379/serviceName[/db]</c> (and
/// <c>rediss+sentinel://</c>), and StackExchange.Redis's own configuration strings.
/// </summary>
public static class RedisUrl
{
    private static readonly string[] Schemes = ["redis://", "rediss://", "redis+sentinel://", "rediss+sentinel://"];

    public static ConfigurationOptions Parse(string setting)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(setting);
        ConfigurationOptions options;
        if (setting.StartsWith("redis+sentinel://", StringComparison.OrdinalIgnoreCase) || setting.StartsWith("rediss+sentinel://", StringComparison.OrdinalIgnoreCase))
        {
            options = ParseSentinel(setting);
        }
        else if (setting.StartsWith("redis://", StringComparison.OrdinalIgnoreCase) || setting.StartsWith("rediss://", StringComparison.OrdinalIgnoreCase))
        {
            if (!Uri.TryCreate(setting, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host))
            {
                throw new FormatException("The Redis URL is not a valid redis:// or rediss:// URL.");
            }

            options = new ConfigurationOptions();
            var port = uri.IsDefaultPort || uri.Port <= 0 ? 6379 : uri.Port;
            options.EndPoints.Add(uri.Host, port);
            SetTls(options, uri.Scheme.Equals("rediss", StringComparison.OrdinalIgnoreCase), uri.Host);
            SetCredentials(options, uri.UserInfo);
            SetDatabase(options, uri.AbsolutePath.Trim('/'));
        }
        else
        {
            options = ConfigurationOptions.Parse(setting);
        }

        // Start even when Redis is down; readiness reports it and the multiplexer reconnects.
        options.AbortOnConnectFail = false;
        return options;
    }

    /// <summary>
    /// Splits a list of Redis URLs (<c>REDIS_SHARDS</c>): separated by whitespace, <c>;</c> or
    /// <c>,</c>. A comma inside a Sentinel URL's host list stays part of that URL, as a piece after
    /// a comma that starts with no URL scheme continues the URL before it.
    /// </summary>
    public static IReadOnlyList<string> SplitList(string list)
    {
        ArgumentNullException.ThrowIfNull(list);
        var urls = new List<string>();
        foreach (var token in list.Split([' ', '\t', '\n', '\r', ';'], StringSplitOptions.RemoveEmptyEntries))
        {
            foreach (var piece in token.Split(','))
            {
                if (piece.Length == 0)
                {
                    continue;
                }

                if (urls.Count > 0 && !Schemes.Any(s => piece.StartsWith(s, StringComparison.OrdinalIgnoreCase)) && IsOpenSentinel(urls[^1]))
                {
                    urls[^1] += "," + piece;
                }
                else
                {
                    urls.Add(piece);
                }
            }
        }

        return urls;
    }

    /// <summary>A Sentinel URL whose host list has not reached its <c>/serviceName</c> yet.</summary>
    private static bool IsOpenSentinel(string url)
    {
        const string Marker = "+sentinel://";
        var at = url.IndexOf(Marker, StringComparison.OrdinalIgnoreCase);
        return at >= 0 && url.IndexOf('/', at + Marker.Length) < 0;
    }

    private static ConfigurationOptions ParseSentinel(string setting)
    {
        var tls = setting.StartsWith("rediss", StringComparison.OrdinalIgnoreCase);
        var rest = setting[(setting.IndexOf("://", StringComparison.Ordinal) + 3)..];
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0)
        {
            throw new FormatException("A Sentinel URL names its service: redis+sentinel://host1:26379,host2:26379/serviceName.");
        }

        var authority = rest[..slash];
        var path = rest[(slash + 1)..].Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (path.Length is 0 or > 2)
        {
            throw new FormatException("A Sentinel URL names its service: redis+sentinel://host1:26379,host2:26379/serviceName[/db].");
        }

        var at = authority.LastIndexOf('@');
        var userInfo = at >= 0 ? authority[..at] : string.Empty;
        var hosts = at >= 0 ? authority[(at + 1)..] : authority;
        var options = new ConfigurationOptions { ServiceName = Uri.UnescapeDataString(path[0]) };
        foreach (var host in hosts.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var colon = host.LastIndexOf(':');
            if (colon > 0 && int.TryParse(host.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port))
            {
                options.EndPoints.Add(host[..colon], port);
            }
            else if (colon < 0 && host.Length > 0)
            {
                options.EndPoints.Add(host, 26379);
            }
            else
            {
                throw new FormatException("A Sentinel URL lists host:port pairs: redis+sentinel://host1:26379,host2:26379/serviceName.");
            }
        }

        if (options.EndPoints.Count == 0)
        {
            throw new FormatException("A Sentinel URL lists at least one sentinel: redis+sentinel://host1:26379/serviceName.");
        }

        SetTls(options, tls, null);
        SetCredentials(options, userInfo);
        SetDatabase(options, path.Length > 1 ? path[1] : string.Empty);
        return options;
    }

    private static void SetTls(ConfigurationOptions options, bool tls, string? host)
    {
        options.Ssl = tls;
        if (tls && host is not null)
        {
            options.SslHost = host;
        }
    }

    private static void SetCredentials(ConfigurationOptions options, string userInfo)
    {
        if (string.IsNullOrEmpty(userInfo))
        {
            return;
        }

        var parts = userInfo.Split(':', 2);
        if (parts.Length == 2)
        {
            if (parts[0].Length > 0)
            {
                options.User = Uri.UnescapeDataString(parts[0]);
            }

            options.Password = Uri.UnescapeDataString(parts[1]);
        }
        else
        {
            options.Password = Uri.UnescapeDataString(parts[0]);
        }
    }

    private static void SetDatabase(ConfigurationOptions options, string path)
    {
        if (path.Length == 0)
        {
            return;
        }

        if (!int.TryParse(path, NumberStyles.None, CultureInfo.InvariantCulture, out var db))
        {
            throw new FormatException("The database in a Redis URL must be a number, e.g. redis://host:6379/0.");
        }

        options.DefaultDatabase = db;
    }
}
