using System.Globalization;
using System.Text.RegularExpressions;

namespace Achievements.Scoring;

/// <summary>Durations in policy fields use the rule language's literals: <c>30m</c>, <c>24h</c>, <c>7d</c>, <c>12w</c>.</summary>
public static partial class PolicyDuration
{
    public const string Rule = "A duration is a whole number followed by m, h, d or w (such as 24h or 7d), at most 365d.";

    private static readonly TimeSpan Longest = TimeSpan.FromDays(365);

    public static bool TryParse(string? text, out TimeSpan duration)
    {
        duration = default;
        var match = text is null ? Match.Empty : Pattern().Match(text);
        if (!match.Success || !int.TryParse(match.Groups[1].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out var amount))
        {
            return false;
        }

        duration = match.Groups[2].Value switch
        {
            "m" => TimeSpan.FromMinutes(amount),
            "h" => TimeSpan.FromHours(amount),
            "d" => TimeSpan.FromDays(amount),
            _ => TimeSpan.FromDays(7.0 * amount),
        };
        return duration > TimeSpan.Zero && duration <= Longest;
    }

    public static bool IsValid(string? text) => TryParse(text, out _);

    [GeneratedRegex("^([0-9]{1,6})([mhdw])$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
