using Achievements.Rules;
using BenchmarkDotNet.Attributes;
using RulesEngine.Models;
using MicrosoftRulesEngine = RulesEngine.RulesEngine;

namespace Achievements.Benchmarks;

/// <summary>
/// The same three rules in both engines, each written as its users would: a filtered count over 90 days,
/// a ratio of two counts, a sum of an attribute. Ours are compiled once; RulesEngine's workflow is compiled
/// by its first execution and cached by the engine instance, so evaluation here is the warm path of both.
/// </summary>
internal static class ComparedRules
{
    public static readonly string[] Ours =
    [
        "count(pr.merged where lines_added + lines_deleted >= 5, 90d) >= 10",
        "count(suggestion.accepted, 90d) / count(suggestion.shown, 90d) >= 0.25",
        "sum(suggestion.accepted.lines, 90d) >= 500",
    ];

    // The window (cutoff, now] is the one ours uses; cutoff is passed in rather than computed per event, to be fair to it.
    private const string InWindow = "e.OccurredAt > cutoff && e.OccurredAt <= now";

    public static readonly Workflow Theirs = new()
    {
        WorkflowName = "badges",
        Rules =
        [
            Lambda("filtered-count", $"events.Count(e => e.Type == \"pr.merged\" && {InWindow} && e.LinesAdded + e.LinesDeleted >= 5) >= 10"),
            Lambda("ratio", $"events.Count(e => e.Type == \"suggestion.accepted\" && {InWindow}) * 1.0 / events.Count(e => e.Type == \"suggestion.shown\" && {InWindow}) >= 0.25"),
            Lambda("sum", $"events.Where(e => e.Type == \"suggestion.accepted\" && {InWindow}).Sum(e => e.Lines) >= 500"),
        ],
    };

    public static readonly ReSettings Settings = new() { CustomTypes = [typeof(ToolEvent)] };

    public static CompiledRule[] CompileOurs() =>
        [.. Ours.Select(source => RuleCompiler.Compile(source, RuleKind.Requirement, BenchmarkCatalog.Catalog).Rule
            ?? throw new InvalidOperationException($"'{source}' does not compile."))];

    public static RuleParameter[] Inputs(IReadOnlyList<ToolEvent> events, DateTimeOffset now) =>
        [new("events", events), new("now", now.UtcDateTime), new("cutoff", now.UtcDateTime.AddDays(-90))];

    private static Rule Lambda(string name, string expression) => new()
    {
        RuleName = name,
        RuleExpressionType = RuleExpressionType.LambdaExpression,
        Expression = expression,
    };
}

/// <summary>An event as RulesEngine reads it: a plain class with typed properties.</summary>
public sealed class ToolEvent
{
    public required string Type { get; init; }
    public DateTime OccurredAt { get; init; }
    public int LinesAdded { get; init; }
    public int LinesDeleted { get; init; }
    public int Lines { get; init; }
}

/// <summary>One employee's events, the same data in each engine's form.</summary>
internal sealed class ComparedEvents
{
    public static readonly DateTimeOffset Now = new(2025, 1, 15, 12, 0, 0, TimeSpan.Zero);

    public required EmployeeEvents Ours { get; init; }
    public required List<ToolEvent> Theirs { get; init; }

