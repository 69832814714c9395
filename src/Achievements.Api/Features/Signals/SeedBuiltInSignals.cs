using Achievements.Api.Infrastructure.Storage;
using Mediator;

namespace Achievements.Api.Features.Signals;

/// <summary>Seeds the built-in signals into a database that lacks them; stored policy changes are left alone.</summary>
internal sealed record SeedBuiltInSignals : ICommand<int>;

internal sealed class SeedBuiltInSignalsHandler(IDbConnectionFactory connections, TimeProvider time) : ICommandHandler<SeedBuiltInSignals, int>
{
    public async ValueTask<int> Handle(SeedBuiltInSignals command, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var connection = await connections.OpenAsync(cancellationToken);
        return await connection.InTransactionAsync(async transaction =>
        {
            var seeded = 0;
            foreach (var signal in BuiltInSignals.All)
            {
                seeded += await SignalStore.TryInsertAsync(connection, signal, now, cancellationToken, transaction) ? 1 : 0;
            }

            return seeded;
        }, cancellationToken);
    }
}
