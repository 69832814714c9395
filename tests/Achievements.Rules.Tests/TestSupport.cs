using System.Globalization;
using System.Text;

namespace Achievements.Rules.Tests;

/// <summary>Tests as data: lines of <c>source ⇶ expected</c>; blank lines and <c>//</c> lines are skipped.</summary>
internal static class Table
{
    public const string Arrow = "⇶";

    public static TheoryData<string, string> Parse(string table)
    {
        var data = new TheoryData<string, string>();
        foreach (var raw in table.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith("//", StringComparison.Ordinal))
            {
                continue;
            }

            var arrow = line.LastIndexOf(Arrow, StringComparison.Ordinal);
            data.Add(line[..arrow].Trim().Replace("\\n", "\n", StringComparison.Ordinal), line[(arrow + 1)..].Trim());
        }

        return data;
    }
}

/// <summary>Sources with expected spans marked inline: <c>count(⟦pr.merge⟧)</c>.</summary>
internal static class MarkedSource
{
    public static (string Source, List<(int Start, int Length)> Spans) Parse(string marked)
    {
        var source = new StringBuilder();
        var spans = new List<(int, int)>();
        var open = new Stack<int>();
        foreach (var c in marked)
        {
            switch (c)
            {
                case '⟦':
                    open.Push(source.Length);
                    break;
                case '⟧':
                    var start = open.Pop();
                    spans.Add((start, source.Length - start));
                    break;
                default:
                    source.Append(c);
                    break;
            }
        }

        return (source.ToString(), spans.OrderBy(s => s.Item1).ToList());
    }
}

/// <summary>A syntax tree as an s-expression, without positions: two trees are equal when their dumps are.</summary>
internal static class SyntaxDump
{
    public static string Of(RuleSyntaxTree tree, bool showParentheses = false) => Of(tree.Root, showParentheses);

    public static string Of(ExpressionSyntax node, bool showParentheses) => node switch
    {
        LiteralSyntax { Token.Kind: TokenKind.Number, Token.Value: double d } => d.ToString("R", CultureInfo.InvariantCulture),
        LiteralSyntax { Token.Kind: TokenKind.String, Token.Value: string s } => $"\"{s}\"",
        LiteralSyntax { Token.Kind: TokenKind.Duration, Token.Value: TimeSpan t } => $"{t.TotalMinutes.ToString(CultureInfo.InvariantCulture)}min",
        LiteralSyntax literal => literal.Token.Text,
        NameSyntax name => name.Text,
        ListSyntax list => $"[{string.Join(" ", list.Elements.Select(e => Of(e, showParentheses)))}]",
        CallSyntax call => $"({call.Name.Text}{string.Concat(call.Arguments.Select(a => " " + Of(a, showParentheses)))})",
        WhereSyntax where => $"(where {Of(where.Source, showParentheses)} {Of(where.Condition, showParentheses)})",
        UnarySyntax unary => $"({unary.Operator.Kind.FixedText()} {Of(unary.Operand, showParentheses)})",
        BinarySyntax binary => $"({binary.Operator.Kind.FixedText()} {Of(binary.Left, showParentheses)} {Of(binary.Right, showParentheses)})",
        ParenthesizedSyntax p => showParentheses ? $"(paren {Of(p.Inner, showParentheses)})" : Of(p.Inner, showParentheses),
        _ => "?",
    };
}

internal static class Time
{
    /// <summary>Wednesday 15 January 2025, noon UTC: the "now" of evaluation tests.</summary>
    public static readonly DateTimeOffset Now = new(2025, 1, 15, 12, 0, 0, TimeSpan.Zero);

    public static DateTimeOffset Utc(int year, int month, int day, int hour = 12, int minute = 0) =>
        new(year, month, day, hour, minute, 0, TimeSpan.Zero);
}
