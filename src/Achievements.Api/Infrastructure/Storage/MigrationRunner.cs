using System.Reflection;
using Dapper;

namespace Achievements.Api.Infrastructure.Storage;

/// <summary>
/// Applies the numbered SQL scripts embedded under Storage/Migrations in order, each once,
/// recording them in <c>schema_migrations</c>. A shipped script is never edited: add a new one.
/// </summary>
internal sealed class MigrationRunner(IDbConnectionFactory connections, TimeProvider time, ILogger<MigrationRunner> logger)
{
    private const string Prefix = "Achievements.Api.Infrastructure.Storage.Migrations.";

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

    public async Task ApplyAsync(CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        // WAL lets directory reads proceed while ingestion writes; the mode is stored in the file.
        await connection.ExecuteAsync(new CommandDefinition("PRAGMA journal_mode = WAL;", cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition(CreateJournal, cancellationToken: cancellationToken));
        var applied = (await connection.QueryAsync<long>(new CommandDefinition(AppliedVersions, cancellationToken: cancellationToken))).ToHashSet();

        foreach (var script in Scripts().Where(s => !applied.Contains(s.Version)))
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await connection.ExecuteAsync(new CommandDefinition(script.Sql, transaction: transaction, cancellationToken: cancellationToken));
            await connection.ExecuteAsync(new CommandDefinition(
                RecordVersion,
                new { script.Version, script.Name, AppliedAt = time.GetUtcNow() },
                transaction,
                cancellationToken: cancellationToken));
            await transaction.CommitAsync(cancellationToken);
            logger.LogInformation("Applied migration {Version} {Name}", script.Version, script.Name);
        }
    }

    internal static IReadOnlyList<MigrationScript> Scripts()
    {
        var assembly = typeof(MigrationRunner).Assembly;
        var scripts = assembly.GetManifestResourceNames()
            .Where(name => name.StartsWith(Prefix, StringComparison.Ordinal) && name.EndsWith(".sql", StringComparison.Ordinal))
            .Select(name => Read(assembly, name))
            .OrderBy(script => script.Version)
            .ToList();
        return scripts.Count > 0 ? scripts : throw new InvalidOperationException("No migration scripts are embedded in the assembly.");
    }

    private static MigrationScript Read(Assembly assembly, string resource)
    {
        var name = resource[Prefix.Length..^".sql".Length];
        var version = long.Parse(name.AsSpan(0, name.IndexOf('_', StringComparison.Ordinal)), System.Globalization.CultureInfo.InvariantCulture);
        using var stream = assembly.GetManifestResourceStream(resource)!;
        using var reader = new StreamReader(stream);
        return new MigrationScript(version, name, reader.ReadToEnd());
    }

    internal sealed record MigrationScript(long Version, string Name, string Sql);
}
