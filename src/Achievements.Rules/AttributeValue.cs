namespace Achievements.Rules;

/// <summary>Which case of <see cref="AttributeValue"/> a value holds.</summary>
/// <example><c>AttributeValue.Text("go").Kind == AttributeValueKind.Text</c></example>
public enum AttributeValueKind
{
    /// <summary>The event lacks the attribute.</summary>
    Missing,

    /// <summary>A number (for <see cref="AttributeType.Int"/> and <see cref="AttributeType.Number"/>).</summary>
    Number,

    /// <summary>Text.</summary>
    Text,

    /// <summary>True or false.</summary>
    Bool,

    /// <summary>A list of texts.</summary>
    List,
}

/// <summary>
/// One attribute value of an event, without boxing. <c>default</c> is <see cref="Missing"/>.
/// A value whose case does not fit the attribute's type is read as missing, never as an error.
/// </summary>
/// <example>
/// <code>
/// AttributeValue.Number(120); AttributeValue.Text("main"); AttributeValue.Bool(true);
/// AttributeValue.List("ana", "bo"); AttributeValue.Missing;
/// </code>
/// </example>
public readonly struct AttributeValue : IEquatable<AttributeValue>
{
    private readonly double _number;
    private readonly object? _reference;

    private AttributeValue(AttributeValueKind kind, double number, object? reference)
    {
        Kind = kind;
        _number = number;
        _reference = reference;
    }

    /// <summary>Which case this value holds.</summary>
    public AttributeValueKind Kind { get; }

    /// <summary>The value of an attribute the event lacks.</summary>
    public static AttributeValue Missing => default;

    /// <summary>A number. Infinities and NaN are kept but read as missing by rules.</summary>
    /// <param name="value">The number.</param>
    /// <returns>The value.</returns>
    public static AttributeValue Number(double value) => new(AttributeValueKind.Number, value, null);

    /// <summary>Text; <c>null</c> gives <see cref="Missing"/>.</summary>
    /// <param name="value">The text.</param>
    /// <returns>The value.</returns>
    public static AttributeValue Text(string? value) => value is null ? Missing : new(AttributeValueKind.Text, 0, value);

    /// <summary>True or false.</summary>
    /// <param name="value">The boolean.</param>
    /// <returns>The value.</returns>
    public static AttributeValue Bool(bool value) => new(AttributeValueKind.Bool, value ? 1 : 0, null);

    /// <summary>A list of texts, copied; <c>null</c> gives <see cref="Missing"/> and null items are dropped.</summary>
    /// <param name="items">The texts.</param>
    /// <returns>The value.</returns>
    public static AttributeValue List(params IEnumerable<string?>? items) =>
        items is null ? Missing : new(AttributeValueKind.List, 0, items.OfType<string>().ToArray());

    /// <summary>The number, or NaN (the evaluator's "missing") for any other case or a non-finite number.</summary>
    /// <summary>The text of a <see cref="AttributeValueKind.Text"/> value; otherwise null.</summary>
    /// <example><c>AttributeValue.Text("web").TextValue</c> is <c>"web"</c>.</example>
    public string? TextValue => TextOrNull;

    /// <summary>The strings of a list value, or null for any other kind.</summary>
    /// <example><c>AttributeValue.List("ada", "grace").ListValue</c> is <c>["ada", "grace"]</c>.</example>
    public IReadOnlyList<string>? ListValue => ListOrNull;

    /// <summary>The boolean of a <see cref="AttributeValueKind.Bool"/> value; otherwise null.</summary>
    /// <example><c>AttributeValue.Bool(true).BoolValue</c> is <c>true</c>.</example>
    public bool? BoolValue => BoolOrNull;

    /// <summary>The number of a <see cref="AttributeValueKind.Number"/> value; otherwise null.</summary>
    /// <example><c>AttributeValue.Number(40).NumberValue</c> is <c>40</c>.</example>
    public double? NumberValue => Kind == AttributeValueKind.Number ? _number : null;

    internal double NumberOrNaN => Kind == AttributeValueKind.Number && double.IsFinite(_number) ? _number : double.NaN;

    /// <summary>The text, or null.</summary>
    internal string? TextOrNull => Kind == AttributeValueKind.Text ? (string?)_reference : null;

    /// <summary>The list, or null.</summary>
    internal string[]? ListOrNull => Kind == AttributeValueKind.List ? (string[]?)_reference : null;

    /// <summary>The boolean, or null.</summary>
    internal bool? BoolOrNull => Kind == AttributeValueKind.Bool ? _number != 0 : null;

    /// <inheritdoc/>
    public bool Equals(AttributeValue other) =>
        Kind == other.Kind && _number.Equals(other._number) && Kind switch
        {
            AttributeValueKind.Text => string.Equals(TextOrNull, other.TextOrNull, StringComparison.Ordinal),
            AttributeValueKind.List => ListOrNull!.AsSpan().SequenceEqual(other.ListOrNull),
            _ => true,
        };

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is AttributeValue other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Kind, _number, Kind == AttributeValueKind.Text ? _reference : null);

    /// <summary>Compares two values by case and content.</summary>
    /// <param name="left">One value.</param>
    /// <param name="right">The other.</param>
    /// <returns>Whether they are equal.</returns>
    public static bool operator ==(AttributeValue left, AttributeValue right) => left.Equals(right);

    /// <summary>Compares two values by case and content.</summary>
    /// <param name="left">One value.</param>
    /// <param name="right">The other.</param>
    /// <returns>Whether they differ.</returns>
    public static bool operator !=(AttributeValue left, AttributeValue right) => !left.Equals(right);

    /// <inheritdoc/>
    public override string ToString() => Kind switch
    {
        AttributeValueKind.Number => _number.ToString(System.Globalization.CultureInfo.InvariantCulture),
        AttributeValueKind.Text => $"\"{TextOrNull}\"",
        AttributeValueKind.Bool => _number != 0 ? "true" : "false",
        AttributeValueKind.List => $"[{string.Join(", ", ListOrNull!.Select(item => $"\"{item}\""))}]",
        _ => "missing",
    };
}
