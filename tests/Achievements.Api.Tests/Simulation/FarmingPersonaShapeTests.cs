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

    public static TheoryData<string> Farming => [.. PersonaLibrary.Farming.Select(persona => persona.Name)];

    [Theory]
    [MemberData(nameof(Farming))]
    public void Every_farming_persona_marks_its_farming_except_the_token_hider_and_the_slicer_whose_farming_is_no_event(string name)
    {
        var run = Play(name);

        // The token hider's farming is what it never sends; the slicer's is how it cuts real, reviewed work, judged beside
        // its control, who ships the same lines whole.
        if (name is "token-hider" or "slicer")
        {
            Assert.DoesNotContain(run.Events, e => e.Farmed);
        }
        else
        {
            Assert.Contains(run.Events, e => e.Farmed);
        }
    }

    [Fact]
    public void A_token_burner_farms_its_spend_and_prompts_and_its_two_merges_are_genuine()
    {
        var run = Play("token-burner");

        Assert.All(run.Events.Where(e => e.Type is "tokens.consumed" or "prompt.sent"), e => Assert.True(e.Farmed));
        Assert.All(run.Events.Where(e => e.Type == "pr.merged"), e => Assert.False(e.Farmed));
        Assert.All(run.Events.Where(e => e.Type == "tokens.consumed"), e => Assert.Equal(Timeline.Gateway, e.Source));
    }

    [Fact]
    public void A_reverter_farms_every_merge_it_reverts_and_the_revert_and_keeps_the_merges_that_stick_genuine()
    {
        var run = Play("revert-and-remerge");
        var reverted = run.Events.Where(e => e.Type == "pr.reverted").Select(e => e.Attributes["pr_id"]).ToHashSet();

        Assert.All(run.Events.Where(e => e.Type == "pr.reverted"), e => Assert.True(e.Farmed));
        Assert.All(run.Events.Where(e => e.Type == "pr.merged"), e => Assert.Equal(reverted.Contains(e.Attributes["pr_id"]), e.Farmed));
    }

    [Fact]
    public void A_replayer_posts_each_pull_request_once_genuinely_and_farms_every_copy()
    {
        var merged = Play("replayer").Events.Where(e => e.Type == "pr.merged").ToList();

        Assert.All(merged.GroupBy(e => e.Id), copies => Assert.Single(copies, e => !e.Farmed));
    }

    [Fact]
    public void An_agent_loop_accepts_about_sixty_two_line_suggestions_a_day_that_go_into_no_pull_request_and_never_bursts()
    {
        var run = Play("agent-loop");
        var accepted = run.Events.Where(e => e.Type == "suggestion.accepted").ToList();
        var shown = run.Events.Where(e => e.Type == "suggestion.shown").Select(e => e.Attributes["suggestion_id"]).ToHashSet();
        var days = accepted.Select(e => e.OccurredAt.UtcDateTime.Date).Distinct().Count();

        Assert.InRange((double)accepted.Count / days, 55, 65);
        Assert.All(accepted, e =>
        {
            Assert.Equal(2, e.Attributes["lines"]);
            Assert.False(e.Attributes.ContainsKey("pr_id"));
            Assert.Contains(e.Attributes["suggestion_id"], shown);
        });
        Assert.DoesNotContain(run.Events, e => e.Type is "suggestion.discarded" or "pr.merged");
        Assert.All(run.Events, e => Assert.True(e.Farmed));
        // Spread over the day: never the twenty in ten minutes the burst detector looks for.
        var times = accepted.Select(e => e.OccurredAt).ToList();
        Assert.All(times, start => Assert.True(times.Count(at => at >= start && at < start.AddMinutes(10)) < 20, $"{start:O}"));
    }

    [Fact]
    public void A_rubber_stamper_approves_a_dozen_pull_requests_a_day_that_never_merge_and_a_few_that_do()
    {
        var run = Play("rubber-stamper");
        var stamper = run.Employees[0].Id;
        var merges = run.Events.Where(e => e.Type == "pr.merged").ToDictionary(e => (string)e.Attributes["pr_id"]!);
        var approvals = run.Events.Where(e => e.Type == "review.approved" && e.Actor == stamper).ToList();
        var farmed = approvals.Where(e => e.Farmed).ToList();
        var genuine = approvals.Where(e => !e.Farmed).ToList();

        Assert.InRange((double)farmed.Count / farmed.Select(e => e.OccurredAt.UtcDateTime.Date).Distinct().Count(), 10, 14);
        Assert.All(farmed, e => Assert.False(merges.ContainsKey((string)e.Attributes["pr_id"]!)));
        Assert.True(farmed.Select(e => e.Attributes["author"]).Distinct().Count() >= 3);
        Assert.InRange(genuine.Count, 12, 52);
        Assert.All(genuine, e =>
        {
            var merge = merges[(string)e.Attributes["pr_id"]!];
            Assert.True(merge.OccurredAt > e.OccurredAt && merge.Actor == (string)e.Attributes["author"]! && !merge.Farmed);
            Assert.Contains(stamper, (IEnumerable<string>)merge.Attributes["reviewers"]!);
        });
    }

    [Fact]
    public void A_patron_fed_farmer_merges_six_small_pull_requests_a_day_each_approved_by_its_friend_minutes_before()
    {
        var run = Play("patron-fed-farmer");
        var (farmer, friend) = (run.Employees[0].Id, run.Employees[1].Id);
        var approvals = run.Events.Where(e => e.Type == "review.approved").ToLookup(e => (string)e.Attributes["pr_id"]!);
        var farmed = run.Events.Where(e => e.Type == "pr.merged" && e.Farmed).ToList();

        Assert.All(farmed, merge =>
        {
            Assert.Equal(farmer, merge.Actor);
            Assert.Equal([friend], (IEnumerable<string>)merge.Attributes["reviewers"]!);
            Assert.InRange((int)merge.Attributes["lines_added"]! + (int)merge.Attributes["lines_deleted"]!, 5, 20);
            var approval = Assert.Single(approvals[(string)merge.Attributes["pr_id"]!]);
            Assert.True(approval.Actor == friend && approval.Farmed);
            Assert.InRange(merge.OccurredAt - approval.OccurredAt, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(10));
        });
        Assert.Equal(6.0, (double)farmed.Count / farmed.Select(e => e.OccurredAt.UtcDateTime.Date).Distinct().Count(), 1);
    }

    [Fact]
    public void A_patron_fed_pair_also_ships_a_little_real_work_reviewed_by_other_colleagues()
    {
        var run = Play("patron-fed-farmer");
        var pair = run.Employees.Take(2).Select(e => e.Id).ToHashSet();
        var genuine = run.Events.Where(e => e.Type == "pr.merged" && !e.Farmed && pair.Contains(e.Actor)).ToList();
        var reviewers = genuine.SelectMany(e => (IEnumerable<string>)e.Attributes["reviewers"]!).ToList();

        Assert.All(pair, member => Assert.InRange(genuine.Count(e => e.Actor == member), 20, 60));
        Assert.DoesNotContain(reviewers, pair.Contains);
        Assert.InRange(reviewers.Distinct().Count(), 2, 3);
    }

    [Fact]
    public void A_closed_circle_is_ten_people_on_ten_teams_who_approve_only_each_other_every_pair_a_handful_of_times()
    {
        var run = Play("closed-circle");
        var members = run.Employees.Select(e => e.Id).ToHashSet();
        var approvals = run.Events.Where(e => e.Type == "review.approved").ToList();
        var merges = run.Events.Where(e => e.Type == "pr.merged").ToDictionary(e => (string)e.Attributes["pr_id"]!);

        Assert.Equal(10, members.Count);
        Assert.Equal(10, run.Employees.Select(e => e.Team).Distinct().Count());
        Assert.All(run.Employees, e => Assert.NotNull(e.Team));
        Assert.All(approvals, e => Assert.True(e.Farmed && members.Contains((string)e.Attributes["author"]!) && merges[(string)e.Attributes["pr_id"]!].OccurredAt > e.OccurredAt));
        Assert.All(merges.Values, e => Assert.True(e.Farmed));
        var trades = approvals.GroupBy(e => (e.Actor, Author: (string)e.Attributes["author"]!)).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(10 * 9, trades.Count);
        Assert.All(trades.Values, count => Assert.InRange(count, 3, 7));
    }

    [Fact]
    public void A_mixed_circle_of_eight_has_about_one_merge_in_seven_reviewed_outside_and_only_that_is_genuine()
    {
        var run = Play("mixed-circle");
        var members = run.Employees.Take(8).Select(e => e.Id).ToHashSet();
        var merges = run.Events.Where(e => e.Type == "pr.merged").ToList();
        var outside = merges.Where(e => !members.Contains(((IEnumerable<string>)e.Attributes["reviewers"]!).Single())).ToList();

        Assert.Equal(8, run.Employees.Take(8).Select(e => e.Team).Distinct().Count());
        Assert.All(merges, e => Assert.Contains(e.Actor, members));
        Assert.InRange((double)outside.Count / merges.Count, 0.10, 0.20);
        Assert.All(merges, e => Assert.Equal(!outside.Contains(e), e.Farmed));
        Assert.All(run.Events.Where(e => e.Type == "review.approved"), e => Assert.Equal(members.Contains(e.Actor), e.Farmed));
    }

    [Fact]
    public void A_token_hider_ships_reviewed_AI_assisted_work_and_never_sends_its_spend()
    {
        var run = Play("token-hider");
        var hider = run.Employees[0].Id;
        var merges = run.Events.Where(e => e.Type == "pr.merged").ToList();
        var approvals = run.Events.Where(e => e.Type == "review.approved").ToList();

        Assert.DoesNotContain(run.Events, e => e.Type == "tokens.consumed");
        Assert.True(merges.Count(e => e.Attributes.TryGetValue("ai_assisted", out var ai) && ai is true) >= 52);
        Assert.All(merges, e => Assert.DoesNotContain(hider, (IEnumerable<string>)e.Attributes["reviewers"]!));
        Assert.True(merges.SelectMany(e => (IEnumerable<string>)e.Attributes["reviewers"]!).Distinct().Count() >= 3);
        Assert.All(approvals, a => Assert.Contains(merges, m => Equals(m.Attributes["pr_id"], a.Attributes["pr_id"]) && m.OccurredAt > a.OccurredAt));
    }

    private static PersonaRun Play(string name) => PersonaLibrary.Find(name)!.Generate(name, Now, 365, new Random(7));
}
