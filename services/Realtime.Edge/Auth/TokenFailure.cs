namespace Realtime.Edge.Auth;

public enum TokenFailure
{
    Missing,
    Invalid,
    Expired,
}
