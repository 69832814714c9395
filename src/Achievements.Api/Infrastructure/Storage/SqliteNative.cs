using System.Data.Common;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Achievements.Api.Infrastructure.Storage;

/// <summary>
/// For the two hot paths that speak SQLite's C API on an ADO.NET connection (evaluation's history read and
/// ingestion's insert; decision 0007): the connection's handle, and SQLite's result codes as the same
/// <see cref="SqliteException"/> that Microsoft.Data.Sqlite throws everywhere else.
/// </summary>
internal static class SqliteNative
{
    public static sqlite3 HandleOf(DbConnection connection) =>
        (connection as SqliteConnection)?.Handle
            ?? throw new InvalidOperationException("This statement runs on an open SQLite connection.");

    public static void Check(int result, sqlite3 db)
    {
        if (result is not (raw.SQLITE_OK or raw.SQLITE_DONE))
        {
            SqliteException.ThrowExceptionForRC(result, db);
        }
    }
}
