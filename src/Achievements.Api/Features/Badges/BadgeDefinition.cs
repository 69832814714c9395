using System.Globalization;
using System.Text.RegularExpressions;
using Achievements.Api.Infrastructure.Errors;
using FluentValidation;

namespace Achievements.Api.Features.Badges;

/// <summary>The fields of a badge definition as a request carries them; create, update and preview share them.</summary>
internal interface IBadgeDefinition
{
    string? Name { get; }
    string? Description { get; }
    string? Icon { get; }
    string? Metric { get; }
    List<string>? Requires { get; }
    List<TierDefinition>? Tiers { get; }
    string? ExpiresAfter { get; }
}

internal sealed partial class BadgeDefinitionValidator : AbstractValidator<IBadgeDefinition>
{
    public const int MaxTiers = 5;
    public const int MaxRequirements = 10;
    public const string RequirementRule = "A requirement cannot be empty.";

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
        RuleForEach(x => x.Requires).NotEmpty().WithMessage(RequirementRule);
        RuleFor(x => x.Tiers).NotNull().WithMessage("tiers lists 1 to 5 tiers, such as [{ \"name\": \"bronze\", \"threshold\": 10 }].")
            .Must(t => t!.Count is >= 1 and <= MaxTiers).WithMessage("A badge has 1 to 5 tiers.")
            .Must(t => t!.Select(tier => tier?.Name).Distinct().Count() == t!.Count).WithMessage("Tier names must be unique.")
            .Must(StrictlyIncreasing).WithMessage("Tier thresholds must be strictly increasing, lowest tier first.");
        RuleFor(x => x.ExpiresAfter).Must(AwardExpiry.IsValid).When(x => x.ExpiresAfter is not null).WithMessage(AwardExpiry.Rule);
        RuleForEach(x => x.Tiers).NotNull().WithMessage("A tier is an object such as { \"name\": \"bronze\", \"threshold\": 10 }, not null.");
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

/// <summary>A request's definition, compiled or refused through the one error path.</summary>
internal static class BadgeRules
{
    public static BadgeDefinition ToDefinition(this IBadgeDefinition request) => new(
        request.Name!,
        request.Description ?? "",
        request.Icon!,
        request.Metric!,
        request.Requires ?? [],
        request.Tiers!,
        request.ExpiresAfter);

    /// <summary>Compiles or throws into the one error path as a 400 listing the diagnostics.</summary>
    public static CompiledBadge Compile(string key, int version, BadgeDefinition definition, Rules.SignalCatalog catalog)
    {
        var (badge, diagnostics) = BadgeCompiler.TryCompile(key, version, definition, catalog);
        return badge ?? throw new RuleDiagnosticsException(diagnostics);
    }
}
