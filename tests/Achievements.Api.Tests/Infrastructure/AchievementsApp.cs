using System.Net.Http.Headers;
using System.Net.Http.Json;
using Achievements.Api.Features.Gaming;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Achievements.Api.Tests.Infrastructure;

/// <summary>
/// The real service in memory, on its own new database of the test process's store (<see cref="TestStore"/>: a temporary
/// SQLite file, or a database in a throwaway PostgreSQL cluster), with a fake clock and a known admin key.
/// Two apps built on the same <see cref="DatabasePath"/> behave like a restart.
/// </summary>
public class AchievementsApp : WebApplicationFactory<Program>
{
    public const string AdminKey = "test-admin-key-0123456789";

    /// <summary>
    /// The adversarial gate's judged personas, shared by every app of the process: every app runs on the same day, and
    /// the cache's key names the catalog and detector settings, so an app whose policies differ judges its own.
    /// </summary>
    private static readonly GatePopulations SharedGatePopulations = new();

    /// <summary>2026-06-01T12:00:00Z: a fixed "now" so that windows and ages are exact.</summary>
    public static readonly DateTimeOffset Start = new(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly bool _configureAdminKey;
    private readonly bool _ownsDatabase;

    /// <summary>An app on <paramref name="databasePath"/> (a new file when null), with the admin key unless <paramref name="configureAdminKey"/> is false,
    /// and its fake clock at <paramref name="start"/> (<see cref="Start"/> unless a test replays something recorded at another time).</summary>
    public AchievementsApp(string? databasePath = null, bool configureAdminKey = true, DateTimeOffset? start = null)
    {
        Clock = new FakeTimeProvider(start ?? Start);
        _ownsDatabase = databasePath is null;
        DatabasePath = databasePath ?? NewDatabasePath();
        _configureAdminKey = configureAdminKey;
    }

    public string DatabasePath { get; }

    /// <summary>The names the test helpers know to be people in this app's directory (<see cref="AppActions.PutPeopleAsync(AchievementsApp, IEnumerable{string})"/>).</summary>
    internal HashSet<string> People { get; } = new(StringComparer.Ordinal);

    /// <summary>Whether the request limits apply; off by default so that tests can send as fast as they like.</summary>
    protected virtual bool RateLimited => false;

    public FakeTimeProvider Clock { get; }

    public string ConnectionString => TestStore.ConnectionString(DatabasePath);

    /// <summary>A closed connection to this app's database, for a test to look at what the service stored.</summary>
    public System.Data.Common.DbConnection Connect() => TestStore.Connect(DatabasePath);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Achievements:Database:Provider", TestStore.Provider);
        builder.UseSetting("ConnectionStrings:Achievements", ConnectionString);
        builder.UseSetting("Achievements:AdminKey", _configureAdminKey ? AdminKey : "");
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        // Tests evaluate with POST /api/v1/evaluations, so that what they assert does not race a worker.
        builder.UseSetting("Achievements:Evaluation:Background", "false");
        // Likewise the webhook dispatcher: a test that sends notifications runs it (NotificationWebhooksTests).
        builder.UseSetting("Achievements:Webhooks:Background", "false");
        // Tests send far faster than people; the limits have tests of their own.
        builder.UseSetting("Achievements:RateLimits:Enabled", RateLimited ? "true" : "false");
        builder.ConfigureTestServices(services =>
        {
            services.AddSingleton<TimeProvider>(Clock);
            services.AddSingleton(SharedGatePopulations);
        });
    }

    public HttpClient Anonymous() => CreateClient();

    public HttpClient Admin() => WithKey(AdminKey);

    public HttpClient WithKey(string key)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    /// <summary>Creates a key through the API, as an admin would, and returns a client that carries it.</summary>
    public async Task<HttpClient> ClientFor(string role, string? subject = null)
    {
        var response = await Admin().PostAsJsonAsync("/api/v1/keys", new { role, subject });
        response.EnsureSuccessStatusCode();
        var created = await response.Content.ReadFromJsonAsync<CreatedKeyBody>();
        return WithKey(created!.Key);
    }

    public Task<HttpClient> Source(string name = "github") => ClientFor("source", name);

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (_ownsDatabase)
        {
            DeleteDatabase(DatabasePath);
        }

        GC.SuppressFinalize(this);
    }

    /// <summary>A new database of the test store: a file path on SQLite, a database name on PostgreSQL.</summary>
    public static string NewDatabasePath() => TestStore.NewDatabase();

    /// <summary>Deletes the database; call once no app uses it any more.</summary>
    public static void DeleteDatabase(string path) => TestStore.Delete(path);

    public sealed record CreatedKeyBody(string Id, string Key, string Role, string? Subject);
}
