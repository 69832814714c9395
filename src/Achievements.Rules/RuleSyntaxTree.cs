namespace Achievements.Rules;

/// <summary>
/// Parsed rule source: the syntax tree and any syntax diagnostics. Parsing never throws; errors are
/// reported and the tree is completed with invented tokens. Used by <see cref="RuleFormatter"/>.
/// </summary>
/// <example>
/// <code>
/// var tree = RuleSyntaxTree.Parse("count( pr.merged ,90d )");
/// RuleFormatter.Format(tree); // "count(pr.merged, 90d)"
/// </code>
/// </example>
public sealed class RuleSyntaxTree
{
    private RuleSyntaxTree(string source, ExpressionSyntax root, IReadOnlyList<Diagnostic> diagnostics)
    {
        Source = source;
        Root = root;
        Diagnostics = diagnostics;
    }

    /// <summary>The parsed text.</summary>
    public string Source { get; }

    /// <summary>Syntax and limit diagnostics; empty when the source is well-formed.</summary>
    public IReadOnlyList<Diagnostic> Diagnostics { get; }

    internal ExpressionSyntax Root { get; }

    /// <summary>Parses rule source.</summary>
    /// <param name="source">The text; longer than 4,000 characters is reported (RL201) and not parsed.</param>
    /// <returns>The tree.</returns>
    public static RuleSyntaxTree Parse(string source)
    {
        ArgumentNullException.ThrowIfNull(source);
        var diagnostics = new DiagnosticBag(source);
        return new RuleSyntaxTree(source, Parse(source, diagnostics, out _), diagnostics.Diagnostics);
    }

    // complete is false when a limit stopped the parse: the tree is then a fragment not worth binding.
    internal static ExpressionSyntax Parse(string source, DiagnosticBag diagnostics, out bool complete)
    {
        complete = false;
        if (source.Length > RuleLimits.MaxSourceLength)
        {
            // Checked before lexing: every later stage may then assume a small tree.
            diagnostics.SourceTooLong(TextSpan.FromBounds(RuleLimits.MaxSourceLength, source.Length), source.Length);
            return new NameSyntax([new Token(TokenKind.Identifier, 0, "", IsMissing: true)]);
        }

        var parser = new Parser(source, diagnostics);
        var root = parser.ParseRule();
        complete = !parser.Abandoned;
        return root;
    }
}
