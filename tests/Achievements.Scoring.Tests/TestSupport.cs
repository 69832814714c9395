using System.Globalization;
using System.Text.Json.Nodes;

namespace Achievements.Scoring.Tests;

/// <summary>Tests as data: lines of <c>left ⇶ expected</c>; blank lines and <c>//</c> lines are skipped.</summary>
internal static class Table
{
    public const string Arrow = "⇶";

    public static TheoryData<string, string> Parse(string table)
    {
        var data = new TheoryData<string, string>();
        foreach (var (left, expected) in Rows(table))
        {
            data.Add(left, expected);
        }

        return data;
    }

    public static IEnumerable<(string Left, string Expected)> Rows(string table) =>
        Lines(table).Select(line =>
        {
            var arrow = line.LastIndexOf(Arrow, StringComparison.Ordinal);
            return arrow < 0 ? (line, "") : (line[..arrow].Trim(), line[(arrow + 1)..].Trim());
        });

    public static IEnumerable<string> Lines(string text) =>
        text.Split('\n').Select(raw => raw.Trim()).Where(line => line.Length > 0 && !line.StartsWith("//", StringComparison.Ordinal));

    /// <summary>The fields of one side of a row, split on <c>|</c> (the rule language has no such operator).</summary>
    public static string[] Fields(string side) => [.. side.Split('|').Select(field => field.Trim())];
}

internal static class Time
{
    /// <summary>Wednesday 15 January 2025, noon UTC: the fixed clock every history is judged by.</summary>
    public static readonly DateTimeOffset Now = new(2025, 1, 15, 12, 0, 0, TimeSpan.Zero);

    /// <summary>A moment relative to <see cref="Now"/>: <c>-8d</c>, <c>-20d3h</c>, <c>-23h</c>, <c>0</c>.</summary>
    public static DateTimeOffset At(string offset) => Now + Span(offset);

    /// <summary>A signed span of whole weeks, days, hours, minutes and seconds: <c>-6d23h</c>, <c>30s</c>.</summary>
    public static TimeSpan Span(string text)
    {
        var sign = text.StartsWith('-') ? -1 : 1;
        var span = TimeSpan.Zero;
        var amount = 0;
        foreach (var c in text.TrimStart('-', '+'))
        {
            if (char.IsAsciiDigit(c))
            {
                amount = amount * 10 + (c - '0');
                continue;
            }

            span += c switch
            {
                'w' => TimeSpan.FromDays(7 * amount),
                'd' => TimeSpan.FromDays(amount),
                'h' => TimeSpan.FromHours(amount),
                'm' => TimeSpan.FromMinutes(amount),
                's' => TimeSpan.FromSeconds(amount),
                _ => throw new FormatException($"'{text}' is not an offset such as -8d or -20d3h."),
            };
            amount = 0;
        }

        return sign * span;
    }
}

/// <summary>
/// One stored event, compactly: <c>label type actor at [source] {attributes}</c>. The attributes are JSON laid over
/// the signal's typical ones (below), so a row shows only what matters to it; <c>null</c> makes an attribute missing.
/// Ids (<c>pr_id</c>, <c>suggestion_id</c>) default to the label, so a correction names the label it undoes.
/// </summary>
internal sealed record Row(string Label, string Type, string Actor, string At, string Attributes = "{}", string Source = Row.DefaultSource)
{
    public const string DefaultSource = "github";

    /// <summary>The reviewer and author no test is about; never an actor.</summary>
    public const string Reviewer = "rex";

