using System.Globalization;
using System.Text.RegularExpressions;

namespace Achievements.Scoring;

/// <summary>Durations in policy fields use the rule language's literals: <c>30m</c>, <c>24h</c>, <c>7d</c>, <c>12w</c>.</summary>
public static partial class PolicyDuration
{
    public const string Rule = "A duration is a whole number followed by m, h, d or w (such as 24h or 7d), at most 365d.";

    private static readonly TimeSpan Longest = TimeSpan.FromDays(365);

    public static bool TryParse(string? text, out TimeSpan duration) => TryParse(text, Longest, out duration);

    /// <summary>A duration of the same form up to <paramref name="longest"/>.</summary>
    public static bool TryParse(string? text, TimeSpan longest, out TimeSpan duration)
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
        return duration > TimeSpan.Zero && duration <= longest;
    }

    public static bool IsValid(string? text) => TryParse(text, out _);

    [GeneratedRegex("^([0-9]{1,6})([mhdw])$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}

/// <summary>How long a badge version's awards last: a duration of the rule language's form, from a day to ten years.</summary>
public static class AwardExpiry
{
    public const string Rule = "expiresAfter is a duration such as 365d or 52w, from 1d to 3650d; leave it out for awards that last.";

    private static readonly TimeSpan Shortest = TimeSpan.FromDays(1);
    private static readonly TimeSpan Longest = TimeSpan.FromDays(3650);

    public static bool TryParse(string? text, out TimeSpan duration) =>
        PolicyDuration.TryParse(text, Longest, out duration) && duration >= Shortest;

    public static bool IsValid(string? text) => TryParse(text, out _);
}
