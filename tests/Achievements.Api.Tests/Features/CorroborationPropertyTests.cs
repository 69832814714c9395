using System.Text.Json;
using Achievements.Api.Features.Badges;
using Achievements.Api.Tests.Infrastructure;
using FsCheck;
using FsCheck.Fluent;

namespace Achievements.Api.Tests.Features;

/// <summary>One event as its source sends it, minutes before now.</summary>
public sealed record Sent(string Type, string Actor, int MinutesAgo, string Source, string Attributes)
{
    public override string ToString() => $"{Type} {Actor} -{MinutesAgo}m {Source} {Attributes}";
}

/// <summary>A generated world of events around one employee, and events to add to it.</summary>
public sealed record World(Sent[] Events, Sent[] Added)
{
    public override string ToString() => string.Join("\n", Events.Select(e => e.ToString()).Append("added:").Concat(Added.Select(e => e.ToString())));
}

/// <summary>
/// What corroboration promises for the starter badges as the service seeds them, over generated worlds counted by the
/// real policy of the built-in catalog and judged where every standing is judged. They are here, not beside the
/// engine's tables, because the starter badges are the service's.
/// </summary>
public sealed class CorroborationPropertyTests
{
    private const string Employee = "emp";
    private const string Editor = "editor";
    private const int Day = 24 * 60;
    private static readonly DateTimeOffset Now = Personas.Now;
    private static readonly SignalCatalog Catalog = new(BuiltInSignals.All);
    private static readonly CountingPolicy Policy = CountingPolicy.Compile(Catalog);
    private static readonly IReadOnlyList<CompiledBadge> Starters =
        [.. SeedStarterBadgesHandler.Starters.Select(s => BadgeRules.Compile(s.Key, 1, s.Definition, Catalog.ToRuleCatalog()))];

    private static readonly string[] Colleagues = ["rex", "sue", "tom", "uma", "vic"];

    private static Config Runs => Config.QuickThrowOnFailure.WithMaxTest(300);

    [Fact]
    public void Work_vouched_for_by_one_relationship_never_stands_above_the_lowest_tier_of_a_starter_badge()
    {
        var heldBack = 0;
        Check.One(Runs, Prop.ForAll(Arb.From(Worlds(["rex"])), world =>
        {
            var counted = Count(world.Events);
            foreach (var badge in Starters)
            {
                var standing = Standings.Of(badge, counted, Catalog, Now);
                Assert.True(standing.TierRank <= 0, $"{badge.Key}: {badge.TierName(standing.TierRank)} on the word of {string.Join(", ", counted.All.SelectMany(e => e.Voices).Distinct())}");
                heldBack += standing.Outcome.TierRank > 0 ? 1 : 0;
            }
        }));

        // Guards the property against testing nothing: the value alone often reaches a higher tier.
        Assert.True(heldBack > 30, $"only {heldBack} standings were held back");
    }

    [Fact]
    public void Accepted_suggestions_without_shipped_work_never_raise_a_starter_badge() =>
        AssertAddingNeverRaises(Unshipped, "suggestion-savant");

    [Fact]
    public void An_approval_of_a_pull_request_that_never_merged_never_raises_a_starter_badge() =>
        AssertAddingNeverRaises(_ => Approval(Colleagues, merged: false, When).ListOf().Select(added => added.SelectMany((a, i) => a.Events($"never-{i}")).ToArray()), "trusted-reviewer");

    [Fact]
    public void Volume_from_a_source_that_is_not_authoritative_never_raises_a_starter_badge()
    {
        var volume = Gen.OneOf(
            Tokens(Gen.Constant(Editor), When),
            When.Select(at => new Sent("prompt.sent", Employee, at, Editor, """{"tokens":800}""")),
            When.Select(at => new Sent("suggestion.shown", Employee, at, Editor, """{"suggestion_id":"shown","lines":3,"language":"go"}""")));
        AssertAddingNeverRaises(_ => volume.ListOf().Select(list => list.ToArray()), "frugal-builder");
    }

