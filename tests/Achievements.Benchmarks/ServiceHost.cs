using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using Achievements.Api.Infrastructure;

namespace Achievements.Benchmarks;

/// <summary>How a scenario runs the service: on which store, with or without the background worker, and extra settings.</summary>
internal sealed record HostOptions(Store Store = Store.Sqlite, bool Worker = false, params string[] Settings);

/// <summary>
/// The real service, in this process, on 127.0.0.1 and a free port, over its own temporary database (a SQLite file,
/// or a new database in the run's <see cref="PostgresServer"/>), with a known admin key. By default the background
/// worker is off (the scenarios run evaluation themselves) and so are the rate limits, which would otherwise measure
/// the limiter rather than the service; <see cref="HostOptions"/> turns the worker on, as in production.
/// </summary>
internal sealed class ServiceHost : IAsyncDisposable
{
    public const string AdminKey = "bench-admin-key-0123456789abcdef0123456789abcdef";

    private ServiceHost(WebApplication app, string directory, Uri baseAddress, Store store, string? postgresDatabase)
    {
        App = app;
        Directory = directory;
        BaseAddress = baseAddress;
        Store = store;
        PostgresDatabase = postgresDatabase;
    }

    public WebApplication App { get; }
    public string Directory { get; }
    public string DatabasePath => Path.Combine(Directory, "achievements.db");
    public Uri BaseAddress { get; }
    public Store Store { get; }

    /// <summary>The database's name in <see cref="PostgresServer.Shared"/> on PostgreSQL; null on SQLite.</summary>
    public string? PostgresDatabase { get; }

    /// <summary>Set to keep the database after the host stops (a migrated schema for a ceiling to write into).</summary>
    public bool KeepDatabase { get; set; }

    public static Task<ServiceHost> StartAsync() => StartAsync(new HostOptions());

    public static async Task<ServiceHost> StartAsync(HostOptions options)
    {
        var directory = Path.Combine(Path.GetTempPath(), $"achievements-bench-{Guid.NewGuid():N}");
        System.IO.Directory.CreateDirectory(directory);
        var baseAddress = new Uri($"http://127.0.0.1:{FreePort()}");
        string? database = null;
        string[] store = [$"--ConnectionStrings:Achievements=Data Source={Path.Combine(directory, "achievements.db")}"];
        if (options.Store == Store.Postgres)
        {
            var server = PostgresServer.Shared ?? throw new InvalidOperationException(PostgresServer.Missing);
            database = server.CreateDatabase();
            store = ["--Achievements:Database:Provider=postgres", $"--ConnectionStrings:Achievements={server.ConnectionString(database)}"];
        }

        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            EnvironmentName = "Production",
            Args =
            [
                $"--urls={baseAddress}",
                .. store,
                $"--Achievements:AdminKey={AdminKey}",
                $"--Achievements:Evaluation:Background={(options.Worker ? "true" : "false")}",
                "--Achievements:RateLimits:Enabled=false",
                "--Logging:LogLevel:Default=Warning",
                .. options.Settings,
            ],
        });
        builder.AddAchievements();
        var app = builder.Build();
        app.MapAchievements();
        await app.PrepareDatabaseAsync();
        await app.StartAsync();
        return new ServiceHost(app, directory, baseAddress, options.Store, database);
    }

    public HttpClient Client(string? key = null, int connections = 64)
    {
        var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = connections, PooledConnectionLifetime = Timeout.InfiniteTimeSpan })
        {
            BaseAddress = BaseAddress,
            Timeout = TimeSpan.FromMinutes(5),
        };
        if (key is not null)
        {
            client.DefaultRequestHeaders.Authorization = new("Bearer", key);
        }

        return client;
    }

    /// <summary>A source key made through the API, as a real source would get one.</summary>
    public async Task<string> CreateSourceKeyAsync()
    {
        using var admin = Client(AdminKey);
        var response = await admin.PostAsJsonAsync("/api/v1/keys", new { role = "source", subject = "bench" });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<CreatedKeyBody>())!.Key;
    }

    public T Service<T>() where T : notnull => App.Services.GetRequiredService<T>();

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (PostgresDatabase is not null && !KeepDatabase)
        {
            PostgresServer.Shared!.DropDatabase(PostgresDatabase);
        }

        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A temp directory left behind is harmless.
        }
    }

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private sealed record CreatedKeyBody(string Key);
}
