using System.Diagnostics.CodeAnalysis;

namespace Realtime.Core.Channels;

/// <summary>
/// A validated channel name: <c>user:{id}</c>, <c>room:{name}</c> or <c>broadcast</c>.
/// Identifiers are 1..<see cref="MaxIdLength"/> characters of <c>[A-Za-z0-9_.:@=-]</c>;
/// braces, spaces and other characters are refused so that a name can never break a
/// Redis key or hash tag.
/// </summary>
public readonly record struct ChannelName
{
    public const int MaxIdLength = 100;
    public const string BroadcastName = "broadcast";
    public const string UserPrefix = "user:";
    public const string RoomPrefix = "room:";

    /// <summary>The characters an identifier (channel id, user id, idempotency key, server id) may hold, as people read them.</summary>
    public const string IdChars = "letters, digits and _ - . : @ =";

    /// <summary>The identifier rule as a regular expression (for option validation attributes).</summary>
    public const string IdPattern = "^[A-Za-z0-9_.:@=-]{1,100}$";

    private ChannelName(ChannelKind kind, string id, string value)
    {
        Kind = kind;
        Id = id;
        Value = value;
    }

    public ChannelKind Kind { get; }

    /// <summary>The user id or room name; empty for broadcast.</summary>
    public string Id { get; }

    /// <summary>The full name, e.g. <c>room:lobby</c>.</summary>
    public string Value { get; }

    /// <summary>The namespace used for history policy: <c>user</c>, <c>room</c> or <c>broadcast</c>.</summary>
    public string Namespace => Kind switch
    {
        ChannelKind.User => "user",
        ChannelKind.Room => "room",
        _ => "broadcast",
    };

    public static ChannelName Broadcast { get; } = new(ChannelKind.Broadcast, string.Empty, BroadcastName);

    public static ChannelName User(string id) =>
        IsValidId(id) ? new(ChannelKind.User, id, UserPrefix + id) : throw new ArgumentException(DescribeInvalidId(id), nameof(id));

    public static ChannelName Room(string name) =>
        IsValidId(name) ? new(ChannelKind.Room, name, RoomPrefix + name) : throw new ArgumentException(DescribeInvalidId(name), nameof(name));

    /// <summary>
    /// The presence key that counts a user's connections across the cluster when the user channel's
    /// presence is not tracked: <c>conns:{id}</c>, a name no client can subscribe to (TryParse refuses it).
    /// </summary>
    public static ChannelName UserConnections(string id) =>
        IsValidId(id) ? new(ChannelKind.User, id, "conns:" + id) : throw new ArgumentException(DescribeInvalidId(id), nameof(id));

    public static bool TryParse(string? value, [NotNullWhen(true)] out ChannelName? channel, out string? error)
    {
        channel = null;
        if (string.IsNullOrEmpty(value))
        {
            error = "channel is required";
            return false;
        }

        if (value == BroadcastName)
        {
            channel = Broadcast;
            error = null;
            return true;
        }

        ChannelKind kind;
        string id;
        if (value.StartsWith(UserPrefix, StringComparison.Ordinal))
        {
            kind = ChannelKind.User;
            id = value[UserPrefix.Length..];
        }
        else if (value.StartsWith(RoomPrefix, StringComparison.Ordinal))
        {
            kind = ChannelKind.Room;
            id = value[RoomPrefix.Length..];
        }
        else
        {
            error = "channel must be 'broadcast' or start with 'user:' or 'room:'";
            return false;
        }

        if (!IsValidId(id))
        {
            error = DescribeInvalidId(id);
            return false;
        }

        channel = new ChannelName(kind, id, value);
        error = null;
        return true;
    }

    public static ChannelName Parse(string value) =>
        TryParse(value, out var channel, out var error) ? channel.Value : throw new FormatException(error);

    public static bool IsValidId(string? id)
    {
        if (string.IsNullOrEmpty(id) || id.Length > MaxIdLength)
        {
            return false;
        }

        foreach (var c in id)
        {
            if (!IsIdChar(c))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsIdChar(char c) =>
        c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '_' or '-' or '.' or ':' or '@' or '=';

    private static string DescribeInvalidId(string? id) =>
        string.IsNullOrEmpty(id)
            ? "channel id is empty"
            : id.Length > MaxIdLength
                ? $"channel id is longer than {MaxIdLength} characters"
                : "channel id may contain only " + IdChars;

    /// <summary>The error text for an identifier that breaks the rule, e.g. <c>user must be 1..100 characters of letters, digits and …</c>.</summary>
    public static string DescribeIdRule(string what) => $"{what} must be 1..{MaxIdLength} characters of {IdChars}";

    public override string ToString() => Value;
}