    [Fact]
    public void Once_the_gateway_has_measured_an_employee_more_of_its_tokens_never_raise_a_starter_badge()
    {
        // Coverage asks whether an authoritative source reported, never how much: the ratio's polarity still holds.
        var covered = Gen.Choose(0, 89 * Day).Select(at => new[] { new Sent("tokens.consumed", Employee, at, Personas.Gateway, """{"tokens":50000,"model":"m"}""") });
        AssertAddingNeverRaises(_ => Tokens(Gen.Constant(Personas.Gateway), When).ListOf().Select(list => list.ToArray()), "frugal-builder", covered);
    }

    /// <summary>
    /// Slicing is neither volume nor correction, and it never pays: one of the employee's merges cut into two to five
    /// pull requests of the same lines in all, merged one after another with the same reviewers (reverted when it was),
    /// never raises any starter badge's value or tier. The generated merges are at most one unit of work's lines, so a
    /// run's counted merges always stand for all its lines and the parts add nothing the whole did not: at most one
    /// part counts, where the whole did. Each part keeps the five lines a merge needs to count at all, and the day keeps
    /// under its cap: a part the policy refused would take its lines out of the run, and which of the run's other merges
    /// count (so which carry their labels into a filtered metric) could shift (decision 0025). And the merge carries no
    /// accepted suggestion that named no pull request: those go, first come first served, into the earliest merge with
    /// room (decision 0015), and smaller parts can happen to pack one more of them.
    /// </summary>
    [Fact]
    public void Splitting_a_merge_into_parts_never_raises_a_starter_badge()
    {
        var standing = 0;
        var worlds =
            from world in Worlds(Colleagues)
            let merges = world.Events.Where(e => e.Type == "pr.merged" && e.Actor == Employee).ToArray()
            where merges.Length > 0
            from which in Gen.Choose(0, merges.Length - 1)
            from parts in Gen.Choose(2, 5)
            let merge = merges[which]
            let cut = Math.Min(parts, Lines(merge) / 5)
            where cut >= 2 && merges.Count(m => UtcDay(m) == UtcDay(merge)) + cut - 1 <= 10 && !CarriesUnnamedSuggestions(world.Events, merge)
            select new World(world.Events, Split(world.Events, merge, cut));
        Check.One(Runs, Prop.ForAll(Arb.From(worlds), world =>
        {
            var before = Count(world.Events);
            var after = Count(world.Added);
            foreach (var badge in Starters)
            {
                var (was, now) = (Standings.Of(badge, before, Catalog, Now), Standings.Of(badge, after, Catalog, Now));
                Assert.True(now.Value <= was.Value, $"{badge.Key}: {was.Value} became {now.Value} once sliced");
                Assert.True(now.TierRank <= was.TierRank, $"{badge.Key}: {badge.TierName(was.TierRank) ?? "none"} became {badge.TierName(now.TierRank)} once sliced");
                standing += badge.Key == "merge-master" && was.TierRank >= 0 ? 1 : 0;
            }
        }));

        Assert.True(standing > 30, $"merge-master stood at a tier in only {standing} worlds");
    }

    /// <summary>Whether an accepted suggestion that names no pull request shipped in <paramref name="merge"/>.</summary>
    private static bool CarriesUnnamedSuggestions(Sent[] events, Sent merge) =>
        Count(events).All.Any(e => e.Counts && e.Stored.Type == "suggestion.accepted" && e.AttributeText("pr_id") is null && e.ShippedBy?.AttributeText("pr_id") == PrId(merge));

    private static int Lines(Sent merge) => JsonDocument.Parse(merge.Attributes).RootElement.GetProperty("lines_added").GetInt32();

    private static DateTime UtcDay(Sent e) => Now.AddMinutes(-e.MinutesAgo).UtcDateTime.Date;

