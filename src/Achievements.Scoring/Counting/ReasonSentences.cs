namespace Achievements.Scoring;

/// <summary>
/// A reason as the employee reads it, for one event (<see cref="One"/>) and for several (<see cref="Other"/>).
/// <c>{what}</c> stands for the count and the signal's noun ("1 pull request", "3 approvals"), which the page knows;
/// <c>{threshold}</c>, in <c>non-trivial</c> only, for the number the failing condition compares with, which admins may change.
/// </summary>
public sealed record ReasonSentence(string One, string Other);

/// <summary>
/// The one table of what each reason means to the person whose events it judged: every <see cref="ExclusionReason"/>
/// and every qualify condition of <see cref="BuiltInSignals"/>. The API serves it and the pages read it, so a new reason
/// is one entry here (a test fails without it). An admin's own condition name has no entry: pages say which condition failed.
/// </summary>
public static class ReasonSentences
{
    public static readonly IReadOnlyDictionary<string, ReasonSentence> All = new Dictionary<string, ReasonSentence>
    {
        [ExclusionReason.NotSettled] = new(
            "{what} is still settling (waiting to see whether it is reverted)",
            "{what} are still settling (waiting to see whether they are reverted)"),
        [ExclusionReason.Corrected] = new(
            "{what} was corrected later (reverted or discarded)",
            "{what} were corrected later (reverted or discarded)"),
        [ExclusionReason.DailyCap] = new("{what} was over the daily limit", "{what} were over the daily limit"),
        [ExclusionReason.Bot] = new("{what} came from an account marked as a bot", "{what} came from an account marked as a bot"),
        [ExclusionReason.Collusion] = new(
            "{what} was between members of a confirmed review ring, circle or patronage",
            "{what} were between members of a confirmed review ring, circle or patronage"),
        [ExclusionReason.NotMerged] = new(
            "{what} was never shipped: the pull request it names did not merge and count in time",
            "{what} were never shipped: the pull request they name did not merge and count in time"),
        [ExclusionReason.ExceedsMergedLines] = new(
            "{what} went beyond the lines the pull request that shipped it added",
            "{what} went beyond the lines the pull request that shipped them added"),
        [ExclusionReason.Unvouched] = new(
            "{what} had no one vouching for it who is in the directory and independent of you",
            "{what} had no one vouching for them who is in the directory and independent of you"),
        [ExclusionReason.OneVoice] = new(
            "{what} was vouched for only by reviewers who had already vouched for as much as one person may",
            "{what} were vouched for only by reviewers who had already vouched for as much as one person may"),
        [ExclusionReason.UntrustedSource] = new(
            "{what} came from a source not trusted to report it",
            "{what} came from a source not trusted to report them"),
        [ExclusionReason.DuplicateOutcome] = new(
            "{what} was reported again by another source (or twice by one); the first report counts",
            "{what} were reported again by another source (or twice by one); the first report counts"),
        [ExclusionReason.Sliced] = new(
            "{what} was part of a run of work whose lines the pull requests counted before it already stand for (one unit per 80 lines changed, however the work is split)",
            "{what} were part of a run of work whose lines the pull requests counted before them already stand for (one unit per 80 lines changed, however the work is split)"),

        // The built-in signals' qualify conditions, by name.
        ["independent-review"] = new("{what} had no independent reviewer", "{what} had no independent reviewer"),
        ["non-trivial"] = new(
            "{what} was too small to count (fewer than {threshold} lines changed)",
            "{what} were too small to count (fewer than {threshold} lines changed)"),
        ["not-self-review"] = new("{what} was of your own pull requests", "{what} were of your own pull requests"),
        ["non-empty"] = new("{what} was empty", "{what} were empty"),
    };
}
