using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Grpc.Reflection.V1Alpha;
using Realtime.TestKit;
using Realtime.V1;

namespace Realtime.Dispatcher.Tests.Auth;

/// <summary>Issue 8.8/8.9: the API key is checked from the headers, before any body is read, on every API surface.</summary>
public sealed class ApiKeyMiddlewareTests
{
    private static readonly Dictionary<string, string?> Keys = new() { ["Realtime:Dispatcher:ApiKeys"] = "key-one,key-two" };

    [Fact]
    public async Task Http_UnauthenticatedHugeBody_Gets401BeforeTheBodyIsSent_AndIsNotDrained()
    {
        await using var cluster = await Cluster.StartAsync(edges: 0, settings: Keys);
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, cluster.Dispatchers[0].HttpUrl.Port);
        var stream = tcp.GetStream();
        const long declared = 100L * 1024 * 1024;
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"POST /v1/publish HTTP/1.1\r\nHost: dispatcher\r\nContent-Type: application/json\r\nContent-Length: {declared}\r\n\r\n"));
        var chunk = Encoding.ASCII.GetBytes("{\"target\":{\"room\":\"r\"},\"event\":\"e\",\"data\":\"" + new string('x', 64 * 1024));
        await stream.WriteAsync(chunk);

        // The answer comes while almost all of the declared 100 MB is still unsent.
        var head = await ReadHeadAsync(stream, TimeSpan.FromSeconds(15));
        Assert.StartsWith("HTTP/1.1 401", head, StringComparison.Ordinal);
        Assert.Contains("Connection: close", head, StringComparison.OrdinalIgnoreCase);

        // And the server does not read the rest: sending it fails long before 100 MB are through.
        long sent = chunk.Length;
        var filler = new byte[256 * 1024];
        await Assert.ThrowsAnyAsync<IOException>(async () =>
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            while (sent < declared)
            {
                await stream.WriteAsync(filler, timeout.Token);
                sent += filler.Length;
            }
        });
        Assert.True(sent < declared / 2, $"{sent} bytes were accepted after the 401");
    }

    [Fact]
    public async Task Grpc_UnauthenticatedCall_IsRefusedBeforeItsMessageArrives()
    {
        await using var cluster = await Cluster.StartAsync(edges: 0, settings: Keys);
        using var http = new HttpClient(new SocketsHttpHandler());
        var never = new TaskCompletionSource();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(cluster.Dispatchers[0].GrpcUrl!, "/realtime.v1.Dispatcher/Publish"))
        {
            Content = new StalledGrpcMessage(declaredLength: 3 * 1024 * 1024, never.Task),
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        request.Headers.TE.ParseAdd("trailers");
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            Assert.Equal("16", response.Headers.GetValues("grpc-status").Single());
        }
        finally
        {
            never.TrySetResult();
        }
    }

    [Fact]
    public async Task Reflection_NeedsTheKey_HealthDoesNot()
    {
        await using var cluster = await Cluster.StartAsync(edges: 0, settings: Keys);
        using var channel = GrpcChannel.ForAddress(cluster.Dispatchers[0].GrpcUrl!);
        var reflection = new ServerReflection.ServerReflectionClient(channel);

        var refused = await Assert.ThrowsAsync<RpcException>(() => ListServicesAsync(reflection, null));
        Assert.Equal(StatusCode.Unauthenticated, refused.StatusCode);
        Assert.Contains("realtime.v1.Dispatcher", await ListServicesAsync(reflection, new Metadata { { "x-api-key", "key-one" } }));

        var health = await new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest());
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, health.Status);
    }

    [Fact]
    public async Task Streaming_And_Http_WithoutKey_AreUnauthenticated_WithKey_Work()
    {
        await using var cluster = await Cluster.StartAsync(edges: 0, settings: Keys);
        using var http = new HttpClient { BaseAddress = cluster.Dispatchers[0].HttpUrl };
        const string body = """{"target":{"room":"r"},"event":"e","data":"1"}""";
        using var none = await http.PostAsync(new Uri("/v1/publish", UriKind.Relative), new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        Assert.Contains("\"code\":16", await none.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var withKey = new HttpRequestMessage(HttpMethod.Post, new Uri("/v1/publish", UriKind.Relative)) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        withKey.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "key-two");
        using var ok = await http.SendAsync(withKey);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);

        using var caseVariant = await http.PostAsync(new Uri("/V1/PUBLISH", UriKind.Relative), new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Unauthorized, caseVariant.StatusCode);
    }

    [Fact]
    public async Task Http_AuthenticatedBodyOverTheLimit_Gets413()
    {
        var settings = new Dictionary<string, string?>(Keys) { ["Realtime:Dispatcher:MaxRequestBodyBytes"] = "131072" };
        await using var cluster = await Cluster.StartAsync(edges: 0, settings: settings);
        using var http = new HttpClient { BaseAddress = cluster.Dispatchers[0].HttpUrl };
        var body = "{\"target\":{\"room\":\"r\"},\"event\":\"e\",\"data\":\"1\",\"idempotency_key\":\"" + new string('x', 200 * 1024) + "\"}";
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/v1/publish", UriKind.Relative)) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("x-api-key", "key-one");
        using var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);

        // The same without a declared length (chunked): refused while it is read, no error logged.
        using var chunked = new HttpRequestMessage(HttpMethod.Post, new Uri("/v1/publish", UriKind.Relative)) { Content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(body))) };
        chunked.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        chunked.Headers.TransferEncodingChunked = true;
        chunked.Headers.Add("x-api-key", "key-one");
        using var chunkedResponse = await http.SendAsync(chunked);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, chunkedResponse.StatusCode);

        var grpcError = await Assert.ThrowsAsync<RpcException>(() => cluster.Client.PublishAsync(
            new PublishRequest { Target = new Target { Room = "r" }, Event = "e", Data = "\"" + new string('x', 200 * 1024) + "\"" },
            new Metadata { { "x-api-key", "key-one" } }).ResponseAsync);
        Assert.Equal(StatusCode.ResourceExhausted, grpcError.StatusCode);
    }

    private static async Task<List<string>> ListServicesAsync(ServerReflection.ServerReflectionClient client, Metadata? headers)
    {
        using var call = client.ServerReflectionInfo(headers);
        await call.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = string.Empty });
        await call.RequestStream.CompleteAsync();
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
        return [.. call.ResponseStream.Current.ListServicesResponse.Service.Select(s => s.Name)];
    }

    private static async Task<string> ReadHeadAsync(NetworkStream stream, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        var received = new StringBuilder();
        var buffer = new byte[4096];
        while (!received.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
        {
            var n = await stream.ReadAsync(buffer, cts.Token);
            if (n == 0)
            {
                break;
            }

            received.Append(Encoding.ASCII.GetString(buffer, 0, n));
        }

        return received.ToString();
    }

    /// <summary>A gRPC request body that announces a large message, sends a little of it and then stalls.</summary>
    private sealed class StalledGrpcMessage : HttpContent
    {
        private readonly int _declaredLength;
        private readonly Task _release;

        public StalledGrpcMessage(int declaredLength, Task release)
        {
            _declaredLength = declaredLength;
            _release = release;
            Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        }

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
            SerializeToStreamAsync(stream, context, CancellationToken.None);

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
        {
            var prefix = new byte[5];
            System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(prefix.AsSpan(1), _declaredLength);
            await stream.WriteAsync(prefix, cancellationToken);
            await stream.WriteAsync(new byte[16 * 1024], cancellationToken);
            await stream.FlushAsync(cancellationToken);
            await _release.WaitAsync(cancellationToken);
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