    /// <summary>The world with <paramref name="merge"/> cut into <paramref name="parts"/> pull requests merged one after another, its lines shared out, each reverted when it was.</summary>
    private static Sent[] Split(Sent[] events, Sent merge, int parts)
    {
        var attributes = System.Text.Json.Nodes.JsonNode.Parse(merge.Attributes)!.AsObject();
        var id = attributes["pr_id"]!.GetValue<string>();
        var lines = attributes["lines_added"]!.GetValue<int>();
        var reverted = events.FirstOrDefault(e => e.Type == "pr.reverted" && PrId(e) == id);
        var sliced = Enumerable.Range(0, parts).SelectMany(part =>
        {
            var slice = attributes.DeepClone().AsObject();
            slice["pr_id"] = $"{id}-part{part}";
            slice["lines_added"] = (lines / parts) + (part < lines % parts ? 1 : 0);
            // All at the moment the whole merged, one after another: the same work, only more pull requests.
            var at = merge.MinutesAgo;
            return (IEnumerable<Sent>)[
                merge with { MinutesAgo = at, Attributes = slice.ToJsonString() },
                .. reverted is null ? [] : new[] { reverted with { MinutesAgo = Math.Min(reverted.MinutesAgo, at), Attributes = Json(new() { ["pr_id"] = $"{id}-part{part}" }) } },
            ];
        });
        return [.. events.Where(e => !ReferenceEquals(e, merge) && !ReferenceEquals(e, reverted)), .. sliced];
    }

    /// <summary>
    /// For generated worlds with five colleagues (and <paramref name="also"/>), adding what <paramref name="added"/> makes
    /// never raises any starter badge's value or tier. <paramref name="exercised"/>, the badge the additions bear on, must
    /// often stand at a tier before, so that the property tests something.
    /// </summary>
    private static void AssertAddingNeverRaises(Func<Sent[], Gen<Sent[]>> added, string exercised, Gen<Sent[]>? also = null)
    {
        var standing = 0;
        var worlds =
            from world in Worlds(Colleagues)
            from extra in also ?? Gen.Constant(Array.Empty<Sent>())
            let events = world.Events.Concat(extra).ToArray()
            from more in added(events)
            select new World(events, more);
        Check.One(Runs, Prop.ForAll(Arb.From(worlds), world =>
        {
            var before = Count(world.Events);
            var after = Count([.. world.Events, .. world.Added]);
            foreach (var badge in Starters)
            {
                var (was, now) = (Standings.Of(badge, before, Catalog, Now), Standings.Of(badge, after, Catalog, Now));
                Assert.True(now.Value <= was.Value, $"{badge.Key}: {was.Value} became {now.Value}");
                Assert.True(now.TierRank <= was.TierRank, $"{badge.Key}: {badge.TierName(was.TierRank) ?? "none"} became {badge.TierName(now.TierRank)}");
                standing += badge.Key == exercised && was.TierRank >= 0 ? 1 : 0;
            }
        }));

        Assert.True(standing > 30, $"{exercised} stood at a tier in only {standing} worlds");
    }

    // A moment in the last 400 days: the starter badges' windows, the year before the longest, and a little more.
    private static readonly Gen<int> When = Within(400);

    private static Gen<int> Within(int days) => Gen.Choose(0, days * Day);

    /// <summary>
    /// Over the last 60, 120 or 400 days (dense work makes streaks and ratios that reach high tiers): the employee's
    /// merges <c>m0 m1 …</c>, approvals <c>a0 a1 …</c> of <paramref name="voices"/>' pull requests, accepted
    /// suggestions, mostly accepted shortly before one of the employee's merges that names them, and tokens, mostly
    /// from the gateway.
    /// </summary>
    private static Gen<World> Worlds(string[] voices) =>
        from span in Gen.Elements(60, 120, 400)
        from merges in Merge(voices, Within(span)).ListOf()
        from approvals in Approval(voices, merged: true, Within(span)).ListOf()
        from suggestions in Gen.Sized(size => Suggestion(merges, approvals.Count).ArrayOf(size * 3))
        from tokens in Tokens(Gen.Frequency((3, Gen.Constant(Personas.Gateway)), (1, Gen.Constant(Editor))), Within(span)).ListOf().Resize(6)
        select new World(
            [.. merges.SelectMany((m, i) => m.Events($"m{i}")),
             .. approvals.SelectMany((a, i) => a.Events($"a{i}")),
             .. suggestions.Select((s, i) => s.Event($"s{i}")),
             .. tokens],
            []);

