using Realtime.Edge.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddEdge();

var app = builder.Build();
app.MapEdge();
app.Run();
