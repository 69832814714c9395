using System.Net;
using System.Net.Sockets;
using Achievements.Api.Infrastructure.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Achievements.Api.Tests.Infrastructure;

/// <summary>
/// A throwaway PostgreSQL cluster for one test process: initdb into a temporary directory, started on a Unix socket
/// in that directory (no TCP listener) and a free port number, and stopped with <c>pg_ctl stop -m immediate</c> when
/// the process exits. Durability settings are off: the tests crash the service, never the cluster.
/// </summary>
/// <remarks>
/// Each app's database is a copy of <c>template_migrated</c>, migrated once by the service's own runner:
/// <c>CREATE DATABASE ... TEMPLATE</c> took about 130 ms per database here, against about 250 ms for an empty
/// database and the baseline script (ten of each through psql, on this 2-core machine under load), and
/// <c>STRATEGY FILE_COPY</c> gained little more (about 120 ms), so the default strategy stays. The copies are made
/// ahead, and dropped after, on threads of their own, so that a test waits for neither while its neighbours run; and
/// the cluster lives in memory-backed <c>/dev/shm</c> where the machine has it. As root (CI containers), initdb and the server run as the <c>postgres</c>
/// user, since PostgreSQL refuses to run as root.
/// </remarks>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "The cluster lives as long as the process; Stop, at its exit, ends the threads that use the collections.")]
public sealed class PostgresCluster
{
    private const string Template = "template_migrated";

    /// <summary>How many databases are kept copied ahead: enough for the tests that start at once, few enough to stay small.</summary>
    private const int Ahead = 3;

    private static readonly Lazy<PostgresCluster> Started = new(Start, LazyThreadSafetyMode.ExecutionAndPublication);

    private readonly string _directory;
    private readonly string _binaries;
    private readonly int _port;
    private readonly NpgsqlDataSource _admin;
    private readonly System.Collections.Concurrent.BlockingCollection<string> _ready = new(Ahead);
    private readonly System.Collections.Concurrent.BlockingCollection<string> _unused = [];

    private PostgresCluster(string directory, string binaries, int port)
    {
        _directory = directory;
        _binaries = binaries;
        _port = port;
        _admin = NpgsqlDataSource.Create(ConnectionString("postgres"));
    }

    /// <summary>The process's cluster, started on first use.</summary>
    public static PostgresCluster Shared => Started.Value;

    public string ConnectionString(string database, bool pooling = true) =>
        new NpgsqlConnectionStringBuilder
        {
            Host = _directory,
            Port = _port,
            Username = "postgres",
            Database = database,
            Pooling = pooling,
            // Tests run several apps at once; each needs only a few connections.
            MaxPoolSize = 20,
        }.ConnectionString;

    /// <summary>A new database copied from the migrated template: one made ahead while tests ran, so a test seldom waits for the copy.</summary>
    public string CreateDatabase() => _ready.Take();

    /// <summary>A database with nothing in it, not even the migrations: for tests of the migration itself.</summary>
    public string CreateEmptyDatabase()
    {
        var name = $"achievements_empty_{Guid.NewGuid():N}";
        using var command = _admin.CreateCommand($"CREATE DATABASE {name}");
        command.ExecuteNonQuery();
        return name;
    }

    /// <summary>Drops the database in the background, one at a time, so that a finished test does not wait for it.</summary>
    public void DropDatabase(string name) => _unused.Add(name);

    /// <summary>Keeps <see cref="Ahead"/> databases copied from the template ready for the next tests.</summary>
    private void CopyAhead()
    {
        try
        {
            while (true)
            {
                var name = $"achievements_{Guid.NewGuid():N}";
                using (var command = _admin.CreateCommand($"CREATE DATABASE {name} TEMPLATE {Template}"))
                {
                    command.ExecuteNonQuery();
                }

                _ready.Add(name);
            }
        }
        catch (Exception)
        {
            // The cluster stopped (the process is ending) or failed: a test waiting for a database then fails at once.
            if (!_ready.IsAddingCompleted)
            {
                _ready.CompleteAdding();
            }
        }
    }

    private void DropInTurn()
    {
        foreach (var name in _unused.GetConsumingEnumerable())
        {
            try
            {
                using var command = _admin.CreateCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)");
                command.ExecuteNonQuery();
            }
            catch (NpgsqlException)
            {
                // The cluster is stopping with the process; its directory goes with it.
            }
        }
    }

    private static PostgresCluster Start()
    {
        var binaries = FindBinaries();
        // In memory-backed /dev/shm where the machine has it: nothing here needs to outlive the process.
        var directory = Path.Combine(Directory.Exists("/dev/shm") ? "/dev/shm" : Path.GetTempPath(), $"achievements-pg-{Guid.NewGuid():N}");
        Directory.CreateDirectory(directory);
        var asRoot = Environment.UserName == "root";
        if (asRoot)
        {
            PostgresBinaries.Run("chown", ["postgres:postgres", directory]);
        }

        var data = Path.Combine(directory, "data");
        PostgresBinaries.RunPostgres(asRoot, Path.Combine(binaries, "initdb"), ["-D", data, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale=C", "--no-sync"]);
        var port = FreePort();
        var options = $"-p {port} -k {directory} -c listen_addresses='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300";
        PostgresBinaries.RunPostgres(asRoot, Path.Combine(binaries, "pg_ctl"), ["-D", data, "-o", options, "-l", Path.Combine(directory, "server.log"), "-w", "start"]);

        var cluster = new PostgresCluster(directory, binaries, port);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => cluster.Stop(asRoot, data);
        cluster.MigrateTemplate();
        Task.Factory.StartNew(cluster.CopyAhead, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        Task.Factory.StartNew(cluster.DropInTurn, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        return cluster;
    }

    private void MigrateTemplate()
    {
        using (var create = _admin.CreateCommand($"CREATE DATABASE {Template}"))
        {
            create.ExecuteNonQuery();
        }

        using (var dataSource = NpgsqlDataSource.Create(ConnectionString(Template, pooling: false)))
        {
            Achievements.Api.Infrastructure.Storage.UtcTimestampHandler.Register();
            new MigrationRunner(new PostgresConnectionFactory(dataSource), TimeProvider.System, NullLogger<MigrationRunner>.Instance)
                .ApplyAsync(CancellationToken.None).GetAwaiter().GetResult();
        }

        using var mark = _admin.CreateCommand($"ALTER DATABASE {Template} WITH IS_TEMPLATE true");
        mark.ExecuteNonQuery();
    }

    private void Stop(bool asRoot, string data)
    {
        _unused.CompleteAdding();
        _ready.CompleteAdding();
        _admin.Dispose();
        try
        {
            PostgresBinaries.RunPostgres(asRoot, Path.Combine(_binaries, "pg_ctl"), ["-D", data, "-m", "immediate", "stop"]);
        }
        finally
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private static string FindBinaries() => PostgresBinaries.Find() ?? throw new InvalidOperationException(
        "The PostgreSQL tests (Achievements.Api.Tests.Postgres) start their own throwaway cluster and need PostgreSQL 15's server binaries "
        + "(initdb, pg_ctl, postgres) on PATH or under /usr/lib/postgresql/<version>/bin. On Debian or Ubuntu: apt-get install -y postgresql.");

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
