namespace Achievements.Rules;

/// <summary>
/// The stretch of time an aggregation reads: the events in <c>(now - span, now]</c>, or every event up to and
/// including now when the span is null (all history). The one place that says which end is open: the rule evaluator,
/// a signal's tally and a volume signal's "measured" test all ask it, so they never disagree about an event on the
/// boundary.
/// </summary>
/// <example>
/// <code>
/// var month = new Window(TimeSpan.FromDays(30));
/// month.Contains(now.AddDays(-30), now);   // false: the far end is open
/// month.Contains(now, now);                // true
/// </code>
/// </example>
/// <param name="Span">The window's length; null for all history.</param>
public readonly record struct Window(TimeSpan? Span)
{
    /// <summary>Whether an event at <paramref name="at"/> is in the window that ends at <paramref name="now"/>.</summary>
    public bool Contains(DateTimeOffset at, DateTimeOffset now) =>
        at.UtcTicks <= now.UtcTicks && (Span is not { } span || at.UtcTicks > now.UtcTicks - span.Ticks);

    /// <summary>The events in the window, of <paramref name="events"/> sorted by time: two binary searches, no allocation.</summary>
    internal ReadOnlySpan<RuleEvent> Of(ReadOnlySpan<RuleEvent> events, long nowTicks)
    {
        var end = FirstAfter(events, nowTicks);
        var start = Span is { } span ? FirstAfter(events, nowTicks - span.Ticks) : 0;
        return start < end ? events[start..end] : [];
    }

    /// <summary>The index of the first event strictly after <paramref name="ticks"/>.</summary>
    private static int FirstAfter(ReadOnlySpan<RuleEvent> events, long ticks)
    {
        int low = 0, high = events.Length;
        while (low < high)
        {
            var middle = low + ((high - low) / 2);
            if (events[middle].UtcTicks <= ticks)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }

        return low;
    }
}