    private static readonly Dictionary<string, string> Typical = new(StringComparer.Ordinal)
    {
        ["pr.merged"] = $$"""{"pr_id":"{label}","repo":"web","lines_added":80,"lines_deleted":5,"merged_by":"{{Reviewer}}","reviewers":["{{Reviewer}}"]}""",
        ["review.approved"] = $$"""{"pr_id":"{label}","author":"{{Reviewer}}"}""",
        ["suggestion.accepted"] = """{"suggestion_id":"{label}","lines":3,"language":"go"}""",
        ["suggestion.shown"] = """{"suggestion_id":"{label}","lines":3,"language":"go"}""",
        ["tokens.consumed"] = """{"tokens":1000,"model":"large-model"}""",
        // Evidence that AI took part in the pull request of the row's label without its "ev-" (ev-a1 names a1).
        ["ai.evidence"] = """{"pr_id":"{pr}","tool":"claude","evidence":"co-author-trailer"}""",
    };

    public static Row Parse(string line)
    {
        var brace = line.IndexOf('{', StringComparison.Ordinal);
        var head = (brace < 0 ? line : line[..brace]).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var attributes = brace < 0 ? "{}" : line[brace..];
        return head.Length switch
        {
            4 => new Row(head[0], head[1], head[2], head[3], attributes),
            5 => new Row(head[0], head[1], head[2], head[3], attributes, head[4]),
            _ => throw new FormatException($"'{line}' is not 'label type actor at [source] {{attributes}}'."),
        };
    }

    public StoredEvent Stored(long seq) => new() { Seq = seq, Source = Source, Type = Type, Actor = Actor, OccurredAt = Time.At(At) };

    /// <summary>The attributes as stored: the typical ones with this row's laid over them.</summary>
    public string StoredAttributes()
    {
        var typical = Typical.TryGetValue(Type, out var json)
            ? json.Replace("{label}", Label, StringComparison.Ordinal).Replace("{pr}", Label.StartsWith("ev-", StringComparison.Ordinal) ? Label[3..] : Label, StringComparison.Ordinal)
            : "{}";
        var merged = JsonNode.Parse(typical)!.AsObject();
        foreach (var (name, value) in JsonNode.Parse(Attributes)!.AsObject())
        {
            merged[name] = value?.DeepClone();
        }

        return merged.ToJsonString();
    }
}

/// <summary>
/// Everyone's events, stored in row order and read through the real <see cref="CountingPolicy.Read(IEnumerable{ValueTuple{StoredEvent, string}}, IReadOnlySet{string})"/>
/// over the built-in catalog. Corrections are answered in memory, the way the adversarial gate answers them, from
/// every actor's events: a revert undoes an outcome whoever sent it.
/// </summary>
internal sealed class History
{
    public static readonly SignalCatalog Catalog = new(BuiltInSignals.All);

    public static readonly CountingPolicy Policy = CountingPolicy.Compile(Catalog);

    private readonly IReadOnlyList<Row> _rows;
    private readonly CountingPolicy _policy;
    private readonly IReadOnlyList<ReadEvent> _reads;
    private readonly IReadOnlySet<string> _bots;
    private readonly CollusionGroups _collusion;
    private readonly CorrectionIndex _corrections;
    private readonly ShippingIndex _shipping;

    private History(IReadOnlyList<Row> rows, IReadOnlySet<string> bots, CollusionGroups collusion, CountingPolicy policy)
    {
        _rows = rows;
        _policy = policy;
        _bots = bots;
        _collusion = collusion;
        // As the service reads a history: in time order, then in the order stored.
        _reads = [.. policy.Read(rows.Select((row, i) => (row.Stored(i + 1), row.StoredAttributes())), bots)
            .OrderBy(e => e.Stored.OccurredAt).ThenBy(e => e.Stored.Seq)];
        _corrections = CorrectionIndex.From(CorrectionIndex.LookupsFor(_reads).Select(lookup => (lookup, lookup.Find(_reads))));
        _shipping = ShippingIndex.From(ShippingIndex.LookupsFor(_reads).Select(lookup => (lookup, lookup.Matching(_reads))), _corrections);
    }

