using System.Data.Common;

namespace Achievements.Api.Infrastructure.Storage;

internal static class DbConnectionExtensions
{
    /// <summary>Runs <paramref name="work"/> in one transaction: all of it commits, or none of it.</summary>
    public static async Task<T> InTransactionAsync<T>(
        this DbConnection connection,
        Func<DbTransaction, Task<T>> work,
        CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var result = await work(transaction);
        await transaction.CommitAsync(cancellationToken);
        return result;
    }
}
