using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace Achievements.Api.Infrastructure.Storage;

/// <summary>The one way handlers reach the database: an open connection, configured for this store.</summary>
internal interface IDbConnectionFactory
{
    ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken);
}

internal sealed class SqliteConnectionFactory(string connectionString) : IDbConnectionFactory
{
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
