using Achievements.Api.Infrastructure.Errors;
using Achievements.Rules;
using FluentValidation;
using FluentValidation.Results;
using SignalCatalog = Achievements.Scoring.SignalCatalog;

namespace Achievements.Api.Features.Signals;

/// <summary>The policy fields of a signal as a request carries them: what decides which of its events count.</summary>
internal interface ISignalPolicy
{
    string? Settlement { get; }
    CorrectedBy? CorrectedBy { get; }
    int? DailyCap { get; }
    IReadOnlyList<QualifyCondition>? Qualify { get; }
}

internal sealed class SignalPolicyValidator : AbstractValidator<ISignalPolicy>
{
    public const int MaxConditions = 10;

    public SignalPolicyValidator()
    {
        RuleLevelCascadeMode = CascadeMode.Stop;
        RuleFor(x => x.Settlement).Must(s => s is null || PolicyDuration.IsValid(s)).WithMessage(PolicyDuration.Rule);
        RuleFor(x => x.DailyCap).InclusiveBetween(1, 100_000).WithMessage("dailyCap is a whole number from 1 to 100000, or null for no cap.");
        RuleFor(x => x.CorrectedBy!.Signal).NotEmpty().When(x => x.CorrectedBy is not null).OverridePropertyName("correctedBy.signal");
        RuleFor(x => x.CorrectedBy!.On).NotEmpty().When(x => x.CorrectedBy is not null).OverridePropertyName("correctedBy.on");
        RuleFor(x => x.Qualify).Must(q => q!.Count <= MaxConditions).When(x => x.Qualify is not null)
            .WithMessage($"A signal has at most {MaxConditions} qualify conditions.")
            .Must(q => q!.Select(c => c?.Name).Distinct().Count() == q!.Count).When(x => x.Qualify is not null)
            .WithMessage("Qualify condition names must be unique.");
        RuleForEach(x => x.Qualify).NotNull().WithMessage("A qualify condition is an object with a name and a condition.").ChildRules(condition =>
        {
            condition.RuleFor(c => c.Name).NotEmpty().Matches("^[a-z0-9][a-z0-9-]{0,47}$")
                .WithMessage("A condition name is 1-48 characters of a-z, 0-9 and '-', such as independent-review.");
            condition.RuleFor(c => c.Condition).NotEmpty().MaximumLength(4000);
        });
    }
}

/// <summary>
/// Checks a signal's policy against the rest of the catalog: the correction it names must exist and match on
/// an id, and every qualify condition must compile in the signal's <c>where</c> scope.
/// </summary>
internal static class SignalPolicyCheck
{
    public static void Ensure(SignalDefinition signal, SignalCatalog catalog)
    {
        if (signal.CorrectedBy is { } correction)
        {
            var corrector = catalog.Find(correction.Signal);
            string? problem = corrector switch
            {
                _ when signal.Kind != SignalDefinition.Outcome => "Only outcome signals are corrected.",
                _ when signal.Attribute(correction.On) is not { Type: "string" } => $"correctedBy.on must name one of {signal.Type}'s string attributes (an id to match on).",
                null => $"'{correction.Signal}' is not a signal in the catalog.",
                { Kind: not SignalDefinition.Correction } => $"'{correction.Signal}' is of kind {corrector.Kind}; a correction must be of kind correction.",
                _ when corrector.Attribute(correction.On) is not { Type: "string" } => $"'{correction.Signal}' has no string attribute '{correction.On}' to match on.",
                _ => null,
            };
            if (problem is not null)
            {
                throw new ValidationException([new ValidationFailure("correctedBy", problem)]);
            }
        }

        var ruleCatalog = new SignalCatalog([.. catalog.Signals.Where(s => s.Type != signal.Type), signal]).ToRuleCatalog();
        var diagnostics = signal.Qualify
            .SelectMany((condition, i) => RuleCompiler.Compile(condition.Condition, RuleKind.Qualify, ruleCatalog, signal.Type).Diagnostics
                .Select(d => FieldDiagnostic.From($"qualify[{i}].condition", d)))
            .ToList();
        if (diagnostics.Any(d => d.Severity == "error"))
        {
            throw new RuleDiagnosticsException(diagnostics);
        }
    }
}
