using System.Diagnostics;

namespace Achievements.Benchmarks;

/// <summary>What a closed-loop load run achieved: requests per second and latency percentiles.</summary>
internal sealed record LoadResult(int Requests, TimeSpan Elapsed, double P50Ms, double P99Ms)
{
    public double PerSecond => Requests / Elapsed.TotalSeconds;
}

/// <summary>
/// A closed loop of <c>concurrency</c> clients, each sending its next request as soon as the last answered,
/// until <c>total</c> requests are sent or <c>duration</c> has passed. Every request's latency is kept.
/// </summary>
internal static class LoadDriver
{
    public static async Task<LoadResult> RunAsync(int concurrency, Func<int, Task> send, int total = int.MaxValue, TimeSpan? duration = null)
    {
        var next = -1;
        var deadline = duration is { } d ? Stopwatch.GetTimestamp() + (long)(d.TotalSeconds * Stopwatch.Frequency) : long.MaxValue;
        var latencies = new List<long>[concurrency];
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async worker =>
        {
            var mine = latencies[worker] = new List<long>(1024);
            await Task.Yield();
            while (Stopwatch.GetTimestamp() < deadline && Interlocked.Increment(ref next) is var i && i < total)
            {
                var start = Stopwatch.GetTimestamp();
                await send(i);
                mine.Add(Stopwatch.GetTimestamp() - start);
            }
        }));
        clock.Stop();
        var all = latencies.SelectMany(l => l).Order().ToArray();
        return new LoadResult(all.Length, clock.Elapsed, Percentile(all, 0.50), Percentile(all, 0.99));
    }

    public static double Percentile(long[] sortedTicks, double p) =>
        sortedTicks.Length == 0 ? double.NaN : sortedTicks[Math.Min(sortedTicks.Length - 1, (int)Math.Ceiling(p * sortedTicks.Length) - 1)] * 1000.0 / Stopwatch.Frequency;
}
