using System.Globalization;
using System.Text.RegularExpressions;
using Achievements.Api.Infrastructure.Errors;
using Achievements.Rules;
using FluentValidation;

namespace Achievements.Api.Features.Badges;

/// <summary>A tier: its name and the metric value that reaches it.</summary>
internal sealed record TierDefinition(string? Name, double Threshold);

/// <summary>The fields of a badge definition as a request carries them; create, update and preview share them.</summary>
internal interface IBadgeDefinition
{
    string? Name { get; }
    string? Description { get; }
    string? Icon { get; }
    string? Metric { get; }
    List<string>? Requires { get; }
    List<TierDefinition>? Tiers { get; }
}

/// <summary>One version of a badge: what it is called and the rule that earns it.</summary>
internal sealed record BadgeDefinition(string Name, string Description, string Icon, string Metric, IReadOnlyList<string> Requires, IReadOnlyList<TierDefinition> Tiers)
{
    public static BadgeDefinition From(IBadgeDefinition request) => new(
        request.Name!,
        request.Description ?? "",
        request.Icon!,
        request.Metric!,
        request.Requires ?? [],
        request.Tiers!);
}

internal sealed partial class BadgeDefinitionValidator : AbstractValidator<IBadgeDefinition>
{
    public const int MaxTiers = 5;
    public const int MaxRequirements = 10;

    public BadgeDefinitionValidator()
    {
        RuleLevelCascadeMode = CascadeMode.Stop;
        RuleFor(x => x.Name).NotEmpty().MaximumLength(80).Must(TextRules.IsDisplayable).WithMessage(TextRules.DisplayableMessage);
        RuleFor(x => x.Description).MaximumLength(500).Must(TextRules.IsDisplayable).WithMessage(TextRules.DisplayableMessage);
        RuleFor(x => x.Icon).NotEmpty().Must(IsIcon)
            .WithMessage("icon is one emoji or up to two characters, such as 🚀 or JS; no markup.");
        RuleFor(x => x.Metric).NotEmpty().WithMessage("metric is the rule whose value the tiers are thresholds on, such as count(pr.merged, 365d).");
        RuleFor(x => x.Requires).Must(r => r!.Count <= MaxRequirements).When(x => x.Requires is not null)
            .WithMessage($"A badge has at most {MaxRequirements} requirements.");
        RuleForEach(x => x.Requires).NotEmpty().WithMessage("A requirement cannot be empty.");
        RuleFor(x => x.Tiers).NotNull().WithMessage("tiers lists 1 to 5 tiers, such as [{ \"name\": \"bronze\", \"threshold\": 10 }].")
            .Must(t => t!.Count is >= 1 and <= MaxTiers).WithMessage("A badge has 1 to 5 tiers.")
            .Must(t => t!.Select(tier => tier?.Name).Distinct().Count() == t!.Count).WithMessage("Tier names must be unique.")
            .Must(StrictlyIncreasing).WithMessage("Tier thresholds must be strictly increasing, lowest tier first.");
        RuleForEach(x => x.Tiers).ChildRules(tier =>
        {
            tier.RuleFor(t => t.Name).NotEmpty().Matches(TierName()).WithMessage("A tier name is 1-24 characters of a-z, 0-9 and '-', such as bronze.");
            tier.RuleFor(t => t.Threshold).GreaterThan(0).Must(double.IsFinite).WithMessage("A threshold is a positive finite number.");
        });
    }

    private static bool StrictlyIncreasing(List<TierDefinition>? tiers) =>
        tiers is null || tiers.Zip(tiers.Skip(1)).All(pair => pair.First is null || pair.Second is null || pair.First.Threshold < pair.Second.Threshold);

    /// <summary>One grapheme (an emoji, even one built of several code points) or one or two plain characters.</summary>
    private static bool IsIcon(string? icon) =>
        icon is not null
        && TextRules.IsDisplayable(icon)
        && !icon.Any(c => c is '<' or '>' or '&' or '"' or '\'' || char.IsWhiteSpace(c))
        && (new StringInfo(icon).LengthInTextElements == 1 || icon.Length <= 2);

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,23}$", RegexOptions.CultureInvariant)]
    private static partial Regex TierName();
}

/// <summary>A badge version compiled against the catalog, ready to evaluate.</summary>
internal sealed record CompiledBadge(string Key, int Version, BadgeDefinition Definition, CompiledRule Metric, IReadOnlyList<CompiledRule> Requires)
{
    /// <summary>Every signal the badge reads, each with its widest window (null: all history).</summary>
    public IReadOnlyList<SignalUse> Signals { get; } = [.. Requires.Prepend(Metric)
        .SelectMany(rule => rule.Signals)
        .GroupBy(use => use.Signal)
        .Select(group => new SignalUse(group.Key, group.Any(u => u.Window is null) ? null : group.Max(u => u.Window)))];

    /// <summary>The metric, whether each requirement holds, and the highest tier reached (-1 for none).</summary>
    public BadgeOutcome Evaluate(EmployeeEvents events, DateTimeOffset now)
    {
        var value = Metric.EvaluateMetric(events, now);
        var satisfied = Requires.Select(r => r.EvaluateRequirement(events, now)).ToArray();
        var rank = satisfied.All(s => s) ? TierRankFor(value) : -1;
        return new BadgeOutcome(value, rank, satisfied);
    }

    public int TierRankFor(double value)
    {
        var rank = -1;
        for (var i = 0; i < Definition.Tiers.Count && value >= Definition.Tiers[i].Threshold; i++)
        {
            rank = i;
        }

        return rank;
    }

    public string? TierName(int rank) => rank >= 0 && rank < Definition.Tiers.Count ? Definition.Tiers[rank].Name : null;
}

internal sealed record BadgeOutcome(double Value, int TierRank, IReadOnlyList<bool> RequirementsMet);

/// <summary>Compiles a definition's metric and requirements, reporting every diagnostic with the field it is in.</summary>
internal static class BadgeCompiler
{
    public static (CompiledBadge? Badge, IReadOnlyList<FieldDiagnostic> Diagnostics) TryCompile(string key, int version, BadgeDefinition definition, Rules.SignalCatalog catalog)
    {
        var diagnostics = new List<FieldDiagnostic>();
        var metric = Compile("metric", definition.Metric, RuleKind.Metric, catalog, diagnostics);
        var requires = definition.Requires.Select((source, i) => Compile($"requires[{i}]", source, RuleKind.Requirement, catalog, diagnostics)).ToList();
        var success = metric is not null && requires.All(r => r is not null);
        return (success ? new CompiledBadge(key, version, definition, metric!, requires!) : null, diagnostics);
    }

    /// <summary>Compiles or throws into the one error path as a 400 listing the diagnostics.</summary>
    public static CompiledBadge Compile(string key, int version, BadgeDefinition definition, Rules.SignalCatalog catalog)
    {
        var (badge, diagnostics) = TryCompile(key, version, definition, catalog);
        return badge ?? throw new RuleDiagnosticsException(diagnostics);
    }

    private static CompiledRule? Compile(string field, string source, RuleKind kind, Rules.SignalCatalog catalog, List<FieldDiagnostic> diagnostics)
    {
        var compilation = RuleCompiler.Compile(source, kind, catalog);
        diagnostics.AddRange(compilation.Diagnostics.Select(d => FieldDiagnostic.From(field, d)));
        return compilation.Rule;
    }
}
