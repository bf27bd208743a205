namespace Realtime.Client;

/// <summary>A change of <see cref="RealtimeClient.State"/>.</summary>
public sealed class ConnectionStateChangedEventArgs(
    ConnectionState state,
    ConnectionState previous,
    string? serverId,
    int? closeCode,
    string? closeReason,
    Exception? error) : EventArgs
{
    public ConnectionState State { get; } = state;

    public ConnectionState Previous { get; } = previous;

    /// <summary>The edge's server id when <see cref="State"/> is <see cref="ConnectionState.Connected"/>.</summary>
    public string? ServerId { get; } = serverId;

    /// <summary>The WebSocket close code that caused a <see cref="ConnectionState.Reconnecting"/> or <see cref="ConnectionState.Closed"/>, if the server sent one.</summary>
    public int? CloseCode { get; } = closeCode;

    public string? CloseReason { get; } = closeReason;

    /// <summary>The transport error behind a reconnect, if any.</summary>
    public Exception? Error { get; } = error;

    public override string ToString() =>
        $"{Previous} -> {State}" + (ServerId is null ? string.Empty : $" ({ServerId})") + (CloseCode is null ? string.Empty : $" close {CloseCode} {CloseReason}");
}
