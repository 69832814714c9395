namespace Achievements.Api.Features.Gaming.Personas;

/// <summary>
/// Pull requests as people really ship them, shared by the honest teams and by the genuine side of farming runs
/// (a farmer's teammates, a patron's, a circle's colleagues), and the waved-through ones that farms trade.
/// </summary>
internal static class GenuineWork
{
    /// <summary>How often a reviewed pull request has a second reviewer besides the first.</summary>
    public const double SecondReviewer = 0.2;

    /// <summary>The assistant an honest organisation's developers use; any name would do, one keeps runs the same.</summary>
    public const string Assistant = "copilot";

    /// <summary>
    /// The evidence a real organisation has for a pull request its author says AI helped with: the assistant's
    /// co-author trailer on its commits, which the GitHub source reports at the merge. It draws nothing from the run's
    /// random, so that a run with evidence is otherwise the same run as one without.
    /// </summary>
    public static void CoAuthored(Timeline line, string author, DateTimeOffset merged, string prId) =>
        line.AiEvidence(author, merged, prId, Assistant, BuiltInSignals.EvidenceKinds.CoAuthorTrailer);

    /// <summary>
    /// Lines added and deleted of an ordinary pull request: 15 to 400 in all, most of them small (squaring a uniform
    /// share puts the median near 110 lines), up to a third of them deletions.
    /// </summary>
    public static (int Added, int Deleted) OrdinarySize(Random random)
    {
        var total = 15 + (int)(385 * Math.Pow(random.NextDouble(), 2));
        var deleted = (int)(total * random.NextDouble() / 3);
        return (total - deleted, deleted);
    }

    /// <summary>Lines added and deleted of a trivial pull request: <paramref name="smallest"/> to <paramref name="largest"/> in all, a few of them deletions.</summary>
    public static (int Added, int Deleted) TrivialSize(Random random, int smallest, int largest)
    {
        var total = random.Next(smallest, largest + 1);
        var deleted = random.Next(0, Math.Min(total, 6));
        return (total - deleted, deleted);
    }

    /// <summary>One colleague from <paramref name="pool"/>, and now and then a second.</summary>
    public static List<string> Reviewers(Random random, IReadOnlyList<string> pool)
    {
        var first = pool[random.Next(pool.Count)];
        if (pool.Count < 2 || random.NextDouble() >= SecondReviewer)
        {
            return [first];
        }

        var others = pool.Where(p => p != first).ToList();
        return [first, others[random.Next(others.Count)]];
    }

    /// <summary>
    /// A reviewed pull request of <paramref name="author"/>, of ordinary size (at least <paramref name="atLeastAdded"/>
    /// lines added): each reviewer approves it between five minutes and four hours before it merges. About one merge
    /// in thirty turns out wrong and is reverted the next day.
    /// </summary>
    public static string ReviewedMerge(Timeline line, string author, DateTimeOffset merged, IReadOnlyList<string> reviewers, int atLeastAdded = 0, bool? aiAssisted = null, string? prId = null)
    {
        var random = line.Random;
        var (added, deleted) = OrdinarySize(random);
        prId = line.PrMerged(author, merged, reviewers, Math.Max(added, atLeastAdded), deleted, aiAssisted, prId);
        foreach (var reviewer in reviewers)
        {
            line.ReviewApproved(reviewer, merged.AddMinutes(-random.Next(5, 241)), author, prId);
        }

        if (random.NextDouble() < 1.0 / 30)
        {
            line.PrReverted(author, line.Clamp(merged.AddHours(random.Next(12, 36))), prId);
        }

        return prId;
    }

    /// <summary>
    /// On <paramref name="day"/>, <paramref name="author"/> merges a reviewed pull request with the chance that
    /// <paramref name="perWeek"/> of them a week gives, reviewed by colleagues from <paramref name="pool"/>.
    /// </summary>
    public static void Ships(Timeline line, DateTime day, string author, IReadOnlyList<string> pool, double perWeek)
    {
        if (line.Random.NextDouble() < perWeek / 5)
        {
            ReviewedMerge(line, author, line.At(day, 10, 17), Reviewers(line.Random, pool));
        }
    }

    /// <summary>
    /// A pull request waved through: <paramref name="approver"/>, its only reviewer, approves it between
    /// <paramref name="fromMinutes"/> and <paramref name="toMinutes"/> before it merges. What a farm trades.
    /// </summary>
    public static string WavedThrough(Timeline line, string author, DateTimeOffset merged, string approver, (int Added, int Deleted) size, int fromMinutes = 1, int toMinutes = 10)
    {
        var prId = line.PrMerged(author, merged, [approver], size.Added, size.Deleted);
        line.ReviewApproved(approver, merged.AddMinutes(-line.Random.Next(fromMinutes, toMinutes + 1)), author, prId);
        return prId;
    }
}
