namespace Realtime.Edge.Protocol;

/// <summary>Codes of <c>{"op":"reply","ok":false,"error":{"code":…}}</c>.</summary>
internal static class ErrorCodes
{
    public const string BadRequest = "bad_request";
    public const string InvalidChannel = "invalid_channel";
    public const string Forbidden = "forbidden";
    public const string LimitExceeded = "limit_exceeded";
    public const string NotSubscribed = "not_subscribed";
    public const string Unavailable = "unavailable";
    public const string UnknownOp = "unknown_op";
    public const string RateLimited = "rate_limited";
}
