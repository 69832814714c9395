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
}
