using System.Data.Common;
using System.Text.Json;
using Dapper;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Achievements.Api.Infrastructure.Storage;

/// <summary>
/// The few places where the SQL of the two stores differs, so that a handler writes its statement once and asks
/// here for the fragment (decision 0014). Everything else — upserts with <c>ON CONFLICT</c>, <c>RETURNING</c>,
/// timestamps as fixed-width text, flags as integers — is written the same for SQLite and PostgreSQL.
/// </summary>
internal sealed class SqlDialect
{
    public static readonly SqlDialect Sqlite = new(StoreProvider.Sqlite);
    public static readonly SqlDialect Postgres = new(StoreProvider.Postgres);

    private SqlDialect(StoreProvider provider) => Provider = provider;

    public StoreProvider Provider { get; }

    public bool IsSqlite => Provider == StoreProvider.Sqlite;

    /// <summary>The dialect of the store <paramref name="connection"/> reaches.</summary>
    public static SqlDialect Of(DbConnection connection) => connection switch
    {
        SqliteConnection => Sqlite,
        NpgsqlConnection => Postgres,
        _ => throw new NotSupportedException($"No SQL dialect is known for {connection.GetType().Name}."),
    };

    /// <summary>
    /// A table source with one text column <c>value</c>: the elements of a JSON array of strings bound as
    /// <paramref name="parameter"/> (a list passed as one parameter, so the statement's text is the same for any
    /// number of elements). Use as <c>FROM {Values("@Ids")}</c> or <c>IN (SELECT value FROM {Values("@Ids")})</c>.
    /// </summary>
    public string Values(string parameter) => IsSqlite
        ? $"json_each({parameter})"
        : $"json_array_elements_text(CAST({parameter} AS json))";

    /// <summary>
    /// A membership test against a list parameter bound with <see cref="List{T}"/>, written after the column:
    /// <c>seq {In("@Seqs")}</c>. SQLite reads the list as a JSON array, so the statement's text is the same for any
    /// number of elements; PostgreSQL takes it as one array, and only <c>= ANY(array)</c> lets its planner seek
    /// each element in an index (a set-returning function in <c>IN (SELECT ...)</c> made it walk every event of the
    /// signal instead: StoreTests.Postgres_lookups_seek_the_attribute_index).
    /// </summary>
    public string In(string parameter) => IsSqlite ? $"IN (SELECT value FROM json_each({parameter}))" : $"= ANY({parameter})";

    /// <summary>The value to bind for a list that <see cref="In"/> tests: a JSON array for SQLite, an array for PostgreSQL.</summary>
    public object List<T>(IEnumerable<T> values) => IsSqlite ? JsonSerializer.Serialize(values) : values.ToArray();

    /// <summary>
    /// The text of a top-level attribute of a JSON text column. <paramref name="attribute"/> must be a validated
    /// name: it is written into the SQL so that the expression indexes on <c>pr_id</c> and <c>suggestion_id</c> serve it.
    /// </summary>
    public string JsonText(string column, string attribute) => IsSqlite
        ? $"json_extract({column}, '$.{attribute}')"
        : $"(CAST({column} AS jsonb) ->> '{attribute}')";

    /// <summary>
    /// Makes <paramref name="transaction"/> the only one doing <paramref name="job"/> until it ends, across every
    /// instance: a job that reads, decides and writes (a settlement sweep, a detection run's flags) must not run twice
    /// at once. On PostgreSQL a transaction-level advisory lock, released by the commit or rollback, or by the server
    /// when an instance dies holding it; nothing to release by hand. SQLite's writers already take turns.
    /// </summary>
    public static async Task TakeTurnAsync(DbConnection connection, DbTransaction transaction, string job, CancellationToken cancellationToken)
    {
        if (Of(connection).IsSqlite)
        {
            return;
        }

        await connection.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_xact_lock(hashtext(@Job))", new { Job = $"achievements.{job}" }, transaction, cancellationToken: cancellationToken));
    }

    /// <summary>Whether <paramref name="exception"/> is a unique or primary-key constraint refusing a row.</summary>
    public static bool IsUniqueViolation(DbException exception) => exception switch
    {
        // SQLITE_CONSTRAINT_UNIQUE and SQLITE_CONSTRAINT_PRIMARYKEY
        SqliteException sqlite => sqlite.SqliteExtendedErrorCode is 2067 or 1555,
        PostgresException postgres => postgres.SqlState == PostgresErrorCodes.UniqueViolation,
        _ => false,
    };
}

/// <summary>Which store the service runs on: <c>Achievements:Database:Provider</c>.</summary>
internal enum StoreProvider
{
    /// <summary>An embedded SQLite file: the default, and what <c>dotnet run</c> uses.</summary>
    Sqlite,

    /// <summary>A PostgreSQL server, so that several instances can share one database.</summary>
    Postgres,
}
