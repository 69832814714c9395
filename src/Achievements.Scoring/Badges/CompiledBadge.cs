using System.Text.Json;
using Achievements.Rules;

namespace Achievements.Scoring;

/// <summary>A tier: its name and the metric value that reaches it.</summary>
public sealed record TierDefinition(string? Name, double Threshold);

/// <summary>One version of a badge: what it is called, the rule that earns it, and how long its awards last.</summary>
/// <param name="Name">What the directory calls it.</param>
/// <param name="Description">What it is for, in a sentence.</param>
/// <param name="Icon">One emoji or up to two characters.</param>
/// <param name="Metric">The rule whose value the tiers are thresholds on.</param>
/// <param name="Requires">Rules that must all hold for any tier.</param>
/// <param name="Tiers">The tiers, lowest first.</param>
/// <param name="ExpiresAfter">How long an award lasts from the moment its tier was reached, as a duration such as <c>365d</c>; null: for good.</param>
public sealed record BadgeDefinition(string Name, string Description, string Icon, string Metric, IReadOnlyList<string> Requires, IReadOnlyList<TierDefinition> Tiers, string? ExpiresAfter = null)
{
    private static readonly JsonSerializerOptions ListJson = new(JsonSerializerDefaults.Web);

    /// <summary>A definition whose requirements and tiers are JSON arrays, as a badge version is stored.</summary>
    public static BadgeDefinition FromJsonLists(string name, string description, string icon, string metric, string requires, string tiers, string? expiresAfter = null) => new(
        name,
        description,
        icon,
        metric,
        JsonSerializer.Deserialize<List<string>>(requires, ListJson) ?? [],
        JsonSerializer.Deserialize<List<TierDefinition>>(tiers, ListJson) ?? [],
        expiresAfter);
}

/// <summary>A badge version compiled against the catalog, ready to evaluate.</summary>
public sealed record CompiledBadge(string Key, int Version, BadgeDefinition Definition, CompiledRule Metric, IReadOnlyList<CompiledRule> Requires)
{
    /// <summary>Every signal the badge reads, each with its widest window (null: all history).</summary>
    public IReadOnlyList<SignalUse> Signals { get; } = [.. Requires.Prepend(Metric)
        .SelectMany(rule => rule.Signals)
        .GroupBy(use => use.Signal)
        .Select(group => new SignalUse(group.Key, group.Any(u => u.Window is null) ? null : group.Max(u => u.Window)))];

    /// <summary>How long an award of this version lasts from the moment its tier was reached; null: for good.</summary>
    public TimeSpan? ExpiresAfter { get; } = AwardExpiry.TryParse(Definition.ExpiresAfter, out var duration) ? duration : null;

    /// <summary>The metric, whether each requirement holds, and the highest tier reached (-1 for none).</summary>
    /// <param name="events">The counted events.</param>
    /// <param name="now">The end of every window.</param>
    /// <param name="evidence">When given, receives the events that made the metric (see the rule language's evidence).</param>
    public BadgeOutcome Evaluate(EmployeeEvents events, DateTimeOffset now, ICollection<RuleEvent>? evidence = null)
    {
        var value = evidence is null ? Metric.EvaluateMetric(events, now) : Metric.EvaluateMetric(events, now, evidence);
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

public sealed record BadgeOutcome(double Value, int TierRank, IReadOnlyList<bool> RequirementsMet);

/// <summary>Compiles a definition's metric and requirements, reporting every diagnostic with the field it is in.</summary>
public static class BadgeCompiler
{
    public static (CompiledBadge? Badge, IReadOnlyList<FieldDiagnostic> Diagnostics) TryCompile(string key, int version, BadgeDefinition definition, Rules.SignalCatalog catalog)
    {
        var diagnostics = new List<FieldDiagnostic>();
        var metric = Compile("metric", definition.Metric, RuleKind.Metric, catalog, diagnostics);
        var requires = definition.Requires.Select((source, i) => Compile($"requires[{i}]", source, RuleKind.Requirement, catalog, diagnostics)).ToList();
        var success = metric is not null && requires.All(r => r is not null);
        return (success ? new CompiledBadge(key, version, definition, metric!, requires!) : null, diagnostics);
    }

    private static CompiledRule? Compile(string field, string source, RuleKind kind, Rules.SignalCatalog catalog, List<FieldDiagnostic> diagnostics)
    {
        var compilation = RuleCompiler.Compile(source, kind, catalog);
        diagnostics.AddRange(compilation.Diagnostics.Select(d => FieldDiagnostic.From(field, d)));
        return compilation.Rule;
    }
}

/// <summary>A diagnostic of the rule compiler, with the request field whose source it points into.</summary>
public sealed record FieldDiagnostic(string Field, string Code, string Severity, string Message, int Line, int Column, int Start, int Length)
{
    public static FieldDiagnostic From(string field, Diagnostic diagnostic) => new(
        field,
        diagnostic.Code,
        diagnostic.Severity == DiagnosticSeverity.Error ? "error" : "warning",
        diagnostic.Message,
        diagnostic.Line,
        diagnostic.Column,
        diagnostic.Start,
        diagnostic.Length);
}
