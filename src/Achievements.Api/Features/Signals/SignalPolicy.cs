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
    ShippedBy? ShippedBy { get; }
    Voices? Voices { get; }
    IReadOnlyList<string>? AuthoritativeSources { get; }
    Units? Units { get; }
    Attribution? Attribution { get; }
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
        RuleFor(x => x.ShippedBy!.Within).Must(PolicyDuration.IsValid).When(x => x.ShippedBy is not null).WithMessage(PolicyDuration.Rule).OverridePropertyName("shippedBy.within");
        RuleFor(x => x.ShippedBy!.Signal).NotEmpty().When(x => x.ShippedBy is not null).OverridePropertyName("shippedBy.signal");
        RuleFor(x => x.ShippedBy!.On).NotEmpty().When(x => x.ShippedBy is not null).OverridePropertyName("shippedBy.on");
        RuleFor(x => x.ShippedBy!.Actor).NotEmpty().When(x => x.ShippedBy is not null).OverridePropertyName("shippedBy.actor")
            .WithMessage("shippedBy.actor is 'same' (the outcome's actor) or one of the outcome's string attributes.");
        RuleFor(x => x.Voices!.From).NotEmpty().When(x => x.Voices is not null).OverridePropertyName("voices.from");
        RuleFor(x => x.Voices!.PerVoice).InclusiveBetween(1, 100_000).When(x => x.Voices is not null).OverridePropertyName("voices.perVoice")
            .WithMessage("voices.perVoice is a whole number from 1 to 100000.");
        RuleFor(x => x.Voices!.Breadth).InclusiveBetween(1, 100).When(x => x.Voices is not null).OverridePropertyName("voices.breadth")
            .WithMessage("voices.breadth is a whole number from 1 to 100.");
        RuleFor(x => x.Voices!.Window).Must(PolicyDuration.IsValid).When(x => x.Voices is not null).WithMessage(PolicyDuration.Rule).OverridePropertyName("voices.window");
        RuleFor(x => x.Units!.Lines).InclusiveBetween(1, 100_000).When(x => x.Units is not null).OverridePropertyName("units.lines")
            .WithMessage("units.lines is a whole number from 1 to 100000.");
        RuleFor(x => x.Units!.Gap).Must(PolicyDuration.IsValid).When(x => x.Units is not null).WithMessage(PolicyDuration.Rule).OverridePropertyName("units.gap");
        RuleFor(x => x.Attribution!.Attribute).NotEmpty().When(x => x.Attribution is not null).OverridePropertyName("attribution.attribute");
        RuleFor(x => x.Attribution!.Claim).NotEmpty().When(x => x.Attribution is not null).OverridePropertyName("attribution.claim");
        RuleFor(x => x.AuthoritativeSources).Must(s => s!.Count <= 20 && s.All(source => !string.IsNullOrWhiteSpace(source) && source.Length <= 64))
            .When(x => x.AuthoritativeSources is not null)
            .WithMessage("authoritativeSources lists at most 20 source names of 1-64 characters.");
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

        if (ShippingProblem(signal, catalog) is { } shipping)
        {
            throw new ValidationException([new ValidationFailure("shippedBy", shipping)]);
        }

        if (VoicesProblem(signal, catalog) is { } voices)
        {
            throw new ValidationException([new ValidationFailure("voices", voices)]);
        }

        if (UnitsProblem(signal) is { } units)
        {
            throw new ValidationException([new ValidationFailure("units", units)]);
        }

        if (AttributionProblem(signal) is { } attribution)
        {
            throw new ValidationException([new ValidationFailure("attribution", attribution)]);
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

    private static string? ShippingProblem(SignalDefinition signal, SignalCatalog catalog)
    {
        if (signal.ShippedBy is not { } ship)
        {
            return null;
        }

        var shipping = ship.Signal == signal.Type ? signal : catalog.Find(ship.Signal);
        return shipping switch
        {
            _ when signal.Kind != SignalDefinition.Outcome => "Only outcome signals wait to be shipped.",
            null => $"'{ship.Signal}' is not a signal in the catalog.",
            _ when ship.Signal == signal.Type => "An outcome cannot be shipped by its own signal.",
            { Kind: not SignalDefinition.Outcome } => $"'{ship.Signal}' is of kind {shipping.Kind}; what ships an outcome must be an outcome.",
            _ when signal.Attribute(ship.On) is not { Type: "string" } => $"shippedBy.on must name one of {signal.Type}'s string attributes.",
            _ when shipping.Attribute(ship.On) is not { Type: "string" } => $"'{ship.Signal}' has no string attribute '{ship.On}' to match on.",
            _ when ship.Actor != ShippedBy.SameActor && signal.Attribute(ship.Actor) is not { Type: "string" } => $"shippedBy.actor must be 'same' or one of {signal.Type}'s string attributes.",
            _ when (ship.Lines is null) != (ship.UpTo is null) => "shippedBy.lines and shippedBy.upTo go together.",
            _ when ship.Lines is not null && signal.Attribute(ship.Lines) is not { IsNumeric: true } => $"shippedBy.lines must name one of {signal.Type}'s number attributes.",
            _ when ship.UpTo is not null && shipping.Attribute(ship.UpTo) is not { IsNumeric: true } => $"shippedBy.upTo must name one of '{ship.Signal}''s number attributes.",
            _ => null,
        };
    }

    /// <summary>Units measure the lines that count of a merge: the outcome must be the merge, or ship in one.</summary>
    private static string? UnitsProblem(SignalDefinition signal) =>
        signal.Units switch
        {
            null => null,
            _ when signal.Kind != SignalDefinition.Outcome => "Only outcomes are counted in units of work.",
            _ when signal.Type != BuiltInSignals.Merge.Signal && signal.ShippedBy?.Signal != BuiltInSignals.Merge.Signal =>
                $"Units measure the lines of the merge ('{BuiltInSignals.Merge.Signal}'): the signal must be it or be shipped by it.",
            { By: { } by } when signal.Attribute(by) is not { Type: "string" } => $"units.by must name one of {signal.Type}'s string attributes, or be left out.",
            _ => null,
        };

    private static string? AttributionProblem(SignalDefinition signal) =>
        signal.Attribution switch
        {
            null => null,
            _ when signal.Kind != SignalDefinition.Outcome => "Only outcomes are attributed by evidence.",
            { Attribute: var a, Claim: var c } when a == c => "attribution.attribute and attribution.claim name two different attributes.",
            { Attribute: var a } when signal.Attribute(a) is not { Type: "bool" } => $"attribution.attribute must name one of {signal.Type}'s bool attributes.",
            { Claim: var c } when signal.Attribute(c) is not { Type: "bool" } => $"attribution.claim must name one of {signal.Type}'s bool attributes.",
            _ => null,
        };

    private static string? VoicesProblem(SignalDefinition signal, SignalCatalog catalog) =>
        signal.Voices switch
        {
            null => null,
            _ when signal.Kind != SignalDefinition.Outcome => "Only outcomes are vouched for.",
            { From: Voices.FromShippedBy } when signal.ShippedBy is null => "voices.from 'shippedBy' needs a shippedBy policy.",
            { From: Voices.FromShippedBy } when catalog.Find(signal.ShippedBy!.Signal)?.Voices is not { } shipping || shipping.From == Voices.FromShippedBy =>
                $"voices.from 'shippedBy' needs '{signal.ShippedBy!.Signal}' to name its own voices.",
            { From: Voices.FromShippedBy } => null,
            { From: var from } when signal.Attribute(from) is not { Type: "string" or "string[]" } => $"voices.from must name one of {signal.Type}'s string or string[] attributes, or be 'shippedBy'.",
            _ => null,
        };
}
