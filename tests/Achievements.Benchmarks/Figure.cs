using System.Globalization;

namespace Achievements.Benchmarks;

/// <summary>
/// One line of the report: ours against a baseline measured in the same run, the ratio ours / baseline, and
/// the target when the issue sets one. <c>Met</c> is null where there is no target.
/// </summary>
internal sealed record Figure(string Area, string What, double Ours, double Baseline, string Unit, string Target = "", bool? Met = null)
{
    public double Ratio => Ours / Baseline;

    public string Row() =>
        $"| {Area} | {What} | {Format(Ours)} | {Format(Baseline)} | {Unit} | {Format(Ratio)} | {Target} | {Met switch { true => "met", false => "**missed**", null => "" }} |";

    public static string Format(double value) => value switch
    {
        double.NaN => "n/a",
        >= 100 => value.ToString("N0", CultureInfo.InvariantCulture),
        >= 1 => value.ToString("0.##", CultureInfo.InvariantCulture),
        _ => value.ToString("0.####", CultureInfo.InvariantCulture),
    };
}
