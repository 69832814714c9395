namespace Achievements.Scoring;

/// <summary>One attribute of a signal's schema. Numbers are finite and non-negative unless <see cref="Signed"/>.</summary>
public sealed record AttributeDefinition(string Name, string Type, bool Optional = false, bool Signed = false)
{
    public static readonly IReadOnlyList<string> Types = ["int", "number", "string", "bool", "string[]"];

    public bool IsNumeric => Type is "int" or "number";
}

/// <summary>Which correction undoes an outcome, matched on one attribute (<c>pr.reverted</c> on <c>pr_id</c>).</summary>
public sealed record CorrectedBy(string Signal, string On);

/// <summary>
/// An outcome that counts only once other work shipped it: an approval once the pull request it approved merged, an
/// accepted suggestion once a pull request of its author's that carries it merged. The shipping event must be of
/// <paramref name="Signal"/>, the first report of it from a source trusted for it (any source), carry the same
/// <paramref name="On"/> value, occur at or after the outcome, and count itself (its qualify conditions, settled, not corrected).
/// </summary>
/// <param name="Signal">The shipping signal, such as <c>pr.merged</c>.</param>
/// <param name="On">The string attribute both carry, such as <c>pr_id</c>.</param>
/// <param name="Actor">Whose the shipping event must be: <c>same</c> (the outcome's actor), or the name of one of the outcome's string attributes (an approval's <c>author</c>).</param>
/// <param name="Within">How long the outcome waits for its shipping event (pending meanwhile); after that it is excluded as <c>not-merged</c>.</param>
/// <param name="Lines">An attribute of the outcome to sum, such as an accepted suggestion's <c>lines</c>; null for none.</param>
/// <param name="UpTo">The attribute of the shipping event that bounds that sum, such as <c>lines_added</c>: outcomes past it are <c>exceeds-merged-lines</c>.</param>
public sealed record ShippedBy(string Signal, string On, string Actor, string Within, string? Lines = null, string? UpTo = null)
{
    public const string SameActor = "same";

    public TimeSpan WithinWindow => PolicyDuration.TryParse(Within, out var window) ? window : TimeSpan.Zero;
}

/// <summary>
/// Who vouches for an outcome, and how far one of them carries it. One relationship is one voice: within
/// <paramref name="Window"/> a voice vouches for at most <paramref name="PerVoice"/> counted outcomes (the rest are
/// <c>one-voice</c>), and a tier above a badge's lowest needs its evidence vouched for by at least
/// <paramref name="Breadth"/> distinct voices.
/// </summary>
/// <param name="From">The attribute naming the vouchers (a string or a list, such as <c>reviewers</c> or <c>author</c>), or <c>shippedBy</c>: the vouchers of the event that shipped it.</param>
/// <param name="PerVoice">How many counted outcomes one voice can vouch for within the window.</param>
/// <param name="Window">The rolling window of that bound.</param>
/// <param name="Breadth">Distinct voices a tier above the lowest needs.</param>
public sealed record Voices(string From, int PerVoice, string Window, int Breadth)
{
    public const string FromShippedBy = "shippedBy";

    public TimeSpan WindowSpan => PolicyDuration.TryParse(Window, out var window) ? window : TimeSpan.Zero;
}

/// <summary>
/// Units of work: how the outcomes of one author (or, with <paramref name="By"/>, of one author towards one other
/// person) that follow each other closely are one piece of work however they are sliced. Outcomes less than
/// <paramref name="Gap"/> apart form a run, whatever each one's verdict; within a run each counted outcome stands for <paramref name="Lines"/> lines
/// of substance (<see cref="LinesThatCount"/>), and an outcome whose run's lines so far are already stood for by the
/// outcomes counted before it is <c>sliced</c>. Lines beyond a unit carry forward within the run, so a large pull
/// request followed by a small fix counts twice; 120 lines shipped as seventeen pull requests a week count about as
/// often as the same lines shipped as one.
/// </summary>
/// <param name="Lines">The lines of substance one counted outcome stands for.</param>
/// <param name="Gap">How far apart two outcomes may be and still be one run; 72h spans a weekend.</param>
/// <param name="By">An attribute naming whose work a run is about (an approval's <c>author</c>); null: one run per author.</param>
public sealed record Units(int Lines, string Gap, string? By = null)
{
    [System.Text.Json.Serialization.JsonIgnore]
    public TimeSpan GapSpan => PolicyDuration.TryParse(Gap, out var gap) ? gap : TimeSpan.Zero;
}

