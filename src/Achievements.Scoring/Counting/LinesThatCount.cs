namespace Achievements.Scoring;

/// <summary>
/// The lines of a merge that count wherever lines matter (the room a merge has for accepted suggestions, units of
/// work): what it added and deleted, less what only moved or was reformatted. A moved or reformatted line is both
/// deleted and added, so <c>lines_moved</c> comes off both sides. A source that cannot tell reports no
/// <c>lines_moved</c>, and every line counts (docs/sources.md says what the GitHub source can tell).
/// </summary>
public static class LinesThatCount
{
    /// <summary>The lines a merge added that are new code: its room for accepted suggestions.</summary>
    public static double Added(ReadEvent merge) =>
        Math.Max(0, merge.AttributeNumber(BuiltInSignals.Merge.Added) - merge.AttributeNumber(BuiltInSignals.MergeFacts.Moved));

    /// <summary>The lines a merge changed that are new: its substance as a unit of work.</summary>
    public static double Substance(ReadEvent merge) =>
        Added(merge) + Math.Max(0, merge.AttributeNumber(BuiltInSignals.Merge.Deleted) - merge.AttributeNumber(BuiltInSignals.MergeFacts.Moved));

    /// <summary>
    /// The bound an attribute of a shipping event sets (<see cref="ShippedBy.UpTo"/>): for a merge's <c>lines_added</c>,
    /// the added lines that count; any other attribute as it is.
    /// </summary>
    public static double UpTo(ReadEvent shipping, string upTo) =>
        shipping.Stored.Type == BuiltInSignals.Merge.Signal && upTo == BuiltInSignals.Merge.Added ? Added(shipping) : shipping.AttributeNumber(upTo);
}
