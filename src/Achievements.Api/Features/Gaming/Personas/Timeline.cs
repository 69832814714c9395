namespace Achievements.Api.Features.Gaming.Personas;

/// <summary>
/// Writes one persona's run: hands out ids that are unique within the run, picks realistic moments on
/// working days inside the run's window, and spells each signal's attributes the way a source would.
/// </summary>
internal sealed class Timeline(string idPrefix, DateTimeOffset now, int days, Random random)
{
    /// <summary>The source a model gateway posts from: spend it measured, not spend an editor plugin reports about its own user.</summary>
    public const string Gateway = "gateway";

    private static readonly string[] Repos = ["web", "api", "billing", "mobile", "infra", "search"];
    private static readonly string[] Languages = ["csharp", "typescript", "python", "sql", "go"];
    private static readonly string[] Models = ["large-model", "small-model"];

    private readonly List<SimulatedEvent> _events = [];
    private int _next;
    private bool _farming;

    public Random Random { get; } = random;

    public DateTimeOffset Now { get; } = now;

    public string Employee(string name) => $"{idPrefix}-{name}";

    public string NextId(string kind) => $"{idPrefix}-{kind}-{++_next}";

    /// <summary>
    /// A directory team of this run: the run's prefix in title case ("honest-team-003" gives "Honest Team 003"), with
    /// <paramref name="name"/> after it when the run has several. Prefixed, so that two runs never share a team by accident.
    /// </summary>
    public string Team(string? name = null)
    {
        var title = string.Join(' ', idPrefix.Split('-', '_', '.').Where(part => part.Length > 0).Select(part => char.ToUpperInvariant(part[0]) + part[1..]));
        return name is null ? title : $"{title} {name}";
    }

    /// <summary>How many times something done <paramref name="mean"/> times a day on average happens today: the whole part, and one more by chance.</summary>
    public int Times(double mean) => (int)mean + (Random.NextDouble() < mean - Math.Floor(mean) ? 1 : 0);

    /// <summary>
    /// Monday to Friday in the window, oldest first, today only once it has begun. About one working day in
    /// twenty is skipped: holidays and sick days, so that no two people's calendars line up exactly.
    /// </summary>
    public IEnumerable<DateTime> WorkingDays(double daysOff = 0.05)
    {
        for (var back = days - 1; back >= 0; back--)
        {
            var day = Now.UtcDateTime.Date.AddDays(-back);
            if (day.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday || new DateTimeOffset(day, TimeSpan.Zero) >= Now)
            {
                continue;
            }

            if (daysOff == 0 || Random.NextDouble() >= daysOff)
            {
                yield return day;
            }
        }
    }

    /// <summary>
    /// A moment on <paramref name="day"/> between the given hours (UTC). Today's hours end at now: today's
    /// events have already happened, spread over the part of the day gone by rather than piled up just before now,
    /// where they would look like a burst. A moment today before the hours have begun is a few minutes before now.
    /// </summary>
    public DateTimeOffset At(DateTime day, double fromHour = 9, double toHour = 18)
    {
        var start = new DateTimeOffset(day, TimeSpan.Zero);
        var until = Math.Min(toHour, (Now - start).TotalHours);
        var share = Random.NextDouble();
        return until > fromHour ? start.AddHours(fromHour + (share * (until - fromHour))) : Clamp(start.AddHours(fromHour));
    }

    /// <summary>Keeps a derived moment (a revert after a merge) inside the run: never later than now.</summary>
    public DateTimeOffset Clamp(DateTimeOffset at) =>
        at <= Now ? at : Now.AddSeconds(-Random.Next(1, 600));

    /// <summary>
    /// Marks every event written until the returned scope is disposed as farmed: what the persona does to earn
    /// without the work, as opposed to the genuine work it may do besides. Scopes nest.
    /// </summary>
    public IDisposable Farming()
    {
        var scope = new FarmingScope(this, _farming);
        _farming = true;
        return scope;
    }

    public string Repo() => Repos[Random.Next(Repos.Length)];

    public string Language() => Languages[Random.Next(Languages.Length)];

    public string Model() => Models[Random.Next(Models.Length)];

