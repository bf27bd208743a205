using Realtime.Dispatcher.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddDispatcher();

var app = builder.Build();
app.MapDispatcher();
app.Run();
