using Realtime.Dispatcher.Hosting;
using Realtime.Edge.Hosting;

// One process, in-memory broker: the edge and the dispatcher's JSON API share the HTTP port
// (Realtime:Dispatcher:HttpPort), gRPC listens on Realtime:Dispatcher:GrpcPort.
var builder = WebApplication.CreateBuilder(args);
builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
{
    ["Realtime:EnableClustering"] = builder.Configuration["Realtime:EnableClustering"] ?? builder.Configuration["ENABLE_WEBSOCKET_CLUSTERING"] ?? "false",
    ["Realtime:Edge:DevMode"] = builder.Configuration["Realtime:Edge:DevMode"] ?? "true",

    // Development host: an open publish API unless keys are configured (it warns at start).
    ["Realtime:Dispatcher:Insecure"] = builder.Configuration["Realtime:Dispatcher:Insecure"] ?? "true",
});
builder.AddEdge();
builder.AddDispatcher();

var app = builder.Build();
app.MapEdge();
app.MapDispatcher();
app.Run();
