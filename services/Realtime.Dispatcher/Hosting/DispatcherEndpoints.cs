using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Realtime.Dispatcher.Hosting;

/// <summary>The dispatcher's two listeners; after start they hold the bound ports (useful when configured as 0).</summary>
internal sealed class DispatcherEndpoints
{
    internal ListenOptions? Http { get; set; }

    internal ListenOptions? Grpc { get; set; }

    public int HttpPort => Http?.IPEndPoint?.Port ?? 0;

    public int GrpcPort => Grpc?.IPEndPoint?.Port ?? 0;
}
