using System.Globalization;

namespace Achievements.Rules;

/// <summary>A range of source characters.</summary>
internal readonly record struct TextSpan(int Start, int Length)
{
    public int End => Start + Length;

    public static TextSpan FromBounds(int start, int end) => new(start, Math.Max(0, end - start));
}

/// <summary>
/// Collects diagnostics for one source text. This is the only place where messages are written,
/// so wording stays consistent and every code is easy to find (and is documented in docs/rules.md).
/// </summary>
internal sealed class DiagnosticBag(string source)
{
    private readonly List<Diagnostic> _diagnostics = [];

    public IReadOnlyList<Diagnostic> Diagnostics => _diagnostics;

    public bool HasErrors => _diagnostics.Exists(d => d.Severity == DiagnosticSeverity.Error);

    public void AddRange(IEnumerable<Diagnostic> diagnostics) => _diagnostics.AddRange(diagnostics);

    // RL0xx: syntax

    public void UnexpectedCharacter(TextSpan span, char character)
    {
        var hint = character switch
        {
            '=' => "; compare with '=='",
            '!' => "; write '!=' or 'not'",
            '&' => "; write 'and'",
            '|' => "; write 'or'",
            '\'' => "; strings use double quotes",
            _ => "",
        };
        var shown = char.IsControl(character) ? $"U+{(int)character:X4}" : character.ToString();
        Error("RL001", span, $"unexpected character '{shown}'{hint}");
    }

    public void UnterminatedString(TextSpan span) =>
        Error("RL002", span, "unterminated string; close it with '\"' on the same line");

    public void InvalidEscape(TextSpan span, string escape) =>
        Error("RL003", span, $"unknown escape '{escape}' in string; only \\\" and \\\\ are allowed");

    public void InvalidNumber(TextSpan span, string text) =>
        Error("RL004", span, $"'{text}' is neither a number nor a duration; write a number such as 10 or 0.25, or a whole-number duration such as 30m, 24h, 7d or 12w");

    public void ExpectedToken(TextSpan span, string expected, string found) =>
        Error("RL005", span, $"expected {expected} but found {found}");

    public void ExpectedExpression(TextSpan span, string found) =>
        Error("RL006", span, $"expected a value, name or '(' but found {found}");

    public void UnexpectedAfterEnd(TextSpan span, string found) =>
        Error("RL007", span, $"unexpected {found} after the end of the rule; join conditions with 'and' or 'or', and values with an operator");

    public void NumberTooLarge(TextSpan span, string text) =>
        Error("RL008", span, $"the number '{text}' is too large");

    // RL1xx: names and types

    public void UnknownSignal(TextSpan span, string name, string? suggestion, IEnumerable<string> known) =>
        Error("RL101", span, $"unknown signal '{name}'; {DidYouMean(suggestion, "signals are", known)}");

    public void UnknownAttribute(TextSpan span, string signal, string name, string? suggestion, IEnumerable<string> known) =>
        Error("RL102", span, $"signal '{signal}' has no attribute '{name}'; {DidYouMean(suggestion, "its attributes are", known)}");

    public void UnknownFunction(TextSpan span, string name, string? suggestion, IEnumerable<string> known) =>
        Error("RL103", span, $"unknown function '{name}'; {DidYouMean(suggestion, "functions are", known)}");

    public void UnknownNameInWhere(TextSpan span, string name, string signal, string? suggestion, IEnumerable<string> known) =>
        Error("RL104", span, $"'{name}' is not an attribute of '{signal}'; {DidYouMean(suggestion, "its attributes are", known)}");

    public void NameOutsideWhere(TextSpan span, string name) =>
        Error("RL104", span, $"'{name}' means nothing here; signals are read through an aggregation such as count({name}, 90d), and attributes only inside 'where'");

    public void WrongArgumentCount(TextSpan span, string function, string usage, int found) =>
        Error("RL105", span, $"{function} takes {usage}; found {found} argument{(found == 1 ? "" : "s")}");

    public void OperatorTypes(TextSpan span, string op, RuleType left, RuleType right)
    {
        var hint = op switch
        {
            "+" or "-" or "*" or "/" => "arithmetic needs numbers",
            "<" or "<=" or ">" or ">=" => "only numbers can be ordered",
            "==" or "!=" => "both sides must have the same type",
            "in" => "'in' tests whether a string is in a list, e.g. language in [\"go\", \"rust\"]",
            _ => $"'{op}' joins conditions that are true or false",
        };
        Error("RL106", span, $"operator '{op}' cannot be applied to {Describe(left)} and {Describe(right)}; {hint}");
    }