/// <summary>
/// Attribution by evidence. <paramref name="Attribute"/> (a bool, such as <c>ai_assisted</c>) is what the policy found,
/// never what the source said: it is true only when evidence links AI use to the outcome (a counted accepted
/// suggestion that shipped in it, or an <c>ai.evidence</c> event from a trusted source naming its key or its merge
/// commit). What the source posted under that name is kept as <paramref name="Claim"/> (<c>ai_claimed</c>): readable,
/// earning nothing.
/// </summary>
public sealed record Attribution(string Attribute, string Claim);

/// <summary>A named per-event condition in the rule language's <c>where</c> scope; all must hold for an event to count.</summary>
public sealed record QualifyCondition(string Name, string Condition);

/// <summary>A signal: its kind, its attribute schema, and the policy that decides which of its events count.</summary>
public sealed record SignalDefinition(
    string Type,
    string Kind,
    string Description,
    IReadOnlyList<AttributeDefinition> Attributes,
    string? Settlement,
    CorrectedBy? CorrectedBy,
    int? DailyCap,
    IReadOnlyList<QualifyCondition> Qualify,
    bool BuiltIn)
{
    public const string Outcome = "outcome";
    public const string Volume = "volume";
    public const string Correction = "correction";

    /// <summary>What a tool or a source says about work (that AI took part in it): read by the policy as evidence, never earning.</summary>
    public const string Evidence = "evidence";

    public static readonly IReadOnlyList<string> Kinds = [Outcome, Volume, Correction, Evidence];

    /// <summary>The outcome counts only once another event shipped it; null: it counts on its own.</summary>
    public ShippedBy? ShippedBy { get; init; }

    /// <summary>Who vouches for the outcome, and how far one voice carries it; null: no voice is asked for.</summary>
    public Voices? Voices { get; init; }

    /// <summary>How outcomes close together are one piece of work; null: every outcome is its own.</summary>
    public Units? Units { get; init; }

    /// <summary>Which attribute is decided by evidence rather than by the source; null: none.</summary>
    public Attribution? Attribution { get; init; }

    /// <summary>
    /// The sources trusted for the signal. For an outcome or a correction: the sources that may report it. An event of
    /// it from another source is stored but <c>untrusted-source</c> (a correction so corrects nothing); empty:
    /// any source (anything with a source key, and the GitHub webhook). For a volume signal: the sources an employee
    /// cannot suppress (a model gateway, a provider's usage report). A badge that reads the signal judges an employee
    /// only when one of them reported for them in its window; otherwise it is <c>unmeasured</c>. Empty: no source is
    /// trusted so, since an absence is evidence only from a source that cannot be switched off, no such badge can judge anyone.
    /// </summary>
    public IReadOnlyList<string> AuthoritativeSources { get; init; } = [];

    public AttributeDefinition? Attribute(string name) => Attributes.FirstOrDefault(a => a.Name == name);

    /// <summary>How long an event waits before it counts; no settlement means it counts as soon as it arrives.</summary>
    public TimeSpan SettlementWindow => PolicyDuration.TryParse(Settlement, out var window) ? window : TimeSpan.Zero;
}

/// <summary>The signal catalog: small, loaded whole, since every use needs most of it.</summary>
public sealed class SignalCatalog(IReadOnlyList<SignalDefinition> signals)
{
    private readonly Dictionary<string, SignalDefinition> _byType = signals.ToDictionary(s => s.Type, StringComparer.Ordinal);

    public IReadOnlyList<SignalDefinition> Signals => signals;

    public SignalDefinition? Find(string type) => _byType.GetValueOrDefault(type);

    /// <summary>Whether events of this type are outcomes: the only kind that can earn, or be an award's evidence.</summary>
    public bool IsOutcome(string type) => Find(type)?.Kind == SignalDefinition.Outcome;
}