    /// <summary>A merge of the employee's: mostly reviewed by some of <paramref name="voices"/>, sometimes only by the author, trivial or reverted.</summary>
    private static Gen<MergeDraft> Merge(string[] voices, Gen<int> when) =>
        from at in when
        from reviewers in Gen.Frequency((6, Gen.SubListOf(voices).Where(r => r.Count > 0).Select(r => r.ToArray())), (1, Gen.Constant<string[]>([Employee])))
        from lines in Gen.Frequency((8, Gen.Choose(5, 60)), (1, Gen.Choose(0, 4)))
        from ai in Gen.Elements<bool?>(true, true, false, null)
        from repo in Gen.Elements("web", "api", "ops")
        from reverted in Gen.Frequency((1, Gen.Choose(0, at).Select(revert => (int?)revert)), (9, Gen.Constant<int?>(null)))
        select new MergeDraft(at, reviewers, lines, ai, repo, reverted);

    /// <summary>
    /// An approval by the employee of <paramref name="voices"/>' pull request (or now and then their own) and, when
    /// <paramref name="merged"/>, mostly its merge: by its author or someone else, mostly after it, sometimes never.
    /// </summary>
    private static Gen<ApprovalDraft> Approval(string[] voices, bool merged, Gen<int> when) =>
        from at in when
        from author in Gen.Frequency((9, Gen.Elements(voices)), (1, Gen.Constant(Employee)))
        from ships in Gen.Frequency((merged ? 4 : 0, Gen.Constant(true)), (1, Gen.Constant(false)))
        from lag in Gen.Frequency((5, Gen.Choose(60, 10 * Day)), (1, Gen.Choose(-2 * Day, 0)))
        from mergedBy in Gen.Frequency((5, Gen.Constant(author)), (1, Gen.Constant("kim")))
        select new ApprovalDraft(at, author, ships ? Math.Max(0, at - lag) : null, mergedBy);

    /// <summary>An accepted suggestion naming one of the employee's merges (mostly accepted before it), someone else's, or none.</summary>
    private static Gen<SuggestionDraft> Suggestion(List<MergeDraft> merges, int approvals) =>
        from lines in Gen.Frequency((4, Gen.Choose(1, 5)), (1, Gen.Choose(6, 40)))
        from named in Gen.Frequency(
            (merges.Count == 0 ? 0 : 6, Gen.Choose(0, Math.Max(0, merges.Count - 1)).SelectMany(m =>
                Gen.Choose(-Day, 5 * Day).Select(before => ((string?)$"m{m}", Math.Max(0, merges[m].At + before))))),
            (approvals == 0 ? 0 : 1, Gen.Choose(0, Math.Max(0, approvals - 1)).SelectMany(a => When.Select(at => ((string?)$"a{a}", at)))),
            (1, When.Select(at => ((string?)null, at))))
        select new SuggestionDraft(named.Item2, lines, named.Item1);

    /// <summary>
    /// Suggestions that no merge of the employee's ships: without a pull request, naming one that does not exist or is
    /// someone else's, or naming one of the employee's that had merged before they were accepted.
    /// </summary>
    private static Gen<Sent[]> Unshipped(Sent[] world)
    {
        // The latest a suggestion naming each merge may be accepted at: after the employee's own, any time for others'.
        var merges = world.Where(e => e.Type == "pr.merged" && e.MinutesAgo > 0)
            .Select(m => new SuggestionTarget(PrId(m), m.Actor == Employee ? m.MinutesAgo - 1 : 400 * Day))
            .ToArray();
        // A suggestion naming no pull request ships in the employee's own merges of the 30 days after it, so without
        // shipped work it comes after the employee's latest merge.
        var ownLatest = world.Where(e => e.Type == "pr.merged" && e.Actor == Employee).Select(m => m.MinutesAgo).DefaultIfEmpty(400 * Day + 1).Min() - 1;
        List<(int, Gen<SuggestionTarget>)> targets = [(2, Gen.Constant(new SuggestionTarget(null, Math.Max(ownLatest, 0)))), (1, Gen.Constant(new SuggestionTarget("ghost", 400 * Day)))];
        if (merges.Length > 0)
        {
            targets.Add((3, Gen.Elements(merges)));
        }

        var suggestion =
            from target in Gen.Frequency(targets)
            from at in Gen.Choose(0, target.LatestMinutesAgo)
            from lines in Gen.Choose(1, 10)
            select new SuggestionDraft(at, lines, target.PrId);
        return Gen.Sized(size => suggestion.ArrayOf(size)).Select(added => added.Select((s, i) => s.Event($"added-{i}")).ToArray());
    }

