using System.Text;

namespace Achievements.Rules;

/// <summary>
/// Writes a syntax tree as canonical text: one space around binary operators and after commas,
/// none inside brackets, numbers without redundant zeros, strings re-escaped. Parentheses are kept
/// as written, so parsing the output gives the same tree. Comments are not part of the tree and are dropped.
/// </summary>
/// <example>
/// <c>RuleFormatter.Format(RuleSyntaxTree.Parse("count(pr.merged where repo!=\"x\",090d)*1.50"))</c>
/// returns <c>count(pr.merged where repo != "x", 90d) * 1.5</c>.
/// </example>
public static class RuleFormatter
{
    /// <summary>Formats a parsed tree.</summary>
    /// <param name="tree">The tree, ideally without syntax errors (invented tokens print as nothing).</param>
    /// <returns>The canonical text.</returns>
    public static string Format(RuleSyntaxTree tree)
    {
        ArgumentNullException.ThrowIfNull(tree);
        return Format(tree.Root);
    }

    internal static string Format(ExpressionSyntax syntax)
    {
        var builder = new StringBuilder();
        Write(builder, syntax);
        return builder.ToString();
    }

    private static void Write(StringBuilder builder, ExpressionSyntax syntax)
    {
        switch (syntax)
        {
            case LiteralSyntax literal:
                builder.Append(FormatLiteral(literal.Token));
                break;
            case NameSyntax name:
                builder.Append(name.Text);
                break;
            case ListSyntax list:
                builder.Append('[');
                WriteSeparated(builder, list.Elements);
                builder.Append(']');
                break;
            case CallSyntax call:
                builder.Append(call.Name.Text).Append('(');
                WriteSeparated(builder, call.Arguments);
                builder.Append(')');
                break;
            case WhereSyntax where:
                Write(builder, where.Source);
                builder.Append(" where ");
                Write(builder, where.Condition);
                break;
            case UnarySyntax unary:
                builder.Append(unary.Operator.Kind == TokenKind.NotKeyword ? "not " : "-");
                Write(builder, unary.Operand);
                break;
            case BinarySyntax binary:
                Write(builder, binary.Left);
                builder.Append(' ').Append(binary.Operator.Kind.FixedText()).Append(' ');
                Write(builder, binary.Right);
                break;
            case ParenthesizedSyntax parenthesized:
                builder.Append('(');
                Write(builder, parenthesized.Inner);
                builder.Append(')');
                break;
        }
    }

    private static void WriteSeparated(StringBuilder builder, IEnumerable<ExpressionSyntax> items)
    {
        var first = true;
        foreach (var item in items)
        {
            if (!first)
            {
                builder.Append(", ");
            }

            Write(builder, item);
            first = false;
        }
    }

    private static string FormatLiteral(Token token) => token.Kind switch
    {
        TokenKind.Number or TokenKind.Duration => TrimZeros(token.Text),
        TokenKind.String when token.Value is string value =>
            "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"",
        _ => token.Text,
    };

    /// <summary>
    /// Canonical digits from the literal's own text rather than from its double value: the text
    /// is exact, while printing a double could produce an exponent the lexer does not read.
    /// </summary>
    private static string TrimZeros(string text)
    {
        var digitsEnd = 0;
        while (digitsEnd < text.Length && (char.IsAsciiDigit(text[digitsEnd]) || text[digitsEnd] == '.'))
        {
            digitsEnd++;
        }

        var digits = text[..digitsEnd];
        var unit = text[digitsEnd..];
        var dot = digits.IndexOf('.', StringComparison.Ordinal);
        var whole = (dot < 0 ? digits : digits[..dot]).TrimStart('0');
        var fraction = dot < 0 ? "" : digits[(dot + 1)..].TrimEnd('0');
        return (whole.Length == 0 ? "0" : whole) + (fraction.Length == 0 ? "" : "." + fraction) + unit;
    }
}
