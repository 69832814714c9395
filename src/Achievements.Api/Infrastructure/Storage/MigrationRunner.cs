using System.Data.Common;
using System.Reflection;
using Dapper;

namespace Achievements.Api.Infrastructure.Storage;

/// <summary>
/// Applies the numbered SQL scripts of the store's provider, embedded under Storage/Migrations (SQLite) and
/// Storage/Migrations/Postgres (PostgreSQL), in order, each once, recording them in <c>schema_migrations</c>.
/// A shipped script is never edited: add a new one, to each provider's folder.
/// </summary>
internal sealed class MigrationRunner(IDbConnectionFactory connections, TimeProvider time, ILogger<MigrationRunner> logger)
{
    private const string SqlitePrefix = "Achievements.Api.Infrastructure.Storage.Migrations.";
    private const string PostgresPrefix = "Achievements.Api.Infrastructure.Storage.Migrations.Postgres.";

    // Any constant both instances agree on; "achievements" in ASCII, so that it names the app in pg_locks.
    private const long MigrationLock = 0x616368696576;

    private const string CreateJournal = """
        CREATE TABLE IF NOT EXISTS schema_migrations (
            version    INTEGER PRIMARY KEY,
            name       TEXT NOT NULL,
            applied_at TEXT NOT NULL
        );
        """;

    private const string AppliedVersions = "SELECT version FROM schema_migrations";

    private const string RecordVersion = """
        INSERT INTO schema_migrations (version, name, applied_at) VALUES (@Version, @Name, @AppliedAt)
        """;

    private readonly Lazy<IReadOnlyList<long>> _carried = new(() => [.. Scripts(connections.Dialect.Provider).Select(s => s.Version)]);

    /// <summary>The versions this build carries for its store and <paramref name="connection"/>'s database has not applied.</summary>
    public async Task<IReadOnlyList<long>> MissingAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        var applied = (await connection.QueryAsync<long>(new CommandDefinition(AppliedVersions, cancellationToken: cancellationToken))).ToHashSet();
        return [.. _carried.Value.Where(version => !applied.Contains(version))];
    }

    public async Task ApplyAsync(CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var dialect = SqlDialect.Of(connection);
        if (dialect.IsSqlite)
        {
            await ApplySqliteAsync(connection, cancellationToken);
        }
        else
        {
            await ApplyPostgresAsync(connection, cancellationToken);
        }
    }

    private async Task ApplySqliteAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        // WAL lets directory reads proceed while ingestion writes; the mode is stored in the file.
        await connection.ExecuteAsync(new CommandDefinition("PRAGMA journal_mode = WAL;", cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition(CreateJournal, cancellationToken: cancellationToken));
        var applied = (await connection.QueryAsync<long>(new CommandDefinition(AppliedVersions, cancellationToken: cancellationToken))).ToHashSet();

        foreach (var script in Scripts(StoreProvider.Sqlite).Where(s => !applied.Contains(s.Version)))
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await ApplyAsync(connection, transaction, script, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
    }

    /// <summary>
    /// Every missing script in one transaction, under a transaction-scoped advisory lock: two instances that start
    /// at once both ask for the lock, one migrates, and the other then finds the journal complete and applies nothing.
    /// PostgreSQL's DDL is transactional, so a script that fails leaves no half-made schema behind.
    /// </summary>
    private async Task ApplyPostgresAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_xact_lock(@Key)", new { Key = MigrationLock }, transaction, cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition(CreateJournal, transaction: transaction, cancellationToken: cancellationToken));
        var applied = (await connection.QueryAsync<long>(new CommandDefinition(AppliedVersions, transaction: transaction, cancellationToken: cancellationToken))).ToHashSet();
        foreach (var script in Scripts(StoreProvider.Postgres).Where(s => !applied.Contains(s.Version)))
        {
            await ApplyAsync(connection, transaction, script, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    private async Task ApplyAsync(DbConnection connection, DbTransaction transaction, MigrationScript script, CancellationToken cancellationToken)
    {
        await connection.ExecuteAsync(new CommandDefinition(script.Sql, transaction: transaction, cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition(
            RecordVersion,
            new { script.Version, script.Name, AppliedAt = time.GetUtcNow() },
            transaction,
            cancellationToken: cancellationToken));
        logger.LogInformation("Applied migration {Version} {Name}", script.Version, script.Name);
    }

    /// <summary>The provider's scripts in order: a script's resource name is its folder's prefix, then <c>NNNN_name.sql</c>.</summary>
    internal static IReadOnlyList<MigrationScript> Scripts(StoreProvider provider)
    {
        var prefix = provider == StoreProvider.Sqlite ? SqlitePrefix : PostgresPrefix;
        var assembly = typeof(MigrationRunner).Assembly;
        var scripts = assembly.GetManifestResourceNames()
            .Where(name => name.StartsWith(prefix, StringComparison.Ordinal) && name.EndsWith(".sql", StringComparison.Ordinal)
                && char.IsAsciiDigit(name[prefix.Length]))
            .Select(name => Read(assembly, prefix, name))
            .OrderBy(script => script.Version)
            .ToList();
        return scripts.Count > 0 ? scripts : throw new InvalidOperationException($"No {provider} migration scripts are embedded in the assembly.");
    }

    private static MigrationScript Read(Assembly assembly, string prefix, string resource)
    {
        var name = resource[prefix.Length..^".sql".Length];
        var version = long.Parse(name.AsSpan(0, name.IndexOf('_', StringComparison.Ordinal)), System.Globalization.CultureInfo.InvariantCulture);
        using var stream = assembly.GetManifestResourceStream(resource)!;
        using var reader = new StreamReader(stream);
        return new MigrationScript(version, name, reader.ReadToEnd());
    }

    internal sealed record MigrationScript(long Version, string Name, string Sql);
}
