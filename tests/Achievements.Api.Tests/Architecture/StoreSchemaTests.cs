using System.Data.Common;
using Achievements.Api.Infrastructure.Storage;
using Achievements.Api.Tests.Infrastructure;
using Dapper;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace Achievements.Api.Tests.Architecture;

/// <summary>
/// The two stores' migrations end in the same schema: tables, columns and named indexes, compared by name (SQLite's types
/// are affinities, so types are not compared). Runs in the PostgreSQL project, which has both stores at hand.
/// </summary>
public sealed class StoreSchemaTests
{
    /// <summary>The differences that are meant, each with its reason. Anything else is a script missing from one folder.</summary>
    private static readonly string[] Intended =
    [
        // Only PostgreSQL has several instances; one SQLite file has one writer (decision 0016, DirectoryChanges).
        "only on postgres: table directory_state",
        "only on postgres: column directory_state.name",
        "only on postgres: column directory_state.version",
        "only on postgres: table directory_changes",
        "only on postgres: column directory_changes.version",
        "only on postgres: column directory_changes.employee_id",
        "only on postgres: column directory_changes.at",
    ];

    [PostgresOnlyFact]
    public async Task Both_stores_migrate_to_the_same_tables_columns_and_indexes_but_for_the_intended_differences()
    {
        var ct = TestContext.Current.CancellationToken;
        var sqliteFile = TestStore.NewSqlitePath("schema");
        var postgres = TestStore.NewDatabase();
        try
        {
            UtcTimestampHandler.Register();
            await new MigrationRunner(new SqliteConnectionFactory($"Data Source={sqliteFile}"), TimeProvider.System, NullLogger<MigrationRunner>.Instance).ApplyAsync(ct);

            IReadOnlySet<string> sqlite, postgresSchema;
            await using (var connection = new SqliteConnection($"Data Source={sqliteFile}"))
            {
                sqlite = await SchemaAsync(connection, SqliteTables, SqliteColumns, SqliteIndexes, ct);
            }

            await using (var connection = TestStore.Connect(postgres))
            {
                postgresSchema = await SchemaAsync(connection, PostgresTables, PostgresColumns, PostgresIndexes, ct);
            }

            Assert.Contains(sqlite, x => x.StartsWith("index ", StringComparison.Ordinal));
            Assert.Contains(postgresSchema, x => x.StartsWith("index ", StringComparison.Ordinal));
            var differences = sqlite.Except(postgresSchema).Select(x => $"only on sqlite: {x}")
                .Concat(postgresSchema.Except(sqlite).Select(x => $"only on postgres: {x}"))
                .ToList();
            var unintended = differences.Except(Intended).ToList();
            var gone = Intended.Except(differences).ToList();
            Assert.True(
                unintended.Count == 0 && gone.Count == 0,
                $"Differences not listed as intended:\n{string.Join('\n', unintended)}\nListed as intended but not found:\n{string.Join('\n', gone)}");
        }
        finally
        {
            TestStore.Delete(postgres);
            SqliteConnection.ClearAllPools();
            foreach (var file in new[] { sqliteFile, sqliteFile + "-wal", sqliteFile + "-shm" })
            {
                File.Delete(file);
            }
        }
    }

    private static async Task<IReadOnlySet<string>> SchemaAsync(DbConnection connection, string tables, string columns, string indexes, CancellationToken ct)
    {
        var schema = new HashSet<string>(StringComparer.Ordinal);
        schema.UnionWith((await connection.QueryAsync<string>(new CommandDefinition(tables, cancellationToken: ct))).Select(t => $"table {t}"));
        schema.UnionWith((await connection.QueryAsync<(string Table, string Column)>(new CommandDefinition(columns, cancellationToken: ct))).Select(c => $"column {c.Table}.{c.Column}"));
        schema.UnionWith((await connection.QueryAsync<(string Table, string Index)>(new CommandDefinition(indexes, cancellationToken: ct))).Select(i => $"index {i.Index} on {i.Table}"));
        return schema;
    }

    // schema_migrations records each store's own script numbers; its columns are the same.
    private const string SqliteTables = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'";

    private const string SqliteColumns = """
        SELECT t.name, c.name FROM sqlite_master t, pragma_table_info(t.name) c
        WHERE t.type = 'table' AND t.name NOT LIKE 'sqlite_%'
        """;

    // Indexes written by a script (CREATE INDEX), not those SQLite makes for a key or UNIQUE constraint.
    private const string SqliteIndexes = "SELECT tbl_name, name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL";

    private const string PostgresTables = "SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'";

    private const string PostgresColumns = """
        SELECT c.table_name::text, c.column_name::text FROM information_schema.columns c
        JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
        WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE'
        """;

    // Indexes written by a script, not those PostgreSQL makes for a key or UNIQUE constraint.
    private const string PostgresIndexes = """
        SELECT t.relname::text, i.relname::text FROM pg_index x
        JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace
        WHERE n.nspname = 'public' AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = x.indexrelid)
        """;
}
