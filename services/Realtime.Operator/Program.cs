using Realtime.Operator.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddOperator();
var app = builder.Build();
app.MapOperator();
app.Run();