    public void OperatorType(TextSpan span, string op, RuleType operand) =>
        Error("RL106", span, op == "not"
            ? $"'not' needs a condition that is true or false, not {Describe(operand)}"
            : $"'-' needs a number, not {Describe(operand)}");

    public void WrongResultType(TextSpan span, RuleKind kind, RuleType actual) =>
        Error("RL107", span, kind switch
        {
            RuleKind.Metric => $"a metric must be a number, but this is {Describe(actual)}; conditions belong in the badge's requirements",
            RuleKind.Requirement => $"a requirement must be true or false, but this is {Describe(actual)}; compare it, e.g. '... >= 5'",
            _ => $"a qualify condition must be true or false, but this is {Describe(actual)}; compare it, e.g. 'lines >= 1'",
        });

    public void AggregationInWhere(TextSpan span, string function) =>
        Error("RL108", span, $"'{function}' cannot be used inside 'where' or a qualify condition, which look at one event at a time");

    public void WhereNotAllowed(TextSpan span) =>
        Error("RL109", span, $"'where' can only filter the signal in the first argument of {string.Join(", ", FunctionTable.Aggregations[..^1])} or {FunctionTable.Aggregations[^1]}");

    public void WindowNotDuration(TextSpan span) =>
        Error("RL110", span, "a window must be a duration such as 30m, 24h, 7d or 12w");

    public void WindowOutOfRange(TextSpan span, string text) =>
        Error("RL111", span, $"the window '{text}' is out of range; windows go from 1m to 1095d (3 years)");

    public void NotASignal(TextSpan span, string function) =>
        Error("RL112", span, $"the first argument of {function} must be a signal name such as pr.merged");

    public void CountsEventsNotValues(TextSpan span, string function, string signal, string attribute) =>
        Error("RL112", span, $"{function} looks at events of '{signal}', not at attribute values; write {function}({signal}) or distinct({signal}.{attribute})");

    public void NeedsAttribute(TextSpan span, string function, string signal, string? example) =>
        Error("RL112", span, $"{function} needs an attribute of '{signal}', e.g. {function}({signal}.{example ?? "attribute"})");

    public void SumNeedsNumber(TextSpan span, string signal, string attribute, AttributeType type) =>
        Error("RL112", span, $"sum needs a numeric attribute, but '{attribute}' of '{signal}' is {Describe(TypeOf(type))}; use distinct or count instead");

    public void StreakPeriod(TextSpan span) =>
        Error("RL113", span, "streak needs 'day' or 'week' as its second argument, e.g. streak(pr.merged, week, 365d)");

    public void DurationNotValue(TextSpan span) =>
        Error("RL114", span, "a duration can only be the window of an aggregation, e.g. count(pr.merged, 90d)");

    public void DivisionByZero(TextSpan span) =>
        Error("RL115", span, "division by the constant 0; divide by a non-zero number or by an aggregation");

    public void ListElement(TextSpan span) =>
        Error("RL116", span, "list elements must be strings such as \"go\"");

    public void ExistsVariable(TextSpan span) =>
        Error("RL117", span, "the second argument of exists names each element, e.g. exists(reviewers, r, r != actor)");

    public void UnknownQualifySignal(TextSpan span, string? signal) =>
        Error("RL118", span, signal is null
            ? "a qualify condition needs the signal it belongs to"
            : $"a qualify condition belongs to signal '{signal}', which is not in the catalog");

    public void ArgumentType(TextSpan span, string function, string expected, RuleType actual) =>
        Error("RL119", span, $"{function} needs {expected} here, not {Describe(actual)}");

    public void OnlyInWhere(TextSpan span, string name) =>
        Error("RL120", span, $"'{name}' reads the attributes of one event, so it can only be used inside 'where' or a qualify condition");

    // RL2xx: limits

    public void SourceTooLong(TextSpan span, int length) =>
        Error("RL201", span, string.Create(CultureInfo.InvariantCulture, $"the rule is {length} characters long; the limit is {RuleLimits.MaxSourceLength}"));

