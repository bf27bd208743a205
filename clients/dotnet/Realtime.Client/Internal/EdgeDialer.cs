using System.Net.WebSockets;
using Microsoft.Extensions.Logging;

namespace Realtime.Client.Internal;

/// <summary>Opens one WebSocket to an edge: gets the token (fixed or from the provider), sets the subprotocol and the bearer header, connects within the connect timeout.</summary>
internal sealed class EdgeDialer(RealtimeClientOptions options, ILogger logger)
{
    /// <summary>The token of the next attempt, or the provider's failure (null when the client is closing).</summary>
    public async Task<(string? Token, Exception? Error)> GetTokenAsync(CancellationToken cancellationToken)
    {
        try
        {
            return (options.TokenProvider is { } provider
                ? await provider(cancellationToken).ConfigureAwait(false)
                : options.Token!, null);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            ClientLog.TokenProviderFailed(logger, ex);
            return (null, ex);
        }
    }

    public ClientWebSocket CreateSocket(string token)
    {
        var socket = new ClientWebSocket();
        socket.Options.AddSubProtocol(RealtimeClient.Subprotocol);
        socket.Options.SetRequestHeader("Authorization", "Bearer " + token);
        options.ConfigureWebSocket?.Invoke(socket.Options);
        return socket;
    }

    public async Task ConnectAsync(ClientWebSocket socket, Uri url, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.ConnectTimeout);
        await socket.ConnectAsync(url, timeout.Token).ConfigureAwait(false);
    }
}
