namespace Achievements.Scoring;

/// <summary>
/// A detector's finding, before it is stored as a flag. Its evidence explains it: the pattern in words, the baseline
/// it was compared with (the organisation's own figures and the thresholds), the numbers on both sides, and the events
/// behind it.
/// </summary>
public sealed record Finding(string Detector, IReadOnlyList<string> Employees, double Score, DateTimeOffset WindowStart, DateTimeOffset WindowEnd, object Evidence, string Key)
{
    public const string ReviewRing = "review-ring";
    public const string Burst = "burst";
    public const string TokenBurn = "token-burn";
    public const string ClosedCircle = "closed-circle";
    public const string Patronage = "patronage";
    public const string MassProduction = "mass-production";

    /// <summary>The detectors whose findings hold awards while open. Token burn only informs.</summary>
    public static IReadOnlyList<string> Holding { get; } = [ReviewRing, ClosedCircle, Patronage, MassProduction, Burst];

    /// <summary>The detectors whose confirmed findings are collusion: approvals between their members stop counting.</summary>
    public static IReadOnlyList<string> Colluding { get; } = [ReviewRing, ClosedCircle, Patronage];

    /// <summary>The detectors whose open and confirmed findings change who vouches for whom (<see cref="IndependentVoices"/>).</summary>
    public static IReadOnlyList<string> ChangingVoices { get; } = [ClosedCircle, Patronage];

    public bool Holds => Holding.Contains(Detector);
}
