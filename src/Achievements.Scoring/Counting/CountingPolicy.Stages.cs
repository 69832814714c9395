using Achievements.Rules;

namespace Achievements.Scoring;

// The stages that judge an employee's events together, once each has been judged alone (Classify), in the order they
// run there: daily caps, shipped lines, independence, units of work, voice bounds, attribution.
public sealed partial class CountingPolicy
{
    /// <summary>Over the cap, the earliest events of the UTC day count (or wait to settle) and the rest never will.</summary>
    private List<ClassifiedEvent> ApplyDailyCaps(List<ClassifiedEvent> events)
    {
        var capped = events
            // An outcome still waiting for its shipping event takes no place under the cap: otherwise unshipped work
            // could push shipped work out and change what its merge ships.
            .Where(e => (e.Counts || (e.Pending && (e.Read.Signal.ShippedBy is null || e.ShippedBy is not null))) && _signals[e.Stored.Type].Signal.DailyCap is not null)
            .GroupBy(e => (e.Stored.Type, Day: e.Stored.OccurredAt.UtcDateTime.Date))
            .SelectMany(day => day.OrderBy(e => e.Stored.OccurredAt).ThenBy(e => e.Stored.Seq).Skip(_signals[day.Key.Type].Signal.DailyCap!.Value))
            .ToHashSet();
        return capped.Count == 0 ? events : [.. events.Select(e => capped.Contains(e) ? e with { Reason = ExclusionReason.DailyCap } : e)];
    }

    /// <summary>
    /// The lines of outcomes one shipping event carries count up to what it added, in time order: a pull request that
    /// added 40 lines ships at most 40 lines of accepted suggestions, however many name it.
    /// </summary>
    private static List<ClassifiedEvent> ApplyShippedLines(List<ClassifiedEvent> events)
    {
        // By the shipping event's identity, not its instance: a suggestion that names the pull request finds it through
        // the shipping lookups, one that names none among its author's own events, and both share its lines.
        var shipped = new Dictionary<(string Type, long Seq), double>();
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i];
            if (e.ShippedBy is not { } by || e.Read.Signal.ShippedBy is not { Lines: { } lines, UpTo: { } upTo } || !(e.Counts || e.Pending))
            {
                continue;
            }

            var total = shipped.GetValueOrDefault((by.Stored.Type, by.Stored.Seq)) + e.AttributeNumber(lines);
            if (total > LinesThatCount.UpTo(by, upTo))
            {
                events[i] = e with { Reason = ExclusionReason.ExceedsMergedLines, ShippedBy = null };
                continue;
            }