    public string PrMerged(string author, DateTimeOffset at, IReadOnlyList<string> reviewers, int linesAdded, int linesDeleted, bool? aiAssisted = null, string? prId = null, string? repo = null)
    {
        prId ??= NextId("pr");
        var attributes = new Dictionary<string, object?>
        {
            ["pr_id"] = prId,
            ["repo"] = repo ?? Repo(),
            ["lines_added"] = linesAdded,
            ["lines_deleted"] = linesDeleted,
            ["merged_by"] = reviewers.Count > 0 ? reviewers[0] : author,
            ["reviewers"] = reviewers,
        };
        if (aiAssisted is not null)
        {
            attributes["ai_assisted"] = aiAssisted;
        }

        Add("pr.merged", author, at, attributes);
        return prId;
    }

    /// <summary>
    /// Evidence that AI took part in pull request <paramref name="prId"/>, as the GitHub source reports it (a co-author
    /// trailer, an agent's account) from the run's default source, at the merge. Its id is the pull request's own
    /// with a suffix, not one drawn from the run's counter, so that adding evidence leaves every other event's id as it was.
    /// </summary>
    public void AiEvidence(string actor, DateTimeOffset at, string prId, string tool, string kind)
    {
        var (_, pull, _, toolAttribute, kindAttribute) = BuiltInSignals.Evidence;
        Add(BuiltInSignals.Evidence.Signal, actor, at, new Dictionary<string, object?> { [toolAttribute] = tool, [kindAttribute] = kind, [pull] = prId }, eventId: $"{prId}-evidence");
    }

    public void PrReverted(string actor, DateTimeOffset at, string prId) =>
        Add("pr.reverted", actor, at, new Dictionary<string, object?> { ["pr_id"] = prId });

    public void ReviewApproved(string reviewer, DateTimeOffset at, string author, string? prId = null) =>
        Add("review.approved", reviewer, at, new Dictionary<string, object?> { ["pr_id"] = prId ?? NextId("pr"), ["author"] = author });

    /// <summary>Spend as the model gateway measured it, posted from the <see cref="Gateway"/> source.</summary>
    public void Tokens(string actor, DateTimeOffset at, long tokens) =>
        Add("tokens.consumed", actor, at, new Dictionary<string, object?> { ["tokens"] = tokens, ["model"] = Model() }, source: Gateway);

    public void Prompt(string actor, DateTimeOffset at, long tokens) =>
        Add("prompt.sent", actor, at, new Dictionary<string, object?> { ["tokens"] = tokens });

    /// <summary>A suggestion shown; returns its id so that an accept or discard can refer to it.</summary>
    public string SuggestionShown(string actor, DateTimeOffset at, int lines, string language)
    {
        var id = NextId("sg");
        Add("suggestion.shown", actor, at, Suggestion(id, lines, language));
        return id;
    }

    /// <summary>An accepted suggestion, with the pull request the accepted code went into when the editor knows it.</summary>
    public void SuggestionAccepted(string actor, DateTimeOffset at, string suggestionId, int lines, string language, string? prId = null)
    {
        var attributes = Suggestion(suggestionId, lines, language);
        if (prId is not null)
        {
            attributes["pr_id"] = prId;
        }

        Add("suggestion.accepted", actor, at, attributes);
    }

    public void SuggestionDiscarded(string actor, DateTimeOffset at, string suggestionId) =>
        Add("suggestion.discarded", actor, at, new Dictionary<string, object?> { ["suggestion_id"] = suggestionId });

    /// <summary>Writes an event, farmed when inside <see cref="Farming"/>, from <paramref name="source"/> (null: the run's default source).</summary>
    public void Add(string type, string actor, DateTimeOffset at, IReadOnlyDictionary<string, object?> attributes, string? eventId = null, string? source = null) =>
        _events.Add(new SimulatedEvent(eventId ?? NextId("ev"), type, actor, at, attributes, _farming, source));

    /// <summary>The run, its events in time order (a stable sort keeps replays and causes in the order written).</summary>
    public PersonaRun Finish(string persona, bool farming, IReadOnlyList<SimulatedEmployee> employees) =>
        new(persona, farming, employees, [.. _events.OrderBy(e => e.OccurredAt)]);

    private static Dictionary<string, object?> Suggestion(string id, int lines, string language) =>
        new() { ["suggestion_id"] = id, ["lines"] = lines, ["language"] = language };

    private sealed class FarmingScope(Timeline line, bool previous) : IDisposable
    {
        public void Dispose() => line._farming = previous;
    }
}
