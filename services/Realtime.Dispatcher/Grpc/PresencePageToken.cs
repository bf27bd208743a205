using System.Buffers.Text;
using System.Text;
using Realtime.Dispatcher.Publishing;

namespace Realtime.Dispatcher.Grpc;

/// <summary>The opaque <c>GetPresence</c> page token: the last connection id of the previous page (base64url).</summary>
internal static class PresencePageToken
{
    private const int MaxTokenLength = 512;

    public static string Encode(string lastConnectionId) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(lastConnectionId));

    /// <summary>The connection id to continue after, null for the first page; INVALID_ARGUMENT for a token this server did not make.</summary>
    public static string? Decode(string? token)
    {
        if (string.IsNullOrEmpty(token))
        {
            return null;
        }

        if (token.Length > MaxTokenLength || !Base64Url.IsValid(token))
        {
            throw new PublishValidationException("page_token is not a token returned as next_page_token");
        }

        return Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token));
    }
}
