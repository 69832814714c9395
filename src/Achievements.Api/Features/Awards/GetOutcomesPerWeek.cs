using Achievements.Api.Engine.History;
using Achievements.Api.Infrastructure.Errors;
using Achievements.Api.Infrastructure.Storage;
using FluentValidation;
using Mediator;

namespace Achievements.Api.Features.Awards;

/// <summary>
/// An employee's counted outcomes per week, oldest first: rolling seven-day periods ending now, so the last bar
/// is always this week so far. Only outcomes that count appear; volume never does. Self or admin only.
/// </summary>
internal sealed record GetOutcomesPerWeek(string EmployeeId, int Weeks) : IQuery<OutcomesPerWeek>;

internal sealed record OutcomesPerWeek(string Employee, IReadOnlyList<WeekOfOutcomes> Weeks);

internal sealed record WeekOfOutcomes(DateTimeOffset Start, DateTimeOffset End, int Counted);

internal sealed class GetOutcomesPerWeekValidator : AbstractValidator<GetOutcomesPerWeek>
{
    public GetOutcomesPerWeekValidator() => RuleFor(x => x.Weeks).InclusiveBetween(1, 53);
}

internal sealed class GetOutcomesPerWeekHandler(IDbConnectionFactory connections, TimeProvider time) : IQueryHandler<GetOutcomesPerWeek, OutcomesPerWeek>
{
    public async ValueTask<OutcomesPerWeek> Handle(GetOutcomesPerWeek query, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var connection = await connections.OpenAsync(cancellationToken);
        var context = await EvaluationContext.LoadAsync(connection, now, cancellationToken);
        var history = await context.LoadEmployeeAsync(connection, null, query.EmployeeId, cancellationToken)
            ?? throw new NotFoundException("Employee", query.EmployeeId);
        var outcomes = history.CountAsOf(now).All
            .Where(e => e.Counts && e.Kind == SignalDefinition.Outcome)
            .Select(e => e.Stored.OccurredAt)
            .ToList();

        var weeks = Enumerable.Range(0, query.Weeks)
            .Select(i => now.AddDays(-7 * (query.Weeks - i)))
            .Select(start => new WeekOfOutcomes(start, start.AddDays(7), outcomes.Count(at => at > start && at <= start.AddDays(7))))
            .ToList();
        return new OutcomesPerWeek(query.EmployeeId, weeks);
    }
}
