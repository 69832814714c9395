using Achievements.Rules;
using BenchmarkDotNet.Attributes;

namespace Achievements.Benchmarks;

/// <summary>Evaluating ten compiled rules for one employee with 10,000 events over two years.</summary>
[MemoryDiagnoser]
public class EvaluateBenchmarks
{
    private static readonly DateTimeOffset Now = new(2025, 1, 15, 12, 0, 0, TimeSpan.Zero);

    private CompiledRule[] _rules = [];
    private EmployeeEvents _events = EmployeeEvents.Empty;

    // Reused, as a host would per employee, and sized for every event twice (two aggregations may
    // list one event), so the figure is the evaluator's cost and never the list's growth.
    private readonly List<RuleEvent> _evidence = new(capacity: 20_000);

    [GlobalSetup]
    public void Setup()
    {
        _rules = [.. BenchmarkCatalog.Rules.Select(r => RuleCompiler.Compile(r.Source, r.Kind, BenchmarkCatalog.Catalog).Rule!)];
        var random = new Random(42);
        var signals = BenchmarkCatalog.Catalog.Signals;
        _events = EmployeeEvents.From(Enumerable.Range(0, 10_000).Select(_ =>
        {
            var signal = signals[random.Next(signals.Count)];
            var values = signal.Attributes.Select(a => a.Type switch
            {
                AttributeType.Int or AttributeType.Number => AttributeValue.Number(random.Next(0, 500)),
                AttributeType.String => AttributeValue.Text($"v{random.Next(0, 20)}"),
                AttributeType.Bool => AttributeValue.Bool(random.Next(2) == 0),
                _ => AttributeValue.List($"r{random.Next(0, 5)}", $"r{random.Next(0, 5)}"),
            }).ToArray();
            return new RuleEvent(signal.Type, Now.AddMinutes(-random.Next(0, 730 * 24 * 60)), "ana", values);
        }));
    }

    [Benchmark]
    public double EvaluateTenRules()
    {
        var total = 0.0;
        foreach (var rule in _rules)
        {
            total += rule.Kind == RuleKind.Metric ? rule.EvaluateMetric(_events, Now) : rule.EvaluateRequirement(_events, Now) ? 1 : 0;
        }

        return total;
    }

    /// <summary>The same rules, each also listing its evidence: what the reason for an award costs on top.</summary>
    [Benchmark]
    public double EvaluateTenRulesWithEvidence()
    {
        var total = 0.0;
        foreach (var rule in _rules)
        {
            _evidence.Clear();
            total += rule.Kind == RuleKind.Metric ? rule.EvaluateMetric(_events, Now, _evidence) : rule.EvaluateRequirement(_events, Now, _evidence) ? 1 : 0;
        }

        return total;
    }
}
