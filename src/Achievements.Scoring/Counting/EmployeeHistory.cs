namespace Achievements.Scoring;

/// <summary>One employee's events, read once, with the corrections that apply to them: ready to be counted as of any moment.</summary>
public sealed record EmployeeHistory(string EmployeeId, bool IsBot, IReadOnlyList<ReadEvent> Events, CorrectionIndex Corrections, CountingPolicy Policy, CollusionGroups Collusion)
{
    /// <summary>What counts as of <paramref name="moment"/>: now for evaluation and progress, the grant time for clawback.</summary>
    public CountedEvents CountAsOf(DateTimeOffset moment) => Policy.Classify(Events, IsBot, Corrections, Collusion, moment);
}
