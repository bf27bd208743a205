using System.Net;
using System.Net.Sockets;

namespace Realtime.TestKit;

/// <summary>
/// A loopback TCP relay in front of a server, to simulate a wedged connection: after
/// <see cref="WedgeExisting"/> the connections open at that moment stay open but nothing more is
/// relayed over them in either direction (as after a failover that left a socket half-dead),
/// while new connections are relayed normally.
/// </summary>
public sealed class TcpProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly int _targetPort;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Relay> _relays = [];
    private readonly Task _accepting;

    public TcpProxy(int targetPort)
    {
        _targetPort = targetPort;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public string Url => $"redis://127.0.0.1:{Port}";

    /// <summary>Connections relayed so far (wedged or not).</summary>
    public int Accepted { get; private set; }

    /// <summary>Stops relaying over every connection open now; they stay open. Returns how many.</summary>
    public int WedgeExisting()
    {
        lock (_relays)
        {
            foreach (var relay in _relays)
            {
                relay.Wedged = true;
            }

            return _relays.Count;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        lock (_relays)
        {
            foreach (var relay in _relays)
            {
                relay.Dispose();
            }
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            var server = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                await server.ConnectAsync(IPAddress.Loopback, _targetPort, _stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException)
            {
                client.Dispose();
                server.Dispose();
                continue;
            }

            var relay = new Relay(client, server);
            lock (_relays)
            {
                _relays.Add(relay);
                Accepted++;
            }

            _ = relay.PumpAsync(client, server, _stop.Token);
            _ = relay.PumpAsync(server, client, _stop.Token);
        }
    }

    private sealed class Relay(Socket client, Socket server) : IDisposable
    {
        public volatile bool Wedged;

        public async Task PumpAsync(Socket from, Socket to, CancellationToken cancellationToken)
        {
            var buffer = new byte[16 * 1024];
            try
            {
                while (true)
                {
                    var read = await from.ReceiveAsync(buffer, SocketFlags.None, cancellationToken);
                    if (read == 0)
                    {
                        break;
                    }

                    if (Wedged)
                    {
                        continue; // swallowed: the peer waits for an answer that never comes
                    }

                    await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None, cancellationToken);
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                // one side went away
            }

            if (!Wedged)
            {
                Dispose();
            }
        }

        public void Dispose()
        {
            client.Dispose();
            server.Dispose();
        }
    }
}
