using Achievements.Api.Infrastructure.Storage;
using Mediator;

namespace Achievements.Api.Features.Signals;

internal sealed record ListSignals : IQuery<IReadOnlyList<SignalView>>;

internal sealed class ListSignalsHandler(IDbConnectionFactory connections) : IQueryHandler<ListSignals, IReadOnlyList<SignalView>>
{
    public async ValueTask<IReadOnlyList<SignalView>> Handle(ListSignals query, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var catalog = await SignalStore.LoadAsync(connection, cancellationToken);
        return [.. catalog.Signals.Select(SignalView.From)];
    }
}
