namespace Achievements.Rules;

/// <summary>
/// What a signal says about a person's work; decides where it may appear in a metric.
/// </summary>
/// <example>
/// <c>pr.merged</c> is an <see cref="Outcome"/>, <c>tokens.consumed</c> is <see cref="Volume"/>,
/// <c>pr.reverted</c> is a <see cref="Correction"/>, <c>ai.evidence</c> is <see cref="Evidence"/>.
/// </example>
public enum SignalKind
{
    /// <summary>Something was achieved (a merged pull request, an accepted suggestion). More may raise a badge.</summary>
    Outcome,

    /// <summary>Raw usage (tokens, prompts, shown suggestions). More must never raise a badge.</summary>
    Volume,

    /// <summary>Work undone (a revert, a discarded suggestion). More must never raise a badge.</summary>
    Correction,

    /// <summary>What a tool or a source says about work (that AI took part in it). Attribution: more must never raise a badge.</summary>
    Evidence,
}

/// <summary>The type of a signal attribute as rules see it.</summary>
/// <example><c>lines_added</c> is <see cref="Int"/>, <c>reviewers</c> is <see cref="StringList"/>.</example>
public enum AttributeType
{
    /// <summary>A whole number; a number to rules.</summary>
    Int,

    /// <summary>A number.</summary>
    Number,

    /// <summary>Text.</summary>
    String,

    /// <summary>True or false.</summary>
    Bool,

    /// <summary>A list of texts, usable with <c>in</c>, <c>size</c> and <c>exists</c>.</summary>
    StringList,
}

/// <summary>One attribute of a signal.</summary>
/// <param name="Name">The name rules use, e.g. <c>lines_added</c>.</param>
/// <param name="Type">Its type.</param>
/// <param name="Optional">Whether events may lack it; every comparison with a missing value is false.</param>
/// <param name="Signed">
/// Whether a numeric attribute may be negative. Unsigned numbers are non-negative, which the
/// anti-gaming analysis relies on; a <c>sum</c> of a signed attribute can move a result either way.
/// </param>
/// <example><c>new AttributeSchema("ai_assisted", AttributeType.Bool, Optional: true)</c></example>
public sealed record AttributeSchema(string Name, AttributeType Type, bool Optional = false, bool Signed = false);

/// <summary>A signal type of the catalog: its name, kind and attributes in positional order.</summary>
/// <example>
/// <code>
/// var merged = new SignalSchema("pr.merged", SignalKind.Outcome,
/// [
///     new AttributeSchema("repo", AttributeType.String),
///     new AttributeSchema("lines_added", AttributeType.Int),
/// ]);
/// int repo = merged.IndexOf("repo"); // 0
/// </code>
/// </example>
public sealed class SignalSchema
{
    private readonly Dictionary<string, int> _indexByName = new(StringComparer.Ordinal);

    /// <summary>Creates a signal schema.</summary>
    /// <param name="type">The dotted signal type, e.g. <c>pr.merged</c>.</param>
    /// <param name="kind">Outcome, volume or correction.</param>
    /// <param name="attributes">The attributes; their order is the order of <see cref="RuleEvent"/> values.</param>
    /// <exception cref="ArgumentException">An attribute name repeats or is the reserved word <c>actor</c>.</exception>
    public SignalSchema(string type, SignalKind kind, IReadOnlyList<AttributeSchema> attributes)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(type);
        ArgumentNullException.ThrowIfNull(attributes);
        Type = type;
        Kind = kind;
        Attributes = [.. attributes];
        for (var i = 0; i < Attributes.Count; i++)
        {
            var name = Attributes[i].Name;
            // 'actor' always means the event's employee inside 'where'; an attribute of that name could never be read.
            if (name == "actor" || !_indexByName.TryAdd(name, i))
            {
                throw new ArgumentException($"Signal '{type}' cannot have an attribute named '{name}' (repeated or reserved).", nameof(attributes));
            }
        }
    }

    /// <summary>The dotted signal type, e.g. <c>pr.merged</c>.</summary>
    public string Type { get; }

    /// <summary>Outcome, volume or correction.</summary>
    public SignalKind Kind { get; }

    /// <summary>The attributes in positional order.</summary>
    public IReadOnlyList<AttributeSchema> Attributes { get; }

    /// <summary>The position of an attribute, or -1 when the signal has none of that name.</summary>
    /// <param name="attributeName">The attribute name.</param>
    /// <returns>The index into <see cref="Attributes"/> and into event values.</returns>
    public int IndexOf(string attributeName) => _indexByName.GetValueOrDefault(attributeName, -1);

    /// <inheritdoc/>
    public override string ToString() => Type;
}

/// <summary>The signal types rules may name, looked up by type.</summary>
/// <example>
/// <code>
/// var catalog = new SignalCatalog([merged, reverted]);
/// catalog.TryGetSignal("pr.merged", out var schema);
/// </code>
/// </example>
public sealed class SignalCatalog
{
    private readonly Dictionary<string, SignalSchema> _byType = new(StringComparer.Ordinal);

    /// <summary>Creates a catalog.</summary>
    /// <param name="signals">The signals; types must be unique.</param>
    /// <exception cref="ArgumentException">A signal type repeats.</exception>
    public SignalCatalog(IEnumerable<SignalSchema> signals)
    {
        ArgumentNullException.ThrowIfNull(signals);
        foreach (var signal in signals)
        {
            if (!_byType.TryAdd(signal.Type, signal))
            {
                throw new ArgumentException($"Signal '{signal.Type}' appears twice in the catalog.", nameof(signals));
            }
        }

        Signals = [.. _byType.Values];
    }

    /// <summary>All signals, in the order given.</summary>
    public IReadOnlyList<SignalSchema> Signals { get; }

    /// <summary>Looks a signal up by its type.</summary>
    /// <param name="type">The dotted type, e.g. <c>pr.merged</c>.</param>
    /// <param name="signal">The schema, when found.</param>
    /// <returns>Whether the catalog holds the type.</returns>
    public bool TryGetSignal(string type, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out SignalSchema? signal) =>
        _byType.TryGetValue(type, out signal);
}
