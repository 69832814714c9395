namespace Achievements.Rules.Tests;

public sealed class StarterBadgeTests
{
    [Theory]
    [InlineData("count(pr.merged, 365d)", null)]
    [InlineData("count(suggestion.accepted, 90d)", "count(suggestion.accepted, 30d) / count(suggestion.shown, 30d) >= 0.25")]
    [InlineData("count(review.approved, 180d)", null)]
    [InlineData("streak(pr.merged, week, 365d)", null)]
    [InlineData(
        "count(pr.merged where ai_assisted == true, 90d) * 1000000 / sum(tokens.consumed.tokens, 90d)",
        "count(pr.merged where ai_assisted == true, 90d) >= 5")]
    public void Every_starter_badge_compiles_cleanly(string metric, string? requirement)
    {
        var compiled = TestCatalog.Metric(metric);
        Assert.Empty(compiled.Diagnostics);
        Assert.True(compiled.Success);

        if (requirement is not null)
        {
            var required = TestCatalog.Requirement(requirement);
            Assert.Empty(required.Diagnostics);
            Assert.True(required.Success);
        }
    }
}