    /// <summary>A history of <paramref name="rows"/>, judged by the built-in catalog's policy unless <paramref name="policy"/> is another.</summary>
    public static History Of(IEnumerable<Row> rows, IEnumerable<string>? bots = null, CollusionGroups? collusion = null, CountingPolicy? policy = null)
    {
        var list = rows.ToList();
        var duplicate = list.GroupBy(row => row.Label).FirstOrDefault(g => g.Count() > 1);
        Assert.True(duplicate is null, $"The label '{duplicate?.Key}' is used twice.");
        return new History(list, (bots ?? []).ToHashSet(StringComparer.Ordinal), collusion ?? CollusionGroups.None, policy ?? Policy);
    }

    public static History Parse(string rows, IEnumerable<string>? bots = null, CollusionGroups? collusion = null, CountingPolicy? policy = null) =>
        Of(Table.Lines(rows).Select(Row.Parse), bots, collusion, policy);

    /// <summary>Everyone with an event, in order of first appearance.</summary>
    public IEnumerable<string> Actors => _rows.Select(row => row.Actor).Distinct();

    /// <summary>One employee's history, as evaluation loads it.</summary>
    public EmployeeHistory Of(string employee) =>
        new(employee, _bots.Contains(employee), [.. _reads.Where(e => e.Stored.Actor == employee)], _corrections, _shipping, _policy, _collusion, Voices);

    /// <summary>Who vouches with an independent voice: everyone named, with no circle or patronage, unless a test sets it.</summary>
    public IndependentVoices Voices { get; init; } = IndependentVoices.Everyone;

    public CountedEvents CountFor(string employee, DateTimeOffset? asOf = null) => Of(employee).CountAsOf(asOf ?? Time.Now);

    /// <summary>What the policy made of one row: <c>counts</c>, the reason it does not, or <c>ignored</c> when it was never read.</summary>
    public string VerdictOf(string label)
    {
        var row = _rows.Single(r => r.Label == label);
        var seq = SeqOf(label);
        var judged = CountFor(row.Actor).All.SingleOrDefault(e => e.Stored.Seq == seq);
        return judged is null ? "ignored" : judged.Reason ?? "counts";
    }

    public long SeqOf(string label) => _rows.Select((row, i) => (row.Label, Seq: i + 1L)).Single(r => r.Label == label).Seq;

    public IReadOnlyList<long> SeqsOf(IEnumerable<string> labels) => [.. labels.Select(SeqOf)];

    /// <summary>Sequence numbers back as labels, in the order given; <c>none</c> for no events.</summary>
    public string Labels(IEnumerable<long> seqs) =>
        seqs.Any() ? string.Join(" ", seqs.Select(seq => _rows[(int)seq - 1].Label)) : "none";
}

/// <summary>Badges written in a table: a metric, tier thresholds (bronze, silver, gold, …) and requirements.</summary>
internal static class TestBadge
{
    private static readonly string[] TierNames = ["bronze", "silver", "gold", "platinum"];

    public static CompiledBadge Compile(string metric, string thresholds, params string[] requires)
    {
        var tiers = thresholds.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select((threshold, i) => new TierDefinition(TierNames[i], double.Parse(threshold, CultureInfo.InvariantCulture)))
            .ToList();
        var definition = new BadgeDefinition("Test badge", "A badge of a test table.", "🧪", metric, requires, tiers);
        var (badge, diagnostics) = BadgeCompiler.TryCompile("test-badge", 1, definition, History.Catalog.ToRuleCatalog());
        Assert.True(badge is not null, string.Join("\n", diagnostics.Select(d => $"{d.Field}: {d.Code} {d.Message}")));
        return badge;
    }

    public static string TierName(CompiledBadge badge, int rank) => badge.TierName(rank) ?? "none";

    public static int RankOf(string tier) =>
        tier == "none" ? -1 : Array.IndexOf(TierNames, tier) is var rank and >= 0 ? rank : throw new FormatException($"'{tier}' is no tier.");
}

internal static class Format
{
    public static string Number(double value) => value.ToString(CultureInfo.InvariantCulture);
}
