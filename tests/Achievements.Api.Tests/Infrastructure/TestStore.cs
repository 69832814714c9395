using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Achievements.Api.Tests.Infrastructure;

/// <summary>
/// The store this test process runs the service on. Achievements.Api.Tests compiles it for SQLite: each database a
/// temporary file. Achievements.Api.Tests.Postgres compiles the same sources with <c>POSTGRES_STORE</c>: each database
/// is a new database in a throwaway PostgreSQL cluster that the process starts once (<see cref="PostgresCluster"/>).
/// A "database" is named by one string either way: a file path on SQLite, a database name on PostgreSQL.
/// </summary>
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

    /// <summary>A new, empty database (migrated, on PostgreSQL, by the template it is copied from).</summary>
    public static string NewDatabase() => IsPostgres
        ? PostgresCluster.Shared.CreateDatabase()
        : Path.Combine(Path.GetTempPath(), $"achievements-test-{Guid.NewGuid():N}.db");

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
