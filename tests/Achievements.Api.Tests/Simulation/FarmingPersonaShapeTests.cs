using Achievements.Api.Features.Gaming.Personas;

namespace Achievements.Api.Tests.Simulation;

/// <summary>Each farming persona really plays the strategy it is named after, so that a clean result means something.</summary>
public sealed class FarmingPersonaShapeTests
{
    private static readonly DateTimeOffset Now = new(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_token_burner_spends_millions_and_prompts_thousands_of_times_for_two_merges()
    {
        var run = Play("token-burner");

        Assert.True(run.Events.Where(e => e.Type == "tokens.consumed").Sum(e => Convert.ToInt64(e.Attributes["tokens"])) > 100_000_000);
        Assert.True(run.Events.Count(e => e.Type == "prompt.sent") > 1000);
        Assert.Equal(2, run.Events.Count(e => e.Type == "pr.merged"));
    }

    [Fact]
    public void A_review_ring_trades_at_least_thirty_approvals_each_mostly_inside_the_ring()
    {
        var run = Play("review-ring");
        var members = run.Employees.Take(3).Select(e => e.Id).ToHashSet();

        foreach (var member in members)
        {
            var approvals = run.Events.Where(e => e.Type == "review.approved" && e.Actor == member).ToList();
            var inside = approvals.Count(e => members.Contains((string)e.Attributes["author"]!));
            Assert.True(approvals.Count >= 30, $"{member}: {approvals.Count}");
            Assert.InRange((double)inside / approvals.Count, 0.85, 0.95);
        }
    }

    [Fact]
    public void A_burst_farmer_accepts_twenty_five_or_more_suggestions_inside_five_minutes_several_times_a_week()
    {
        var accepted = Play("burst-farmer").Events.Where(e => e.Type == "suggestion.accepted").Select(e => e.OccurredAt).ToList();

        var bursts = accepted.GroupBy(at => at.UtcDateTime.Date)
            .Count(day => day.Any(start => day.Count(at => at >= start && at <= start.AddMinutes(5)) >= 25));

        Assert.True(bursts >= 52 * 2, $"{bursts} bursts");
    }

    [Fact]
    public void A_reverter_lets_at_most_three_merges_stick()
    {
        var run = Play("revert-and-remerge");
        var reverted = run.Events.Where(e => e.Type == "pr.reverted").Select(e => e.Attributes["pr_id"]).ToHashSet();

        var merges = run.Events.Where(e => e.Type == "pr.merged").ToList();

        Assert.True(merges.Count > 30);
        Assert.InRange(merges.Count(e => !reverted.Contains(e.Attributes["pr_id"])), 1, 3);
    }

    [Fact]
    public void A_replayer_posts_at_most_six_pull_requests_many_times_each()
    {
        var merged = Play("replayer").Events.Where(e => e.Type == "pr.merged").ToList();

        Assert.InRange(merged.Select(e => e.Id).Distinct().Count(), 1, 6);
        Assert.True(merged.Count >= 6 * 20);
    }

    [Fact]
    public void A_bot_account_is_a_bot()
    {
        var run = Play("bot-account");

        Assert.True(run.Employees[0].IsBot);
        Assert.All(run.Employees.Skip(1), e => Assert.False(e.IsBot));
        Assert.All(run.Events, e => Assert.Equal(run.Employees[0].Id, e.Actor));
    }

    private static PersonaRun Play(string name) => PersonaLibrary.Find(name)!.Generate(name, Now, 365, new Random(7));
}
