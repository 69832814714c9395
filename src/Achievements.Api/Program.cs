using Achievements.Api.Infrastructure;
using Achievements.Api.Simulation;

if (args is ["simulate", ..])
{
    return await SimulateCommand.RunAsync(args[1..]);
}

// --demo is ours, not a configuration key: it is taken out before ASP.NET reads the command line.
var demo = args.Contains(DemoSeeding.Flag);
var builder = WebApplication.CreateBuilder([.. args.Where(arg => arg != DemoSeeding.Flag)]);
builder.AddAchievements();

var app = builder.Build();
app.MapAchievements();
await app.PrepareDatabaseAsync();
if (demo)
{
    await DemoSeeding.SeedAsync(app.Services, Console.Out);
}

await app.RunAsync();
return 0;

/// <summary>The entry point, visible to the integration tests' <c>WebApplicationFactory</c>.</summary>
public partial class Program;
