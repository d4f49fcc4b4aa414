var builder = WebApplication.CreateBuilder(args);
builder.Services.AddHealthChecks();

var app = builder.Build();

app.MapHealthChecks("/healthz");
app.MapGet("/orders/{id}", (string id) => Results.Ok(new { id, status = "received" }));

app.Run();