    private static string? PrId(Sent merge) =>
        JsonDocument.Parse(merge.Attributes).RootElement.TryGetProperty("pr_id", out var id) ? id.GetString() : null;

    private static Gen<Sent> Tokens(Gen<string> source, Gen<int> when) =>
        from at in when
        from tokens in Gen.Elements(1_000, 5_000, 20_000, 100_000, 1_000_000)
        from origin in source
        select new Sent("tokens.consumed", Employee, at, origin, Json(new() { ["tokens"] = tokens, ["model"] = "m" }));

    private static string Json(Dictionary<string, object?> attributes) => JsonSerializer.Serialize(attributes);

    /// <summary>The employee's events counted as evaluation counts them, with everyone's merges and reverts to ship and correct them.</summary>
    private static CountedEvents Count(IReadOnlyList<Sent> events)
    {
        var stored = events.Select((e, i) => (new StoredEvent { Seq = i + 1, Source = e.Source, Type = e.Type, Actor = e.Actor, OccurredAt = Now.AddMinutes(-e.MinutesAgo) }, e.Attributes));
        List<ReadEvent> reads = [.. Policy.Read(stored, new HashSet<string>()).OrderBy(e => e.Stored.OccurredAt).ThenBy(e => e.Stored.Seq)];
        var corrections = CorrectionIndex.From(CorrectionIndex.LookupsFor(reads).Select(lookup => (lookup, lookup.Find(reads))));
        var shipping = ShippingIndex.From(ShippingIndex.LookupsFor(reads).Select(lookup => (lookup, lookup.Matching(reads))), corrections);
        var history = new EmployeeHistory(Employee, false, [.. reads.Where(e => e.Stored.Actor == Employee)], corrections, shipping, Policy, CollusionGroups.None, IndependentVoices.Everyone);
        return history.CountAsOf(Now);
    }

    private sealed record MergeDraft(int At, string[] Reviewers, int LinesAdded, bool? AiAssisted, string Repo, int? RevertedAt)
    {
        public IEnumerable<Sent> Events(string id)
        {
            yield return new Sent("pr.merged", Employee, At, Personas.Code, Json(new()
            {
                ["pr_id"] = id,
                ["repo"] = Repo,
                ["lines_added"] = LinesAdded,
                ["lines_deleted"] = 0,
                ["merged_by"] = Reviewers[0],
                ["reviewers"] = Reviewers,
                ["ai_assisted"] = AiAssisted,
            }));
            if (RevertedAt is { } revertedAt)
            {
                yield return new Sent("pr.reverted", "ops", revertedAt, Personas.Code, Json(new() { ["pr_id"] = id }));
            }
        }
    }

    private sealed record ApprovalDraft(int At, string Author, int? MergedAt, string MergedBy)
    {
        public IEnumerable<Sent> Events(string id)
        {
            yield return new Sent("review.approved", Employee, At, Personas.Code, Json(new() { ["pr_id"] = id, ["author"] = Author }));
            if (MergedAt is { } mergedAt)
            {
                yield return new Sent("pr.merged", MergedBy, mergedAt, Personas.Code, Json(new()
                {
                    ["pr_id"] = id,
                    ["repo"] = "web",
                    ["lines_added"] = 20,
                    ["lines_deleted"] = 2,
                    ["merged_by"] = Employee,
                    ["reviewers"] = new[] { Employee },
                }));
            }
        }
    }

    private sealed record SuggestionDraft(int At, int Lines, string? PrId)
    {
        public Sent Event(string id) => new("suggestion.accepted", Employee, At, Personas.Code, Json(new()
        {
            ["suggestion_id"] = id,
            ["lines"] = Lines,
            ["language"] = "go",
            ["pr_id"] = PrId,
        }));
    }

    private sealed record SuggestionTarget(string? PrId, int LatestMinutesAgo);
}
