namespace Achievements.Scoring;

/// <summary>
/// Thresholds of the gaming detectors (<c>Achievements:Detection:...</c>). Never shown to employees. Why each has its
/// value, and what it costs an honest team, is in docs/anti-gaming.md ("How independence is judged").
/// </summary>
public sealed class DetectionOptions
{
    /// <summary>How far back the review graph (rings, circles, patronage, mass production) looks.</summary>
    public int RingWindowDays { get; set; } = 90;

    /// <summary>Approvals each way before a pair on different teams can be a ring.</summary>
    public int RingMinimumApprovals { get; set; } = 5;

    /// <summary>Share of each one's approvals that go to the other, for a pair on different teams.</summary>
    public double RingPairShare { get; set; } = 0.6;

    /// <summary>
    /// Share of a closed circle's received approvals, all its members' together (in the ring window), that come from
    /// other members on another team. Approvals from one's own teammates count among what a member received, never as
    /// inside.
    /// </summary>
    public double CircleShare { get; set; } = 0.8;

    /// <summary>
    /// Share of each member's own received approvals that must come from other members on another team: lower than
    /// <see cref="CircleShare"/>, so that one member whose real work an outsider reviews now and then does not unravel
    /// the rest of the circle.
    /// </summary>
    public double CircleMemberShare { get; set; } = 0.6;

    /// <summary>Approvals received from, or given to, other members in the ring window before someone can be a member of a closed circle.</summary>
    public int CircleMinimumApprovals { get; set; } = 5;

    /// <summary>
    /// When too few people beside a closed set are reviewed to give a norm, the largest share of everyone approved in
    /// the window that a circle may hold: a closed set holding more is the organisation's own way of working (everyone
    /// reviewed across team lines), not a circle inside it.
    /// </summary>
    public double CircleLargestShare { get; set; } = 0.5;

    /// <summary>
    /// Share of a reviewer's approvals going to one author on another team that makes them that author's patron, and
    /// share of the author's received approvals that their patrons together must give.
    /// </summary>
    public double PatronShare { get; set; } = 0.5;

    /// <summary>Approvals of one author in the ring window before a reviewer can be their patron.</summary>
    public int PatronMinimumApprovals { get; set; } = 5;

    /// <summary>
    /// The margin, as a robust z-score against the organisation's own people (modified z of Iglewicz and Hoaglin), by
    /// which someone's merge rate and at least one measure of substance (size, share of trivial work, time from
    /// approval to merge) must stand out for their work to be held as mass-produced.
    /// </summary>
    public double MassZ { get; set; } = 3.5;

    /// <summary>Merges in the ring window before someone's output can be judged mass-produced.</summary>
    public int MassMinimumMerges { get; set; } = 20;

    /// <summary>People with merges in the window before the organisation is a baseline at all.</summary>
    public int MassMinimumPeople { get; set; } = 8;

    /// <summary>A pull request of fewer lines (added and deleted) than this is trivial work.</summary>
    public int TrivialLines { get; set; } = 20;

    public int BurstEvents { get; set; } = 20;

    public int BurstWindowMinutes { get; set; } = 10;

    /// <summary>How far back bursts are looked for.</summary>
    public int BurstLookbackDays { get; set; } = 30;

    public int TokenBurnWindowDays { get; set; } = 30;

    public double TokenBurnZ { get; set; } = 3.5;

    public long TokenBurnMinimumTokens { get; set; } = 1_000_000;
}
