namespace Achievements.Rules.Tests;

/// <summary>
/// Each line: an optional scope (<c>requires:</c> or <c>qualify SIGNAL:</c>; metric by default), the source
/// with every expected diagnostic span marked ⟦like this⟧, then the expected codes in source order.
/// </summary>
public sealed class DiagnosticTests
{
    public static TheoryData<string, string> Cases => Table.Parse("""
        // RL0xx: syntax
        count(pr.merged)⟦$⟧                                       ⇶ RL001
        requires: count(pr.merged) ⟦=⟧> 1                         ⇶ RL001
        count(pr.merged where repo == ⟦"main⟧⟦⟧                   ⇶ RL002, RL005
        requires: count(pr.merged where repo == "a⟦\t⟧b") >= 1    ⇶ RL003
        count(pr.merged, ⟦7days⟧)                                 ⇶ RL004
        count(pr.merged, ⟦1.5d⟧)                                  ⇶ RL004
        count(pr.merged, 90d⟦⟧                                    ⇶ RL005
        count(pr.merged) + ⟦)⟧                                    ⇶ RL006
        count(pr.merged) ⟦count⟧(pr.merged)                       ⇶ RL007

        // RL1xx: names and types
        count(⟦pr.merge⟧)                                         ⇶ RL101
        sum(⟦suggestion.acepted⟧.lines, 30d)                      ⇶ RL101
        sum(suggestion.accepted.⟦line⟧, 30d)                      ⇶ RL102
        ⟦cont⟧(pr.merged)                                         ⇶ RL103
        count(pr.merged where ⟦repos⟧ == "x")                     ⇶ RL104
        ⟦pr.merged⟧                                               ⇶ RL104
        ⟦count()⟧                                                 ⇶ RL105
        ⟦streak(pr.merged)⟧                                       ⇶ RL105
        ⟦min(count(pr.merged))⟧                                   ⇶ RL105
        count(pr.merged where ⟦repo == 5⟧)                        ⇶ RL106
        count(pr.merged where ⟦repo > "a"⟧)                       ⇶ RL106
        ⟦count(pr.merged) + true⟧                                 ⇶ RL106
        requires: ⟦not count(pr.merged)⟧                          ⇶ RL106
        count(pr.merged where ⟦repo in "a"⟧)                      ⇶ RL106
        ⟦count(pr.merged) > 5⟧                                    ⇶ RL107
        requires: ⟦count(pr.merged)⟧                              ⇶ RL107
        qualify pr.merged: ⟦lines_added⟧                          ⇶ RL107
        qualify pr.merged: ⟦count⟧(pr.merged) > 1                 ⇶ RL108
        count(pr.merged where ⟦count⟧(pr.reverted) > 0)           ⇶ RL108
        max(count(pr.merged) ⟦where⟧ repo == "x", 1)              ⇶ RL109
        count(pr.merged, ⟦90⟧)                                    ⇶ RL110
        count(pr.merged, ⟦1096d⟧)                                 ⇶ RL111
        count(pr.merged, ⟦0m⟧)                                    ⇶ RL111
        count(pr.merged, ⟦157w⟧)                                  ⇶ RL111
        sum(⟦suggestion.accepted.language⟧)                       ⇶ RL112
        count(⟦pr.merged.repo⟧)                                   ⇶ RL112
        sum(⟦pr.merged⟧)                                          ⇶ RL112
        count(⟦1⟧)                                                ⇶ RL112
        streak(pr.merged, ⟦month⟧)                                ⇶ RL113
        count(pr.merged) + ⟦7d⟧                                   ⇶ RL114
        count(pr.merged) / ⟦0⟧                                    ⇶ RL115
        count(pr.merged) / ⟦(1 - 1)⟧                              ⇶ RL115
        count(pr.merged where repo in ["a", ⟦1⟧])                 ⇶ RL116
        count(pr.merged where exists(reviewers, ⟦"r"⟧, true))     ⇶ RL117
        max(count(pr.merged), ⟦true⟧)                             ⇶ RL119
        count(pr.merged where ⟦lines_added⟧)                      ⇶ RL119
        count(pr.merged where size(⟦repo⟧) > 1)                   ⇶ RL119
        count(pr.merged) + ⟦size⟧(1)                              ⇶ RL120
        count(pr.merged) + ⟦actor⟧                                ⇶ RL120

        // One parse reports every error, and a mistake is reported once.
        count(⟦pr.merge⟧) + sum(pr.merged.⟦lines⟧) + ⟦dayz⟧(pr.merged)  ⇶ RL101, RL102, RL103
        count(pr.merged where ⟦repo == 1⟧) > 1 and ⟦x⟧            ⇶ RL106, RL104

        // AG00x: anti-gaming
        ⟦⟦count(tokens.consumed)⟧⟧                                ⇶ AG001, AG002
        count(pr.merged) + ⟦count(prompt.sent)⟧ / 100             ⇶ AG001
        count(pr.merged) * ⟦sum(tokens.consumed.tokens)⟧          ⇶ AG001
        ⟦0 - count(pr.merged)⟧                                    ⇶ AG002
        requires: ⟦count(suggestion.shown, 30d)⟧ >= 10            ⇶ AG001
        """);