    /// <summary>Spread over two years, so the 90-day windows hold about an eighth of them.</summary>
    public static ComparedEvents Generate(int count)
    {
        var random = new Random(count);
        var ours = new List<RuleEvent>(count);
        var theirs = new List<ToolEvent>(count);
        string[] types = ["pr.merged", "suggestion.shown", "suggestion.shown", "suggestion.accepted", "tokens.consumed", "review.approved"];
        for (var i = 0; i < count; i++)
        {
            var type = types[random.Next(types.Length)];
            var at = Now.AddMinutes(-random.Next(0, 730 * 24 * 60));
            int added = random.Next(0, 200), deleted = random.Next(0, 50), lines = random.Next(1, 30);
            AttributeValue[] values = type switch
            {
                "pr.merged" =>
                [
                    AttributeValue.Text($"pr-{i}"), AttributeValue.Text("web"), AttributeValue.Number(added), AttributeValue.Number(deleted),
                    AttributeValue.Text("grace"), AttributeValue.List("grace"), AttributeValue.Bool(random.Next(2) == 0),
                ],
                "suggestion.shown" or "suggestion.accepted" => [AttributeValue.Text($"s-{i}"), AttributeValue.Number(lines), AttributeValue.Text("go")],
                "tokens.consumed" => [AttributeValue.Number(random.Next(100, 5000)), AttributeValue.Text("large")],
                _ => [AttributeValue.Text($"pr-{i}"), AttributeValue.Text("linus")],
            };
            ours.Add(new RuleEvent(type, at, "ana", values));
            theirs.Add(new ToolEvent
            {
                Type = type,
                OccurredAt = at.UtcDateTime,
                LinesAdded = type == "pr.merged" ? added : 0,
                LinesDeleted = type == "pr.merged" ? deleted : 0,
                Lines = type.StartsWith("suggestion.", StringComparison.Ordinal) ? lines : 0,
            });
        }

        return new ComparedEvents { Ours = EmployeeEvents.From(ours), Theirs = theirs };
    }
}

/// <summary>Evaluating the three rules for one employee; the growth in events per employee shows the cost's shape.</summary>
[MemoryDiagnoser]
public class RuleEvaluationComparison
{
    private CompiledRule[] _ours = [];
    private MicrosoftRulesEngine _theirs = null!;
    private RuleParameter[] _inputs = [];
    private ComparedEvents _events = null!;

    [Params(1_000, 10_000, 100_000)]
    public int Events { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _events = ComparedEvents.Generate(Events);
        _ours = ComparedRules.CompileOurs();
        _theirs = new MicrosoftRulesEngine([ComparedRules.Theirs], ComparedRules.Settings);
        _inputs = ComparedRules.Inputs(_events.Theirs, ComparedEvents.Now);
        var ours = Ours();
        var theirs = RulesEngineEvaluate().GetAwaiter().GetResult();
        if (ours != theirs)
        {
            throw new InvalidOperationException($"The engines disagree: ours passes {ours} rules, RulesEngine {theirs}.");
        }
    }

    [Benchmark(Baseline = true, Description = "RulesEngine")]
    public async Task<int> RulesEngineEvaluate()
    {
        var results = await _theirs.ExecuteAllRulesAsync("badges", _inputs);
        var passed = 0;
        foreach (var result in results)
        {
            passed += result.IsSuccess ? 1 : 0;
            if (result.ExceptionMessage is { Length: > 0 } error)
            {
                throw new InvalidOperationException(error);
            }
        }

        return passed;
    }

    [Benchmark(Description = "Achievements.Rules")]
    public int Ours()
    {
        var passed = 0;
        foreach (var rule in _ours)
        {
            passed += rule.EvaluateRequirement(_events.Ours, ComparedEvents.Now) ? 1 : 0;
        }

        return passed;
    }
}

/// <summary>Compiling the three rules. RulesEngine compiles a workflow on its first execution, so that is what is timed (over one event).</summary>
[MemoryDiagnoser]
public class RuleCompileComparison
{
    private readonly RuleParameter[] _oneEvent = ComparedRules.Inputs([new ToolEvent { Type = "pr.merged", OccurredAt = ComparedEvents.Now.UtcDateTime }], ComparedEvents.Now);

    [Benchmark(Baseline = true, Description = "RulesEngine")]
    public async Task<int> RulesEngineCompile()
    {
        var engine = new MicrosoftRulesEngine([ComparedRules.Theirs], ComparedRules.Settings);
        return (await engine.ExecuteAllRulesAsync("badges", _oneEvent)).Count;
    }

    [Benchmark(Description = "Achievements.Rules")]
    public int Ours() => ComparedRules.CompileOurs().Length;
}
