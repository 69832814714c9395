namespace Achievements.Scoring;

/// <summary>One employee's events, read once, with the corrections that apply to them: ready to be counted as of any moment.</summary>
/// <param name="EmployeeId">Whose history it is.</param>
/// <param name="IsBot">A bot's events never count.</param>
/// <param name="Events">The employee's events, read, in time order.</param>
/// <param name="Corrections">The corrections of those events.</param>
/// <param name="Shipping">The events that may ship those outcomes (others' pull requests too), with their corrections.</param>
/// <param name="Policy">The counting policy they were read with.</param>
/// <param name="Collusion">Confirmed review rings.</param>
/// <param name="Voices">Who vouches with an independent voice: people in the directory, less flagged patrons, with flagged circles as one voice.</param>
public sealed record EmployeeHistory(string EmployeeId, bool IsBot, IReadOnlyList<ReadEvent> Events, CorrectionIndex Corrections, ShippingIndex Shipping, CountingPolicy Policy, CollusionGroups Collusion, IndependentVoices Voices)
{
    /// <summary>What counts as of <paramref name="moment"/>: now for evaluation and progress, the grant time for clawback.</summary>
    public CountedEvents CountAsOf(DateTimeOffset moment) => Policy.Classify(Events, IsBot, Corrections, Collusion, Shipping, Voices, moment);

    /// <summary>The same history without the events that happened at or before <paramref name="moment"/>; corrections of the rest still apply.</summary>
    public EmployeeHistory After(DateTimeOffset moment) => this with { Events = [.. Events.Where(e => e.Stored.OccurredAt > moment)] };
}