    [Theory]
    [MemberData(nameof(Cases))]
    public void Every_diagnostic_is_reported_at_its_span(string marked, string expectedCodes)
    {
        var (kind, signal, text) = Scope(marked);
        var (source, spans) = MarkedSource.Parse(text);

        var compilation = RuleCompiler.Compile(source, kind, TestCatalog.Catalog, signal);

        var actual = compilation.Diagnostics.OrderBy(d => d.Start).ThenBy(d => d.Code, StringComparer.Ordinal)
            .Select(d => $"{d.Code}@{d.Start}+{d.Length}");
        var expected = expectedCodes.Split(", ").Zip(spans).Select(p => $"{p.First}@{p.Second.Start}+{p.Second.Length}")
            .OrderBy(s => int.Parse(s.Split('@', '+')[1], System.Globalization.CultureInfo.InvariantCulture)).ThenBy(s => s, StringComparer.Ordinal);
        Assert.Equal(expected, actual);
        Assert.False(compilation.Success);
        Assert.All(compilation.Diagnostics, d => Assert.False(string.IsNullOrWhiteSpace(d.Message)));
    }

    [Theory]
    [InlineData("count(pr.merge)", "unknown signal 'pr.merge'; did you mean 'pr.merged'?")]
    [InlineData("sum(suggestion.accepted.line)", "signal 'suggestion.accepted' has no attribute 'line'; did you mean 'lines'?")]
    [InlineData("count(pr.merged where repos == \"x\")", "'repos' is not an attribute of 'pr.merged'; did you mean 'repo'?")]
    [InlineData("cont(pr.merged)", "unknown function 'cont'; did you mean 'count'?")]
    [InlineData("count(zzz)", "unknown signal 'zzz'; signals are: tokens.consumed, prompt.sent,")]
    [InlineData("count(tokens.consumed)", "this would let token or prompt volume raise the badge")]
    [InlineData("0 - count(pr.merged)", "no outcome signal earns this badge")]
    public void Messages_say_how_to_fix_the_rule(string source, string expected)
    {
        var message = TestCatalog.Metric(source).Diagnostics[0].Message;
        Assert.Contains(expected, message, StringComparison.Ordinal);
    }

    [Fact]
    public void Lines_and_columns_count_from_one()
    {
        var diagnostic = Assert.Single(TestCatalog.Metric("# merged work\ncount(pr.merged) +\n  count(pr.merge)").Diagnostics);
        Assert.Equal(("RL101", 3, 9, 8), (diagnostic.Code, diagnostic.Line, diagnostic.Column, diagnostic.Length));
        Assert.Equal(41, diagnostic.Start);
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
    }

    [Fact]
    public void A_qualify_condition_needs_a_signal_of_the_catalog()
    {
        Assert.Equal("RL118", RuleCompiler.Compile("lines >= 1", RuleKind.Qualify, TestCatalog.Catalog, "nope").Diagnostics.Single().Code);
        Assert.Equal("RL118", RuleCompiler.Compile("lines >= 1", RuleKind.Qualify, TestCatalog.Catalog).Diagnostics.Single().Code);
    }

    [Fact]
    public void Source_longer_than_4000_characters_is_rejected_without_parsing()
    {
        var source = "count(pr.merged)" + new string(' ', 3990);
        var diagnostic = Assert.Single(TestCatalog.Metric(source).Diagnostics);
        Assert.Equal(("RL201", 4000, 6), (diagnostic.Code, diagnostic.Start, diagnostic.Length));
        Assert.True(TestCatalog.Metric(source.TrimEnd() + new string(' ', 4000 - 16)).Success);
    }

    [Fact]
    public void A_hundred_thousand_open_parentheses_do_not_overflow_the_stack()
    {
        Assert.Equal("RL201", Assert.Single(TestCatalog.Metric(new string('(', 100_000)).Diagnostics).Code);
        Assert.Equal("RL202", Assert.Single(TestCatalog.Metric(new string('(', 3_999)).Diagnostics).Code);
        Assert.Equal("RL202", Assert.Single(RuleSyntaxTree.Parse(new string('-', 3_999) + "1").Diagnostics).Code);
    }

    [Fact]
    public void Nesting_stops_at_64_levels()
    {
        static string Nested(int depth) => new string('(', depth) + "count(pr.merged)" + new string(')', depth);

        // The call's argument list is one more level.
        Assert.True(TestCatalog.Metric(Nested(63)).Success);
        var diagnostic = Assert.Single(TestCatalog.Metric(Nested(64)).Diagnostics);
        Assert.Equal(("RL202", 70), (diagnostic.Code, diagnostic.Start));
    }

    [Fact]
    public void At_most_32_aggregations()
    {
        static string Sum(int n) => string.Join(" + ", Enumerable.Repeat("count(pr.merged)", n));

        Assert.True(TestCatalog.Metric(Sum(32)).Success);
        var diagnostic = Assert.Single(TestCatalog.Metric(Sum(33)).Diagnostics);
        Assert.Equal(("RL203", 32 * 19), (diagnostic.Code, diagnostic.Start));
    }

    [Fact]
    public void A_number_too_large_for_a_double_is_reported()
    {
        var diagnostic = Assert.Single(TestCatalog.Metric("count(pr.merged) * " + new string('9', 400)).Diagnostics);
        Assert.Equal(("RL008", 19, 400), (diagnostic.Code, diagnostic.Start, diagnostic.Length));
    }

    private static (RuleKind Kind, string? Signal, string Source) Scope(string line)
    {
        if (line.StartsWith("requires:", StringComparison.Ordinal))
        {
            return (RuleKind.Requirement, null, line["requires:".Length..].TrimStart());
        }

        if (line.StartsWith("qualify ", StringComparison.Ordinal))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            return (RuleKind.Qualify, line["qualify ".Length..colon], line[(colon + 1)..].TrimStart());
        }

        return (RuleKind.Metric, null, line);
    }
}
