using Achievements.Api.Features.Signals;
using Achievements.Api.Infrastructure.Storage;
using FluentValidation;
using Mediator;

namespace Achievements.Api.Features.Badges;

/// <summary>
/// Checks a metric and requirements as an editor types: always 200, with every diagnostic and the signals the
/// rule reads. Nothing is stored.
/// </summary>
internal sealed record ValidateRules(string? Metric, List<string>? Requires) : IQuery<RuleValidation>;

/// <summary>A null in the list is no rule to report diagnostics on: a 400 naming it, as badge authoring answers.</summary>
internal sealed class ValidateRulesValidator : AbstractValidator<ValidateRules>
{
    public ValidateRulesValidator() =>
        RuleForEach(x => x.Requires).NotNull().WithMessage(BadgeDefinitionValidator.RequirementRule);
}

internal sealed record RuleValidation(bool Valid, IReadOnlyList<FieldDiagnostic> Diagnostics, IReadOnlyList<SignalReference> Signals);

internal sealed record SignalReference(string Type, string Kind, string? Window);

internal sealed class ValidateRulesHandler(IDbConnectionFactory connections) : IQueryHandler<ValidateRules, RuleValidation>
{
    public async ValueTask<RuleValidation> Handle(ValidateRules query, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var catalog = await SignalStore.LoadAsync(connection, cancellationToken);
        var definition = new BadgeDefinition("preview", "", "?", query.Metric ?? "", query.Requires ?? [], [new TierDefinition("tier", 1)]);
        var (badge, diagnostics) = BadgeCompiler.TryCompile("preview", 0, definition, catalog.ToRuleCatalog());
        var signals = badge?.Signals.Select(use => new SignalReference(use.Signal, catalog.Find(use.Signal)!.Kind, Window(use.Window))).ToList() ?? [];
        return new RuleValidation(badge is not null, diagnostics, signals);
    }

    private static string? Window(TimeSpan? window) => window switch
    {
        null => null,
        { TotalDays: var days } when days >= 1 && days == Math.Floor(days) => $"{days:0}d",
        { TotalHours: var hours } when hours >= 1 && hours == Math.Floor(hours) => $"{hours:0}h",
        { TotalMinutes: var minutes } => $"{minutes:0}m",
    };
}
