namespace Achievements.Scoring.Tests;

/// <summary>The cost view's weeks start on Monday, UTC, whatever the offset an event was reported in.</summary>
public sealed class SpendWeeksTests
{
    [Theory]
    [InlineData("2026-06-01T00:00:00Z", "2026-06-01")]
    [InlineData("2026-06-07T23:59:59Z", "2026-06-01")]
    [InlineData("2026-06-08T00:00:00Z", "2026-06-08")]
    [InlineData("2026-06-08T01:00:00+02:00", "2026-06-01")]
    [InlineData("2026-01-01T12:00:00Z", "2025-12-29")]
    public void A_week_is_the_Monday_UTC_that_starts_it(string at, string week) =>
        Assert.Equal(DateOnly.Parse(week, System.Globalization.CultureInfo.InvariantCulture), SpendWeeks.WeekOf(DateTimeOffset.Parse(at, System.Globalization.CultureInfo.InvariantCulture)));
}
