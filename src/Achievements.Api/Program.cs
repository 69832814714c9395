using Achievements.Api.Infrastructure;

var builder = WebApplication.CreateBuilder(args);
builder.AddAchievements();

var app = builder.Build();
app.MapAchievements();
await app.PrepareDatabaseAsync();
await app.RunAsync();

/// <summary>The entry point, visible to the integration tests' <c>WebApplicationFactory</c>.</summary>
public partial class Program;
