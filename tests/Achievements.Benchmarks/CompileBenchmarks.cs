using Achievements.Rules;
using BenchmarkDotNet.Attributes;

namespace Achievements.Benchmarks;

/// <summary>Compiling one rule: parse, bind, check, build closures.</summary>
[MemoryDiagnoser]
public class CompileBenchmarks
{
    [Params(0, 2, 5, 9)]
    public int Rule { get; set; }

    [Benchmark]
    public Compilation Compile() =>
        RuleCompiler.Compile(BenchmarkCatalog.Rules[Rule].Source, BenchmarkCatalog.Rules[Rule].Kind, BenchmarkCatalog.Catalog);
}
