using System.Buffers;
using System.Collections.Concurrent;
using System.Net.WebSockets;

namespace Realtime.Client.Internal;

/// <summary>One WebSocket connection to an edge: serialized sends, whole-frame receives, reply correlation.</summary>
internal sealed class EdgeConnection(ClientWebSocket socket) : IDisposable
{
    /// <summary>Commands are packed into frames below the edge's default 4 KiB limit.</summary>
    private const int MaxFrameBytes = 3500;

    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly byte[] _buffer = new byte[16 * 1024];
    private readonly ArrayBufferWriter<byte> _message = new(16 * 1024);
    private long _nextId;
    private long _lastReceived = Environment.TickCount64;

    public ClientWebSocket Socket { get; } = socket;

    public ConcurrentDictionary<long, (Subscription Subscription, bool SentSince)> PendingSubscribes { get; } = new();

    public bool Welcomed { get; set; }

    public int PingIntervalMs { get; set; }

    public int? ReconnectAfterMs { get; set; }

    public string? DeadReason { get; set; }

    /// <summary>True while the receive loop waits for room in a full subscription queue (liveness is paused).</summary>
    public bool Delivering { get; set; }

    public long MillisecondsSinceLastReceive => Environment.TickCount64 - Interlocked.Read(ref _lastReceived);

    public long NextId() => Interlocked.Increment(ref _nextId);

    public void Touch() => Interlocked.Exchange(ref _lastReceived, Environment.TickCount64);

    /// <summary>Sends commands, several per frame separated by '\n' (the protocol allows it).</summary>
    public async Task SendAsync(IReadOnlyList<byte[]> commands, CancellationToken cancellationToken)
    {
        var frame = new ArrayBufferWriter<byte>(512);
        await _sendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            foreach (var command in commands)
            {
                if (frame.WrittenCount > 0 && frame.WrittenCount + 1 + command.Length > MaxFrameBytes)
                {
                    await Socket.SendAsync(frame.WrittenMemory, WebSocketMessageType.Text, true, cancellationToken).ConfigureAwait(false);
                    frame.Clear();
                }

                if (frame.WrittenCount > 0)
                {
                    frame.Write("\n"u8);
                }

                frame.Write(command);
            }

            if (frame.WrittenCount > 0)
            {
                await Socket.SendAsync(frame.WrittenMemory, WebSocketMessageType.Text, true, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            _sendLock.Release();
        }
    }

    public async Task CloseOutputAsync(CancellationToken cancellationToken)
    {
        await _sendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (Socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                await Socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <summary>Receives one whole text message; null when the server closed the connection.</summary>
    public async Task<ReadOnlyMemory<byte>?> ReceiveAsync(CancellationToken cancellationToken)
    {
        _message.Clear();
        while (true)
        {
            var result = await Socket.ReceiveAsync(_buffer, cancellationToken).ConfigureAwait(false);
            Touch();
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return null;
            }

            _message.Write(_buffer.AsSpan(0, result.Count));
            if (result.EndOfMessage)
            {
                return _message.WrittenMemory;
            }
        }
    }

    public void Dispose()
    {
        Socket.Dispose();
        _sendLock.Dispose();
    }
}
