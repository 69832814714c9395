using System.Data.Common;
using Achievements.Api.Infrastructure.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Achievements.Api.Tests.Infrastructure;

/// <summary>
/// The store this test process runs the service on. Achievements.Api.Tests compiles it for SQLite: each database a
/// temporary file. Achievements.Api.Tests.Postgres compiles the same sources with <c>POSTGRES_STORE</c>: each database
/// is a new database in a throwaway PostgreSQL cluster that the process starts once (<see cref="PostgresCluster"/>).
/// A "database" is named by one string either way: a file path on SQLite, a database name on PostgreSQL.
/// </summary>
/// <remarks>
/// Both stores start each database migrated, copied from a template the process migrates once, as the app's own start
/// would leave it (the app still runs the migration check and seeds). SQLite files live in memory-backed
/// <c>/dev/shm</c> where the machine has it: the service commits with <c>synchronous=FULL</c>, which on a disk makes
/// every test's every write wait for the disk, and a test's database never needs to outlive the machine.
/// </remarks>
public static class TestStore
{
#if POSTGRES_STORE
    public static bool IsPostgres => true;
#else
    public static bool IsPostgres => false;
#endif

    public static bool IsSqlite => !IsPostgres;

    /// <summary>The value of <c>Achievements:Database:Provider</c> for an app on this store.</summary>
    public static string Provider => IsPostgres ? "postgres" : "sqlite";

    /// <summary>A new database with nothing in it but the migrations, copied from the template.</summary>
    public static string NewDatabase()
    {
        if (IsPostgres)
        {
            return PostgresCluster.Shared.CreateDatabase();
        }

        var path = NewSqlitePath("test");
        File.Copy(SqliteTemplate.Value, path);
        return path;
    }

    /// <summary>Where a new SQLite file for this process goes: memory-backed <c>/dev/shm</c> if the machine has it.</summary>
    public static string NewSqlitePath(string purpose) => Path.Combine(SqliteFolder, $"achievements-{purpose}-{Guid.NewGuid():N}.db");

    private static readonly string SqliteFolder = Directory.Exists("/dev/shm") ? "/dev/shm" : Path.GetTempPath();

    private static readonly Lazy<string> SqliteTemplate = new(MigrateSqliteTemplate, LazyThreadSafetyMode.ExecutionAndPublication);

    private static string MigrateSqliteTemplate()
    {
        var path = NewSqlitePath("template");
        // Unpooled, so that the last connection's close checkpoints the journal into the file the copies are made of.
        new MigrationRunner(new SqliteConnectionFactory($"Data Source={path};Pooling=False"), TimeProvider.System, NullLogger<MigrationRunner>.Instance)
            .ApplyAsync(CancellationToken.None).GetAwaiter().GetResult();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => File.Delete(path);
        return path;
    }

    /// <summary>The service's connection string for <paramref name="database"/>.</summary>
    public static string ConnectionString(string database) => IsPostgres
        ? PostgresCluster.Shared.ConnectionString(database)
        : $"Data Source={database}";

    /// <summary>A closed connection to <paramref name="database"/>, for a test to look at what the service stored (Dapper opens it).</summary>
    public static DbConnection Connect(string database) => IsPostgres
        ? new NpgsqlConnection(PostgresCluster.Shared.ConnectionString(database, pooling: false))
        : new SqliteConnection(ConnectionString(database));

    /// <summary>Deletes the database; call once no app uses it any more.</summary>
    public static void Delete(string database)
    {
        if (IsPostgres)
        {
            PostgresCluster.Shared.DropDatabase(database);
            return;
        }

        SqliteConnection.ClearAllPools();
        foreach (var file in new[] { database, database + "-wal", database + "-shm" })
        {
            File.Delete(file);
        }
    }
}
