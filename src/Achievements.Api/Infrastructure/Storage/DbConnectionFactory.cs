using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Achievements.Api.Infrastructure.Storage;

/// <summary>The one way handlers reach the database: an open connection, configured for this store.</summary>
internal interface IDbConnectionFactory
{
    /// <summary>The store's SQL, for what is asked before a connection is open.</summary>
    SqlDialect Dialect { get; }

    ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken);
}

internal sealed class SqliteConnectionFactory(string connectionString) : IDbConnectionFactory
{
    public SqlDialect Dialect => SqlDialect.Sqlite;

    public async ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var pragmas = connection.CreateCommand();
        // synchronous=FULL: a commit is on disk before we answer, so an acknowledged event survives
        // kill -9 and power loss alike. busy_timeout lets concurrent writers queue instead of failing.
        pragmas.CommandText = "PRAGMA synchronous = FULL; PRAGMA busy_timeout = 10000; PRAGMA foreign_keys = ON;";
        await pragmas.ExecuteNonQueryAsync(cancellationToken);
        return connection;
    }
}

/// <summary>
/// Connections from the app's one <see cref="NpgsqlDataSource"/> (its pool), which the container disposes with the app.
/// PostgreSQL's defaults already give what the SQLite PRAGMAs ask for: a commit is durable before it returns
/// (synchronous_commit on), writers wait for row locks, and foreign keys are always enforced.
/// </summary>
internal sealed class PostgresConnectionFactory(NpgsqlDataSource dataSource) : IDbConnectionFactory
{
    public SqlDialect Dialect => SqlDialect.Postgres;

    public async ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken) =>
        await dataSource.OpenConnectionAsync(cancellationToken);
}
