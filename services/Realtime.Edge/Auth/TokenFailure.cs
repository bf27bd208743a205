namespace Realtime.Edge.Auth;

internal enum TokenFailure
{
    Missing,
    Invalid,
    Expired,
}
