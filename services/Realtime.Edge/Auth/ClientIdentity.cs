using Realtime.Core.Channels;

namespace Realtime.Edge.Auth;

/// <summary>Who a connection is: the token's <c>sub</c>, its room patterns and when it expires.</summary>
internal sealed record ClientIdentity(string UserId, IReadOnlyList<string> RoomPatterns, DateTimeOffset ExpiresAt)
{
    public bool MayJoinRoom(string room)
    {
        foreach (var pattern in RoomPatterns)
        {
            if (GlobPattern.IsMatch(pattern, room))
            {
                return true;
            }
        }

        return false;
    }
}