    public void NestingTooDeep(TextSpan span) =>
        Error("RL202", span, string.Create(CultureInfo.InvariantCulture, $"the rule nests deeper than {RuleLimits.MaxNesting} levels; remove parentheses or split it"));

    public void TooManyAggregations(TextSpan span) =>
        Error("RL203", span, string.Create(CultureInfo.InvariantCulture, $"the rule has more than {RuleLimits.MaxAggregations} aggregations; simplify it"));

    // AG00x: anti-gaming

    public void VolumeRaisesBadge(TextSpan span, SignalSchema signal, bool eitherWay)
    {
        var how = eitherWay ? "can push the result either way" : "raises the result";
        var fix = signal.Kind == SignalKind.Volume
            ? $"use it only where more of it lowers the result, e.g. count(pr.merged, 90d) / count({signal.Type}, 90d)"
            : $"use it only where more of it lowers the result, e.g. count(pr.merged) - count({signal.Type})";
        var (kind, risk) = signal.Kind switch
        {
            SignalKind.Volume => ("a volume", "token or prompt volume"),
            SignalKind.Evidence => ("an evidence", "what a tool or a source says about work, which is attribution,"),
            _ => ("a correction", "undone work"),
        };
        Error("AG001", span, $"'{signal.Type}' is {kind} signal and more of it {how}; this would let {risk} raise the badge; {fix}");
    }

    public void NoOutcome(TextSpan span, IEnumerable<string> outcomes) =>
        Error("AG002", span, $"no outcome signal earns this badge; the metric must grow with at least one outcome signal ({string.Join(", ", outcomes)})");

    internal static string Describe(RuleType type) => type switch
    {
        RuleType.Number => "a number",
        RuleType.Bool => "true or false",
        RuleType.String => "a string",
        RuleType.List => "a list",
        RuleType.Duration => "a duration",
        _ => "an invalid value",
    };

    internal static RuleType TypeOf(AttributeType type) => type switch
    {
        AttributeType.Int or AttributeType.Number => RuleType.Number,
        AttributeType.String => RuleType.String,
        AttributeType.Bool => RuleType.Bool,
        _ => RuleType.List,
    };

    private static string DidYouMean(string? suggestion, string listIntro, IEnumerable<string> known)
    {
        if (suggestion is not null)
        {
            return $"did you mean '{suggestion}'?";
        }

        var names = known.ToList();
        return names.Count == 0 ? "there are none" : $"{listIntro}: {string.Join(", ", names.Take(12))}{(names.Count > 12 ? ", ..." : "")}";
    }

    private void Error(string code, TextSpan span, string message)
    {
        var (line, column) = Position(span.Start);
        _diagnostics.Add(new Diagnostic(code, DiagnosticSeverity.Error, message, span.Start, span.Length, line, column));
    }

    private (int Line, int Column) Position(int offset)
    {
        var line = 1;
        var lineStart = 0;
        var end = Math.Min(offset, source.Length);
        for (var i = 0; i < end; i++)
        {
            if (source[i] == '\n')
            {
                line++;
                lineStart = i + 1;
            }
        }

        return (line, offset - lineStart + 1);
    }
}

/// <summary>The limits that keep compiling and evaluating cheap whatever an admin writes.</summary>
internal static class RuleLimits
{
    public const int MaxSourceLength = 4000;
    public const int MaxNesting = 64;
    public const int MaxAggregations = 32;
    public static readonly TimeSpan MinWindow = TimeSpan.FromMinutes(1);
    public static readonly TimeSpan MaxWindow = TimeSpan.FromDays(1095);
}

/// <summary>Finds the closest known name to a misspelt one.</summary>
internal static class Spelling
{
    public static string? Suggest(string name, IEnumerable<string> candidates)
    {
        // Allow roughly one typo per three characters: 'pr.merge' finds 'pr.merged', 'x' finds nothing.
        var limit = Math.Max(1, name.Length / 3);
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in candidates)
        {
            var distance = Distance(name, candidate);
            if (distance <= limit && distance < bestDistance)
            {
                best = candidate;
                bestDistance = distance;
            }
        }

        return best;
    }

    /// <summary>Levenshtein distance, two rows at a time.</summary>
    public static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                current[j] = Math.Min(substitution, Math.Min(previous[j], current[j - 1]) + 1);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
