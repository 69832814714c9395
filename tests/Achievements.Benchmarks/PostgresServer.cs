using System.Diagnostics;
using Achievements.Api.Tests.Infrastructure;
using Npgsql;

namespace Achievements.Benchmarks;

/// <summary>Which store a scenario runs the service on.</summary>
internal enum Store
{
    Sqlite,
    Postgres,
}

/// <summary>
/// A throwaway PostgreSQL cluster for one benchmark run, started as the PostgreSQL tests start theirs
/// (tests/Achievements.Api.Tests/Infrastructure/PostgresCluster.cs: initdb into a temporary directory, a Unix socket
/// there and no TCP listener, as the <c>postgres</c> user when run as root) but with PostgreSQL's durable defaults
/// (fsync, synchronous_commit and full_page_writes on): a commit is on disk before it returns, as SQLite's
/// synchronous=FULL. Stopped by its postmaster's pid when the process exits.
/// </summary>
internal sealed class PostgresServer
{
    private static readonly Lazy<PostgresServer?> Started = new(Start, LazyThreadSafetyMode.ExecutionAndPublication);

    private readonly string _directory;
    private readonly int _port;

    private PostgresServer(string directory, int port)
    {
        _directory = directory;
        _port = port;
    }

    /// <summary>The run's cluster, started on first use; null when PostgreSQL's server binaries are not installed.</summary>
    public static PostgresServer? Shared => Started.Value;

    /// <summary>Why <see cref="Shared"/> is null, for the report.</summary>
    public const string Missing = "PostgreSQL's server binaries (initdb, pg_ctl) are not installed (apt-get install -y postgresql): the PostgreSQL scenarios are skipped";

    public string ConnectionString(string database) =>
        new NpgsqlConnectionStringBuilder { Host = _directory, Port = _port, Username = "postgres", Database = database, MaxPoolSize = 100 }.ConnectionString;

    /// <summary>A new empty database; the service migrates it on start.</summary>
    public string CreateDatabase()
    {
        var name = $"bench_{Guid.NewGuid():N}";
        Admin($"CREATE DATABASE {name}");
        return name;
    }

    public void DropDatabase(string name)
    {
        NpgsqlConnection.ClearAllPools();
        Admin($"DROP DATABASE IF EXISTS {name} WITH (FORCE)");
    }

    private void Admin(string sql)
    {
        using var connection = new NpgsqlConnection(ConnectionString("postgres"));
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        command.ExecuteNonQuery();
    }

    private static PostgresServer? Start()
    {
        var binaries = PostgresBinaries.Find();
        if (binaries is null)
        {
            return null;
        }

        var directory = Path.Combine(Path.GetTempPath(), $"achievements-bench-pg-{Guid.NewGuid():N}");
        Directory.CreateDirectory(directory);
        var asRoot = Environment.UserName == "root";
        if (asRoot)
        {
            PostgresBinaries.Run("chown", ["postgres:postgres", directory]);
        }

        var data = Path.Combine(directory, "data");
        PostgresBinaries.RunPostgres(asRoot, Path.Combine(binaries, "initdb"), ["-D", data, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale=C"]);
        var port = ServiceHost.FreePort();
        PostgresBinaries.RunPostgres(asRoot, Path.Combine(binaries, "pg_ctl"),
            ["-D", data, "-o", $"-p {port} -k {directory} -c listen_addresses='' -c max_connections=300", "-l", Path.Combine(directory, "server.log"), "-w", "start"]);
        // The postmaster's pid is the first line of postmaster.pid; SIGTERM is PostgreSQL's smart shutdown.
        var pid = int.Parse(File.ReadLines(Path.Combine(data, "postmaster.pid")).First(), System.Globalization.CultureInfo.InvariantCulture);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Stop(pid, directory);
        return new PostgresServer(directory, port);
    }

    private static void Stop(int pid, string directory)
    {
        NpgsqlConnection.ClearAllPools();
        try
        {
            using var postmaster = Process.GetProcessById(pid);
            PostgresBinaries.Run("kill", ["-INT", pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            postmaster.WaitForExit(TimeSpan.FromSeconds(20));
        }
        catch (ArgumentException)
        {
            // Already gone.
        }

        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // A temp directory left behind is harmless.
        }
    }
}
