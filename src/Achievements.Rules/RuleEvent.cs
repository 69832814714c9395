namespace Achievements.Rules;

/// <summary>
/// One counted event of one signal, as rules read it: when, who, and the attribute values in the
/// positional order of the signal's <see cref="SignalSchema.Attributes"/>.
/// </summary>
/// <example>
/// <code>
/// var e = RuleEvent.Create(prMerged, DateTimeOffset.UtcNow, "ana", new Dictionary&lt;string, AttributeValue&gt;
/// {
///     ["repo"] = AttributeValue.Text("api"),
///     ["lines_added"] = AttributeValue.Number(120),
///     ["reviewers"] = AttributeValue.List("bo"),
/// });
/// </code>
/// </example>
public sealed class RuleEvent
{
    private readonly AttributeValue[] _values;

    /// <summary>Creates an event from values already in schema order; attributes beyond the list read as missing.</summary>
    /// <param name="signal">The signal type, e.g. <c>pr.merged</c>.</param>
    /// <param name="occurredAt">When it happened; any offset, compared in UTC.</param>
    /// <param name="actor">The employee the event belongs to.</param>
    /// <param name="values">The attribute values in the order of the signal's schema.</param>
    public RuleEvent(string signal, DateTimeOffset occurredAt, string actor, IReadOnlyList<AttributeValue> values)
    {
        ArgumentNullException.ThrowIfNull(signal);
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(values);
        Signal = signal;
        OccurredAt = occurredAt;
        Actor = actor;
        UtcTicks = occurredAt.UtcTicks;
        _values = [.. values];
    }

    /// <summary>The signal type, e.g. <c>pr.merged</c>.</summary>
    public string Signal { get; }

    /// <summary>When the event happened.</summary>
    public DateTimeOffset OccurredAt { get; }

    /// <summary>The employee the event belongs to; <c>actor</c> in rules.</summary>
    public string Actor { get; }

    /// <summary>The number of positional values held.</summary>
    public int ValueCount => _values.Length;

    /// <summary>The value at a schema position; missing when out of range.</summary>
    /// <param name="index">The attribute's position in the signal schema.</param>
    public AttributeValue this[int index] => (uint)index < (uint)_values.Length ? _values[index] : default;

    internal long UtcTicks { get; }

    /// <summary>Creates an event by attribute name; attributes not given are missing.</summary>
    /// <param name="schema">The signal's schema.</param>
    /// <param name="occurredAt">When it happened.</param>
    /// <param name="actor">The employee the event belongs to.</param>
    /// <param name="attributes">Values by attribute name.</param>
    /// <returns>The event.</returns>
    /// <exception cref="ArgumentException">
    /// A name is not an attribute of the signal, or a value's case does not fit the attribute's type.
    /// Both are mistakes of the calling code, so they fail loudly here rather than read as missing later.
    /// </exception>
    public static RuleEvent Create(
        SignalSchema schema,
        DateTimeOffset occurredAt,
        string actor,
        IReadOnlyDictionary<string, AttributeValue> attributes)
    {
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentNullException.ThrowIfNull(attributes);
        var values = new AttributeValue[schema.Attributes.Count];
        foreach (var (name, value) in attributes)
        {
            var index = schema.IndexOf(name);
            if (index < 0)
            {
                throw new ArgumentException($"Signal '{schema.Type}' has no attribute '{name}'.", nameof(attributes));
            }

            if (value.Kind != AttributeValueKind.Missing && value.Kind != KindOf(schema.Attributes[index].Type))
            {
                throw new ArgumentException(
                    $"Attribute '{name}' of '{schema.Type}' is {schema.Attributes[index].Type}, not {value.Kind}.", nameof(attributes));
            }

            values[index] = value;
        }

        return new RuleEvent(schema.Type, occurredAt, actor, values);
    }

    private static AttributeValueKind KindOf(AttributeType type) => type switch
    {
        AttributeType.Int or AttributeType.Number => AttributeValueKind.Number,
        AttributeType.String => AttributeValueKind.Text,
        AttributeType.Bool => AttributeValueKind.Bool,
        _ => AttributeValueKind.List,
    };
}
