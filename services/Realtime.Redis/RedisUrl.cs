using StackExchange.Redis;

namespace Realtime.Redis;

/// <summary>
/// Turns the connection setting into StackExchange.Redis options. Accepts
/// <c>redis://[user:password@]host[:port][/db]</c> and <c>rediss://…</c> (TLS) URLs, which
/// StackExchange.Redis does not parse itself, and its own configuration strings.
/// </summary>
public static class RedisUrl
{
    public static ConfigurationOptions Parse(string setting)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(setting);
        ConfigurationOptions options;
        if (setting.StartsWith("redis://", StringComparison.OrdinalIgnoreCase) || setting.StartsWith("rediss://", StringComparison.OrdinalIgnoreCase))
        {
            if (!Uri.TryCreate(setting, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host))
            {
                throw new FormatException("The Redis URL is not a valid redis:// or rediss:// URL.");
            }

            options = new ConfigurationOptions();
            var port = uri.IsDefaultPort || uri.Port <= 0 ? 6379 : uri.Port;
            options.EndPoints.Add(uri.Host, port);
            options.Ssl = uri.Scheme.Equals("rediss", StringComparison.OrdinalIgnoreCase);
            if (options.Ssl)
            {
                options.SslHost = uri.Host;
            }

            if (!string.IsNullOrEmpty(uri.UserInfo))
            {
                var parts = uri.UserInfo.Split(':', 2);
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

            var path = uri.AbsolutePath.Trim('/');
            if (path.Length > 0)
            {
                if (!int.TryParse(path, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var db))
                {
                    throw new FormatException("The database in a Redis URL must be a number, e.g. redis://host:6379/0.");
                }

                options.DefaultDatabase = db;
            }
        }
        else
        {
            options = ConfigurationOptions.Parse(setting);
        }

        // Start even when Redis is down; readiness reports it and the multiplexer reconnects.
        options.AbortOnConnectFail = false;
        return options;
    }
}
