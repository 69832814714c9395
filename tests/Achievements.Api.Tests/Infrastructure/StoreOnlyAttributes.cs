using System.Runtime.CompilerServices;

namespace Achievements.Api.Tests.Infrastructure;

/// <summary>
/// A fact about SQLite itself (its files, its journal mode, its query planner, its own migration scripts): it runs
/// in Achievements.Api.Tests and is reported as skipped, with the reason, in the PostgreSQL run.
/// </summary>
public sealed class SqliteOnlyFactAttribute : FactAttribute
{
    public SqliteOnlyFactAttribute(string why, [CallerFilePath] string? sourceFilePath = null, [CallerLineNumber] int sourceLineNumber = -1)
        : base(sourceFilePath, sourceLineNumber)
    {
        if (TestStore.IsPostgres)
        {
            Skip = $"SQLite only: {why}";
        }
    }
}

/// <inheritdoc cref="SqliteOnlyFactAttribute"/>
public sealed class SqliteOnlyTheoryAttribute : TheoryAttribute
{
    public SqliteOnlyTheoryAttribute(string why, [CallerFilePath] string? sourceFilePath = null, [CallerLineNumber] int sourceLineNumber = -1)
        : base(sourceFilePath, sourceLineNumber)
    {
        if (TestStore.IsPostgres)
        {
            Skip = $"SQLite only: {why}";
        }
    }
}

/// <summary>A fact about the PostgreSQL store (its migration lock, its plans): reported as skipped in the SQLite run.</summary>
public sealed class PostgresOnlyFactAttribute : FactAttribute
{
    public PostgresOnlyFactAttribute([CallerFilePath] string? sourceFilePath = null, [CallerLineNumber] int sourceLineNumber = -1)
        : base(sourceFilePath, sourceLineNumber)
    {
        if (TestStore.IsSqlite)
        {
            Skip = "PostgreSQL only: Achievements.Api.Tests.Postgres runs it";
        }
    }
}
