using BenchmarkDotNet.Running;

namespace Achievements.Benchmarks;

/// <summary>
/// <c>--quick</c> or <c>--full</c> runs the issue-8 report (docs/performance.md); anything else goes to
/// BenchmarkDotNet's switcher, e.g. <c>--filter '*Evaluate*' --job short</c>.
/// </summary>
internal static class BenchmarkProgram
{
    public static async Task<int> Main(string[] args)
    {
        if (args is ["--quick", ..] or ["--full", ..])
        {
            return await PerformanceReport.RunAsync(args[0] == "--full" ? Scale.Full : Scale.Quick, args[1..]);
        }

        BenchmarkSwitcher.FromAssembly(typeof(BenchmarkProgram).Assembly).Run(args);
        return 0;
    }
}