            shipped[(by.Stored.Type, by.Stored.Seq)] = total;
        }

        return events;
    }

    /// <summary>
    /// One relationship is one voice. Each counted outcome of a signal that asks for voices is vouched for by the
    /// people its policy names who are independent voices for its author (<see cref="IndependentVoices"/>: people in
    /// the directory, not the author nor the author's patrons, a closed circle's members as one voice); none makes it
    /// <c>unvouched</c>. Decided before units of work, so that work nobody independent vouches for never takes a
    /// run's place.
    /// </summary>
    private List<ClassifiedEvent> ApplyIndependence(List<ClassifiedEvent> events, IndependentVoices independent)
    {
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i];
            if (!e.Counts || e.Read.Signal.Voices is not { } policy)
            {
                continue;
            }

            var voices = VouchersOf(e.Read, policy, e.ShippedBy)
                .Select(voucher => independent.VoiceOf(e.Stored.Actor, voucher))
                .OfType<string>()
                .Distinct(StringComparer.Ordinal)
                .ToList();
            events[i] = voices.Count == 0 ? e with { Reason = ExclusionReason.Unvouched } : e with { Voices = voices };
        }

        return events;
    }

    /// <summary>The people an outcome's policy names as vouching for it: an attribute, or those of the event that shipped it.</summary>
    private IEnumerable<string> VouchersOf(ReadEvent e, Voices policy, ReadEvent? shippedBy)
    {
        if (policy.From == Voices.FromShippedBy)
        {
            return shippedBy is not null && _signals.TryGetValue(shippedBy.Stored.Type, out var shipping) && shipping.Signal.Voices is { } its && its.From != Voices.FromShippedBy
                ? VouchersOf(shippedBy, its, null)
                : [];
        }

        var index = e.Schema.IndexOf(policy.From);
        return index < 0 ? [] : e.Rule[index].ListValue ?? (e.Rule[index].TextValue is { } one ? [one] : []);
    }

    /// <summary>
    /// One piece of work counts once however it is sliced (<see cref="Units"/>). In time order, an author's outcomes
    /// of a signal (towards one person when the policy says <c>by</c>) each less than the gap after the one before form
    /// a run, whatever the policy made of them: which outcomes are one run never depends on which of them count, so
    /// excluding one (a trivial slice) never splits a run in two. An outcome that counts (or is settling) adds its
    /// substance, the lines that count of the merge it is or shipped in, and counts when the run's lines exceed what
    /// the outcomes counted before it stand for; otherwise it is <c>sliced</c>. An outcome with no merge to measure (an
    /// approval still waiting for one) is left as it is.
    /// </summary>
    private static List<ClassifiedEvent> ApplyUnits(List<ClassifiedEvent> events)
    {
        var runs = new Dictionary<(string Signal, string? By), (double Lines, int Counted, DateTimeOffset Last)>();
        var order = Enumerable.Range(0, events.Count)
            .Where(i => events[i].Read.Signal.Units is not null)
            .OrderBy(i => events[i].Stored.OccurredAt).ThenBy(i => events[i].Stored.Seq);
        foreach (var i in order)
        {
            var e = events[i];
            var units = e.Read.Signal.Units!;
            var key = (e.Stored.Type, units.By is null ? null : e.AttributeText(units.By));
            var run = runs.TryGetValue(key, out var open) && e.Stored.OccurredAt - open.Last < units.GapSpan ? open : (Lines: 0, Counted: 0, Last: e.Stored.OccurredAt);
            run.Last = e.Stored.OccurredAt;
            var merge = e.Stored.Type == BuiltInSignals.Merge.Signal ? e.Read : e.ShippedBy is { Stored.Type: var type } by && type == BuiltInSignals.Merge.Signal ? by : null;
            if ((e.Counts || e.Pending) && merge is not null)
            {
                run.Lines += LinesThatCount.Substance(merge);
                if (run.Lines > run.Counted * (double)units.Lines)
                {
                    run.Counted++;
                }
                else
                {
                    events[i] = e with { Reason = ExclusionReason.Sliced };
                }
            }

            runs[key] = run;
        }

        return events;
    }

    /// <summary>
    /// Within the policy's rolling window a voice vouches for at most its bound of counted outcomes: an outcome whose
    /// every voice has reached it is <c>one-voice</c>. Decided after units of work, so that a voice vouches for pieces
    /// of work, and the slices of one never use up what a colleague can vouch for.
    /// </summary>
    private static List<ClassifiedEvent> ApplyVoiceBounds(List<ClassifiedEvent> events)
    {
        var vouched = new Dictionary<(string Signal, string Voice), Queue<DateTimeOffset>>();
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i];
            if (!e.Counts || e.Read.Signal.Voices is not { } policy || e.Voices.Count == 0)
            {
                continue;
            }

            var from = e.Stored.OccurredAt - policy.WindowSpan;
            var open = e.Voices.Where(voice =>
            {
                var times = vouched.TryGetValue((e.Stored.Type, voice), out var queue) ? queue : vouched[(e.Stored.Type, voice)] = new Queue<DateTimeOffset>();
                while (times.TryPeek(out var oldest) && oldest <= from)
                {
                    times.Dequeue();
                }

                return times.Count < policy.PerVoice;
            }).ToList();
            if (open.Count == 0)
            {
                // Left out by the bound, but still offered by these voices: what shows a patron behind most of the work.
                events[i] = e with { Reason = ExclusionReason.OneVoice };
                continue;
            }

            foreach (var voice in e.Voices)
            {
                vouched[(e.Stored.Type, voice)].Enqueue(e.Stored.OccurredAt);
            }
        }

        return events;
    }

    /// <summary>
    /// Attribution by evidence (<see cref="Attribution"/>): an outcome's attribute (<c>ai_assisted</c>) is true only
    /// when a counted outcome of its author's own shipped in it (an accepted suggestion), or an <c>ai.evidence</c>
    /// event from a source trusted for it names its key or its merge commit. The evidence found goes with it.
    /// </summary>
    private List<ClassifiedEvent> ApplyAttribution(List<ClassifiedEvent> events, ShippingIndex linked)
    {
        if (!events.Any(e => e.Read.Signal.Attribution is not null))
        {
            return events;
        }

        var shippedSuggestion = ShippedSuggestions(events);
        var (signal, pull, commit, tool, kind) = BuiltInSignals.Evidence;
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i];
            if (e.Read.Signal.Attribution is not { } attribution || e.Read.Schema.IndexOf(attribution.Attribute) is not (var index and >= 0))
            {
                continue;
            }

            var evidence = new List<string>();
            if (shippedSuggestion.Contains((e.Stored.Type, e.Stored.Seq)))
            {
                evidence.Add(BuiltInSignals.EvidenceKinds.ShippedSuggestion);
            }

            var key = e.Read.CorrectionKey;
            var sha = e.AttributeText(BuiltInSignals.MergeFacts.Commit);
            evidence.AddRange(
                (key is null ? [] : linked.Candidates(signal, key).Where(found => found.AttributeText(pull) == key))
                .Concat(sha is null ? [] : linked.Candidates(signal, sha).Where(found => found.AttributeText(commit) == sha))
                .Where(found => MayReport(signal, found.Stored.Source))
                .Select(found => found.AttributeText(tool) is { } name ? $"{found.AttributeText(kind)}:{name}" : found.AttributeText(kind) ?? "")
                .Where(text => text.Length > 0));
            var values = Enumerable.Range(0, e.Rule.ValueCount).Select(v => e.Rule[v]).ToArray();
            values[index] = AttributeValue.Bool(evidence.Count > 0);
            var rule = new RuleEvent(e.Rule.Signal, e.Rule.OccurredAt, e.Rule.Actor, values);
            events[i] = e with { Read = e.Read with { Rule = rule }, Evidence = [.. evidence.Distinct(StringComparer.Ordinal)] };
        }

        return events;
    }

    /// <summary>
    /// The merges a counted accepted suggestion of the author's is evidence for: the one it names, or, naming none, the
    /// earliest of the author's merges at or after it (counting, settling or sliced) up to the one it shipped in. Where
    /// the work it went into was merged, not where room for its lines was left: cutting a merge into parts moves no
    /// evidence to other work.
    /// </summary>
    private static HashSet<(string Type, long Seq)> ShippedSuggestions(List<ClassifiedEvent> events)
    {
        var suggestions = events.Where(e => e.Counts && e.ShippedBy is not null && e.Read.Signal.ShippedBy is { Actor: ShippedBy.SameActor, Lines: not null }).ToList();
        var shipping = suggestions.Select(s => s.ShippedBy!.Stored.Type).ToHashSet(StringComparer.Ordinal);
        var merges = events
            .Where(e => shipping.Contains(e.Stored.Type) && (e.Counts || e.Pending || e.Reason == ExclusionReason.Sliced))
            .OrderBy(e => e.Stored.OccurredAt).ThenBy(e => e.Stored.Seq)
            .GroupBy(e => e.Stored.Type)
            .ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        var found = new HashSet<(string Type, long Seq)>();
        foreach (var suggestion in suggestions)
        {
            var shipped = suggestion.ShippedBy!;
            var named = suggestion.AttributeText(suggestion.Read.Signal.ShippedBy!.On) is not null;
            var ofType = merges.GetValueOrDefault(shipped.Stored.Type) ?? [];
            var first = named ? ofType.Count : OwnWork.FirstAtOrAfter(ofType, m => m.Stored.OccurredAt, suggestion.Stored.OccurredAt);
            var earliest = first < ofType.Count ? ofType[first] : null;
            found.Add(earliest is not null && earliest.Stored.OccurredAt <= shipped.Stored.OccurredAt
                ? (earliest.Stored.Type, earliest.Stored.Seq)
                : (shipped.Stored.Type, shipped.Stored.Seq));
        }

        return found;
    }
}
