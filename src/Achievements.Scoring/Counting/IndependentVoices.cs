using System.Globalization;

namespace Achievements.Scoring;

/// <summary>
/// Who vouches for whom with an independent voice: the one place that answers it for counting. Three things make a
/// voucher no voice of their own for an author's outcome:
/// <list type="bullet">
/// <item><b>Only people vouch.</b> A voice is a non-bot employee whom an authority put in the directory (an admin,
/// SCIM, an identity an admin mapped, or a source the organisation trusts to create people). A name that a source's
/// event merely carried vouches for nothing.</item>
/// <item><b>Concentration.</b> Reviewers flagged as an author's patrons (<c>patronage</c>) are part of that author's
/// voice: they vouch for the author's outcomes with no voice at all, however many of them there are.</item>
/// <item><b>Closed circles.</b> Members of a flagged circle (<c>closed-circle</c>), whose received vouching comes from
/// inside it, vouch for each other as one voice, the circle's.</item>
/// </list>
/// </summary>
/// <example>
/// With ann, ben and cat in circle 7 and pat a patron of fay (flag 9): <c>VoiceOf("ann", "ben")</c> and
/// <c>VoiceOf("ann", "cat")</c> are both <c>circle:7</c>, one voice; <c>VoiceOf("fay", "pat")</c> is null, no voice;
/// <c>VoiceOf("ann", "dev")</c> is <c>dev</c> when dev is a person in the directory, and null when dev is only a
/// name an event carried.
/// </example>
public sealed class IndependentVoices
{
    private static readonly Dictionary<string, long> NoCircles = new(StringComparer.Ordinal);
    private static readonly Dictionary<string, HashSet<long>> NoPatronage = new(StringComparer.Ordinal);

    private readonly IReadOnlySet<string>? _people;
    private readonly IReadOnlyDictionary<string, long> _circleOf;
    private readonly IReadOnlyDictionary<string, HashSet<long>> _patronageOf;

    private IndependentVoices(IReadOnlySet<string>? people, IReadOnlyDictionary<string, long> circleOf, IReadOnlyDictionary<string, HashSet<long>> patronageOf) =>
        (_people, _circleOf, _patronageOf) = (people, circleOf, patronageOf);

    /// <summary>Everyone named vouches, and nobody is flagged: for counting without a directory (tests of the policy alone).</summary>
    public static IndependentVoices Everyone { get; } = new(null, NoCircles, NoPatronage);

    /// <summary>Whether <paramref name="name"/> is a person who may vouch at all.</summary>
    public bool IsPerson(string name) => _people is null || _people.Contains(name);

    /// <summary>
    /// The voice <paramref name="voucher"/> speaks with for <paramref name="actor"/>'s outcome: their own, the shared
    /// circle's, or null when they are no independent voice (the actor themself, not a person, or the actor's patron).
    /// </summary>
    public string? VoiceOf(string actor, string voucher)
    {
        if (voucher == actor || !IsPerson(voucher))
        {
            return null;
        }

        if (_patronageOf.TryGetValue(actor, out var flags) && _patronageOf.TryGetValue(voucher, out var theirs) && flags.Overlaps(theirs))
        {
            return null;
        }

        return _circleOf.TryGetValue(actor, out var mine) && _circleOf.TryGetValue(voucher, out var circle) && mine == circle
            ? $"circle:{mine.ToString(CultureInfo.InvariantCulture)}"
            : voucher;
    }

    /// <summary>The same voices with only <paramref name="people"/> vouching (null: everyone named).</summary>
    public IndependentVoices WithPeople(IReadOnlySet<string>? people) => new(people, _circleOf, _patronageOf);

    /// <summary>
    /// From the members of open and confirmed flags that change voices. Circle flags that share a member are one
    /// circle, numbered by the lowest flag id: the same circle flagged again with a member more or less is still one
    /// relationship, not two. A patronage flag names an author and their patrons; someone may be in several.
    /// </summary>
    /// <param name="people">Who may vouch (null: everyone named).</param>
    /// <param name="flagged">Each flag's id, detector and member.</param>
    public static IndependentVoices From(IReadOnlySet<string>? people, IEnumerable<(long Flag, string Detector, string Employee)> flagged)
    {
        var all = flagged.ToList();
        var circleOf = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var flag in all.Where(f => f.Detector == Finding.ClosedCircle).GroupBy(m => m.Flag).OrderBy(g => g.Key))
        {
            var employees = flag.Select(m => m.Employee).ToList();
            var joined = employees.Where(circleOf.ContainsKey).Select(e => circleOf[e]).Append(flag.Key).ToHashSet();
            var circle = joined.Min();
            foreach (var employee in circleOf.Where(c => joined.Contains(c.Value)).Select(c => c.Key).ToList())
            {
                circleOf[employee] = circle;
            }

            foreach (var employee in employees)
            {
                circleOf[employee] = circle;
            }
        }

        var patronageOf = new Dictionary<string, HashSet<long>>(StringComparer.Ordinal);
        foreach (var (flag, _, employee) in all.Where(f => f.Detector == Finding.Patronage))
        {
            (patronageOf.TryGetValue(employee, out var flags) ? flags : patronageOf[employee] = []).Add(flag);
        }

        return new IndependentVoices(people, circleOf, patronageOf);
    }
}
