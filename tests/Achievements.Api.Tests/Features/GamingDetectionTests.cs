using System.Net;
using Achievements.Api.Tests.Infrastructure;

namespace Achievements.Api.Tests.Features;

/// <summary>Each detector just over and just under its thresholds, and what a flag does to awards.</summary>
public sealed class GamingDetectionTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly DateTimeOffset Now = Personas.Now;

    // From 8 days back: each approved pull request merges an hour after its approval and has settled by now, so the
    // approvals count.
    private static Personas Approvals(Personas events, string approver, string author, int count, int startDay = 8)
    {
        for (var i = 0; i < count; i++)
        {
            events.ReviewApproved(approver, Now.AddDays(-startDay - i).AddHours(-(i % 5)), author);
        }

        return events;
    }

    /// <summary>Ann and Ben approve each other's pull requests twelve times each, and nobody else's.</summary>
    private static Personas TradedApprovals(Personas events) =>
        Approvals(Approvals(events, "ann", "ben", 12), "ben", "ann", 12);

    private static async Task RingOfAnnAndBenAsync(AchievementsApp app)
    {
        await TradedApprovals(new Personas(app)).SendAsync();
        await app.EvaluateAsync();
    }

    private static async Task<List<System.Text.Json.JsonElement>> OpenFlagsAsync(AchievementsApp app, string? detector = null)
    {
        var flags = await (await app.Admin().GetAsync("/api/v1/flags?status=open", Ct)).JsonAsync();
        return [.. flags.EnumerateArray().Where(f => detector is null || f.GetProperty("detector").GetString() == detector)];
    }

    private static string[] Members(System.Text.Json.JsonElement flag) =>
        [.. flag.GetProperty("employees").EnumerateArray().Select(e => e.GetString()!)];

    [Fact]
    public async Task Two_people_who_mostly_approve_each_other_are_flagged_and_their_awards_held()
    {
        await using var app = new AchievementsApp();
        await RingOfAnnAndBenAsync(app);

        var ring = Assert.Single(await OpenFlagsAsync(app, "review-ring"));
        Assert.Equal(["ann", "ben"], Members(ring));
        Assert.Equal(1.0, ring.GetProperty("score").GetDouble());
        Assert.Null(await app.TierOfAsync("ann", "trusted-reviewer"));
        var progress = await app.ProgressAsync("ann", "trusted-reviewer");
        Assert.Equal("held", progress.GetProperty("status").GetString());
        Assert.Equal("bronze", progress.GetProperty("tier").GetString());
    }

    [Fact]
    public async Task A_ring_that_forms_after_the_first_full_run_is_found_by_the_run_that_follows_its_evaluation()
    {
        await using var app = new AchievementsApp();
        var source = await new Personas(app).HonestDeveloper("dev", pullRequests: 2).SendAsync();
        await app.EvaluateAsync();

        await TradedApprovals(new Personas(app)).SendAsync(source);
        await app.EvaluateAsync();

        Assert.Equal(["ann", "ben"], Members(Assert.Single(await OpenFlagsAsync(app, "review-ring"))));
    }

    [Fact]
    public async Task Fewer_than_five_approvals_each_way_is_not_a_ring()
    {
        await using var app = new AchievementsApp();
        var events = new Personas(app);
        Approvals(events, "ann", "ben", 4);
        Approvals(events, "ben", "ann", 12);
        await events.SendAsync();
        await app.EvaluateAsync();
        Assert.Empty(await OpenFlagsAsync(app, "review-ring"));
    }

    [Fact]
    public async Task A_pair_is_not_a_ring_when_one_of_them_gives_under_60_percent_of_approvals_to_the_other()
    {
        await using var app = new AchievementsApp();
        var events = new Personas(app);
        Approvals(events, "ann", "ben", 6);
        for (var i = 0; i < 5; i++)
        {
            Approvals(events, "ann", $"colleague-{i}", 1, startDay: 20 + i);
        }

        Approvals(events, "ben", "ann", 6);
        await events.SendAsync();
        await app.EvaluateAsync();
        Assert.Empty(await OpenFlagsAsync(app, "review-ring"));
    }

    [Fact]
    public async Task A_group_of_three_on_no_team_approving_only_each_other_is_a_closed_circle_not_a_ring()
    {
        await using var app = new AchievementsApp();
        var events = new Personas(app);
        foreach (var (approver, author) in new[] { ("ann", "ben"), ("ben", "cat"), ("cat", "ann") })
        {
            Approvals(events, approver, author, 9);
            Approvals(events, approver, $"outsider-{approver}", 1, startDay: 40);
        }

        await events.SendAsync();
        await app.EvaluateAsync();
        Assert.Empty(await OpenFlagsAsync(app, "review-ring"));
        var circle = Assert.Single(await OpenFlagsAsync(app));
        Assert.Equal("closed-circle", circle.GetProperty("detector").GetString());
        Assert.Equal(["ann", "ben", "cat"], Members(circle));
        Assert.Equal(1.0, circle.GetProperty("score").GetDouble(), 3);
    }

    [Fact]
    public async Task A_group_of_three_on_one_team_that_reviews_only_itself_is_no_finding()
    {
        await using var app = new AchievementsApp();
        var events = new Personas(app);
        foreach (var name in new[] { "ann", "ben", "cat" })
        {
            await app.PutEmployeeAsync(name, name, team: "platform");
        }

        foreach (var (approver, author) in new[] { ("ann", "ben"), ("ben", "cat"), ("cat", "ann") })
        {
            Approvals(events, approver, author, 9);
        }

        await events.SendAsync();
        await app.EvaluateAsync();
        Assert.Empty(await OpenFlagsAsync(app));
    }

    [Fact]
    public async Task Dismissing_a_flag_turns_held_awards_active()
    {
        await using var app = new AchievementsApp();
        await RingOfAnnAndBenAsync(app);
        var ring = Assert.Single(await OpenFlagsAsync(app, "review-ring"));

        var dismissed = await (await app.Admin().PostJsonAsync($"/api/v1/flags/{ring.GetProperty("id").GetInt64()}/dismiss", new { note = "Pair programming partners" })).JsonAsync();

        Assert.Equal("dismissed", dismissed.GetProperty("status").GetString());
        Assert.Equal("bronze", await app.TierOfAsync("ann", "trusted-reviewer"));
        Assert.Equal("bronze", await app.TierOfAsync("ben", "trusted-reviewer"));
        await app.EvaluateAsync();
        await (await app.Admin().PostJsonAsync("/api/v1/detections", new { })).JsonAsync();
        Assert.Empty(await OpenFlagsAsync(app, "review-ring"));
        var audit = await (await app.Admin().GetAsync("/api/v1/audit?employee=ann", Ct)).JsonAsync();
        Assert.Contains(audit.EnumerateArray(), e => e.GetProperty("action").GetString() == "award.released");
    }

    [Fact]
    public async Task Confirming_a_ring_revokes_held_awards_and_its_approvals_stop_counting()
    {
        await using var app = new AchievementsApp();
        var events = TradedApprovals(new Personas(app));
        Approvals(events, "ann", "dev", 2, startDay: 30);
        await events.SendAsync();
        await app.EvaluateAsync();
        var ring = Assert.Single(await OpenFlagsAsync(app, "review-ring"));

        await (await app.Admin().PostJsonAsync($"/api/v1/flags/{ring.GetProperty("id").GetInt64()}/confirm", new { note = "Traded approvals" })).JsonAsync();
        await app.EvaluateAsync();

        Assert.Null(await app.TierOfAsync("ann", "trusted-reviewer"));
        var award = await (await app.Admin().GetAsync("/api/v1/employees/ann/badges/trusted-reviewer", Ct)).JsonAsync();
        Assert.Equal("revoked", award.GetProperty("status").GetString());
        Assert.Equal("collusion", award.GetProperty("reason").GetString());
        var progress = await app.ProgressAsync("ann", "trusted-reviewer");
        Assert.Equal(12, progress.Excluded("review.approved", "collusion"));
        Assert.Equal(2, progress.Counted("review.approved"));
        await Problem.AssertAsync(await app.Admin().PostJsonAsync($"/api/v1/flags/{ring.GetProperty("id").GetInt64()}/dismiss", new { }), HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task An_award_earned_after_a_ring_was_flagged_is_held_too()
    {
        await using var app = new AchievementsApp();
        var first = new Personas(app);
        Approvals(first, "ann", "ben", 6, startDay: 20);
        Approvals(first, "ben", "ann", 6, startDay: 20);
        var source = await first.SendAsync();
        await app.EvaluateAsync();
        Assert.Single(await OpenFlagsAsync(app, "review-ring"));

        var more = new Personas(app);
        // Old enough for the approved pull requests' merges to have settled, so that these approvals earn the award.
        Approvals(more, "ann", "ben", 6, startDay: 8);
        await more.SendAsync(source);
        await app.EvaluateAsync();

        Assert.Null(await app.TierOfAsync("ann", "trusted-reviewer"));
        Assert.Equal("held", (await app.ProgressAsync("ann", "trusted-reviewer")).GetProperty("status").GetString());
    }

    [Fact]
    public async Task The_same_finding_is_not_flagged_twice_while_one_is_open()
    {
        await using var app = new AchievementsApp();
        await RingOfAnnAndBenAsync(app);
        var again = await (await app.Admin().PostJsonAsync("/api/v1/detections", new { })).JsonAsync();
        Assert.Equal(0, again.GetProperty("flagged").GetInt32());
        Assert.Single(await OpenFlagsAsync(app, "review-ring"));
    }

    private static readonly string[] CircleMembers = ["cara", "dina", "emil", "finn", "gus", "hana", "ivo"];

    /// <summary>
    /// Seven people, each approving each of the six others twice and nobody else: twelve approvals, trusted-reviewer
    /// bronze, all inside. No two of them trade five approvals, so the ring detector sees neither pairs nor groups;
    /// only the closed-circle detector can. Each on a team of their own, or all on one.
    /// </summary>
    private static async Task CircleAsync(AchievementsApp app, bool oneTeam = false)
    {
        await HonestTeamsAsync(app);
        for (var i = 0; i < CircleMembers.Length; i++)
        {
            await app.PutEmployeeAsync(CircleMembers[i], CircleMembers[i], team: oneTeam ? "platform" : $"team-{i + 1}");
        }

        var events = new Personas(app);
        foreach (var member in CircleMembers)
        {
            foreach (var (other, k) in CircleMembers.Where(o => o != member).Select((o, k) => (o, k)))
            {
                // From 8 days back, so that the approved pull requests' merges have settled and the approvals count.
                Approvals(events, member, other, 2, startDay: 8 + (3 * k));
            }
        }

        await events.SendAsync();
        await app.EvaluateAsync();
    }

    /// <summary>
    /// Two teams of five who review each other inside the team: the organisation around a circle. A circle is closed
    /// against the organisation, and a closed set that is most of it is the organisation's way of working.
    /// </summary>
    private static async Task HonestTeamsAsync(AchievementsApp app)
    {
        var events = new Personas(app);
        foreach (var team in new[] { "red", "blue" })
        {
            var people = Enumerable.Range(1, 5).Select(i => $"{team}-{i}").ToArray();
            foreach (var person in people)
            {
                await app.PutEmployeeAsync(person, person, team: team);
                foreach (var (mate, k) in people.Where(p => p != person).Select((p, k) => (p, k)))
                {
                    Approvals(events, person, mate, 2, startDay: 9 + (4 * k));
                }
            }
        }

        await events.SendAsync();
    }

    private static async Task<IndependentVoices> VoicesAsync(AchievementsApp app)
    {
        await using var connection = app.Connect();
        await connection.OpenAsync(Ct);
        return (await Achievements.Api.Engine.History.EvaluationContext.LoadAsync(connection, Now, Ct)).Voices;
    }

    [Fact]
    public async Task A_closed_circle_across_teams_is_flagged_holds_its_members_awards_and_makes_them_one_voice_until_dismissed()
    {
        await using var app = new AchievementsApp();
        await CircleAsync(app);

        Assert.Empty(await OpenFlagsAsync(app, "review-ring"));
        var circle = Assert.Single(await OpenFlagsAsync(app, "closed-circle"));
        Assert.Equal(CircleMembers.Order(StringComparer.Ordinal), Members(circle));
        Assert.Equal(1.0, circle.GetProperty("score").GetDouble());
        var evidence = circle.GetProperty("evidence").GetProperty("members").EnumerateArray().ToList();
        Assert.Equal("team-1", evidence.Single(m => m.GetProperty("employee").GetString() == "cara").GetProperty("team").GetString());
        Assert.All(evidence, m => Assert.Equal(12, m.GetProperty("inside").GetInt32()));
        foreach (var member in CircleMembers)
        {
            Assert.Null(await app.TierOfAsync(member, "trusted-reviewer"));
            Assert.Equal("held", (await app.ProgressAsync(member, "trusted-reviewer")).GetProperty("status").GetString());
        }

        var id = circle.GetProperty("id").GetInt64();
        var voices = await VoicesAsync(app);
        Assert.Equal($"circle:{id}", voices.VoiceOf("cara", "dina"));
        Assert.Equal("red-1", voices.VoiceOf("cara", "red-1"));
        // Only people vouch: a name no authority put in the directory is no voice at all.
        Assert.Null(voices.VoiceOf("cara", "outsider"));

        var dismissed = await (await app.Admin().PostJsonAsync($"/api/v1/flags/{id}/dismiss", new { note = "The release guild" })).JsonAsync();

        Assert.Equal("dismissed", dismissed.GetProperty("status").GetString());
        Assert.Equal("bronze", await app.TierOfAsync("cara", "trusted-reviewer"));
        Assert.Equal("dina", (await VoicesAsync(app)).VoiceOf("cara", "dina"));
        await (await app.Admin().PostJsonAsync("/api/v1/detections", new { })).JsonAsync();
        Assert.Empty(await OpenFlagsAsync(app, "closed-circle"));
    }

    [Fact]
    public async Task Confirming_a_closed_circle_revokes_held_awards_and_its_approvals_stop_counting()
    {
        await using var app = new AchievementsApp();
        await CircleAsync(app);
        var circle = Assert.Single(await OpenFlagsAsync(app, "closed-circle"));
        var id = circle.GetProperty("id").GetInt64();

        await (await app.Admin().PostJsonAsync($"/api/v1/flags/{id}/confirm", new { note = "Traded approvals across teams" })).JsonAsync();
        await app.EvaluateAsync();

        var award = await (await app.Admin().GetAsync("/api/v1/employees/emil/badges/trusted-reviewer", Ct)).JsonAsync();
        Assert.Equal("revoked", award.GetProperty("status").GetString());
        Assert.Equal("collusion", award.GetProperty("reason").GetString());
        Assert.Equal(12, (await app.ProgressAsync("emil", "trusted-reviewer")).Excluded("review.approved", "collusion"));
        Assert.Equal($"circle:{id}", (await VoicesAsync(app)).VoiceOf("emil", "finn"));
        var again = await (await app.Admin().PostJsonAsync("/api/v1/detections", new { })).JsonAsync();
        Assert.Equal(0, again.GetProperty("flagged").GetInt32());
    }

    [Fact]
    public async Task A_flagged_circle_that_loses_a_member_is_the_same_circle_and_not_flagged_again()
    {
        await using var app = new AchievementsApp();
        await CircleAsync(app);
        var circle = Assert.Single(await OpenFlagsAsync(app, "closed-circle"));

        // Cara now gives most of her approvals outside: the other six still keep 10 of 12 inside.
        var events = new Personas(app);
        for (var i = 0; i < 40; i++)
        {
            Approvals(events, "cara", $"colleague-{i}", 1, startDay: 30 + i);
        }

        await events.SendAsync();
        await app.EvaluateAsync();
        var run = await (await app.Admin().PostJsonAsync("/api/v1/detections", new { })).JsonAsync();

        Assert.Equal(0, run.GetProperty("flagged").GetInt32());
        Assert.Equal(circle.GetProperty("id").GetInt64(), Assert.Single(await OpenFlagsAsync(app, "closed-circle")).GetProperty("id").GetInt64());
    }

    [Fact]
    public async Task The_same_circle_on_one_directory_team_is_not_flagged()
    {
        await using var app = new AchievementsApp();
        await CircleAsync(app, oneTeam: true);

        Assert.Empty(await OpenFlagsAsync(app));
        Assert.Equal("bronze", await app.TierOfAsync("cara", "trusted-reviewer"));
    }

    private static Personas Suggestions(Personas events, string actor, int count, TimeSpan apart, DateTimeOffset start)
    {
        for (var i = 0; i < count; i++)
        {
            events.Add("suggestion.accepted", actor, start + apart * i, new() { ["suggestion_id"] = $"{actor}-s-{i}", ["lines"] = 3, ["language"] = "go" });
        }

        return events;
    }

    [Fact]
    public async Task Twenty_outcomes_within_ten_minutes_is_a_burst_and_holds_awards()
    {
        await using var app = new AchievementsApp();
        var events = new Personas(app);
        Suggestions(events, "fast", 20, TimeSpan.FromSeconds(30), Now.AddDays(-3));
        await events.SendAsync();
        await app.EvaluateAsync();

        var burst = Assert.Single(await OpenFlagsAsync(app, "burst"));
        Assert.Equal(["fast"], Members(burst));
        Assert.Equal(20, burst.GetProperty("evidence").GetProperty("events").GetInt32());
    }

    [Fact]
    public async Task Nineteen_outcomes_within_ten_minutes_or_twenty_spread_over_more_is_no_burst()
    {
        await using var app = new AchievementsApp();
        var events = new Personas(app);
        Suggestions(events, "quick", 19, TimeSpan.FromSeconds(30), Now.AddDays(-3));
        Suggestions(events, "steady", 20, TimeSpan.FromSeconds(33), Now.AddDays(-3));
        await events.SendAsync();
        await app.EvaluateAsync();
        Assert.Empty(await OpenFlagsAsync(app, "burst"));
    }

    [Fact]
    public async Task Spending_millions_of_tokens_without_outcomes_is_flagged_for_admins_without_holding_anything()
    {
        await using var app = new AchievementsApp();
        var events = new Personas(app);
        for (var i = 0; i < 6; i++)
        {
            var dev = $"dev-{i}";
            events.Tokens(dev, Now.AddDays(-5), 100_000 + i * 1_000);
            for (var pr = 0; pr < 3; pr++)
            {
                events.PrMerged(dev, Now.AddDays(-10 - pr));
            }
        }

        events.Tokens("burner", Now.AddDays(-2), 5_000_000);
        events.Tokens("small-burner", Now.AddDays(-2), 900_000);
        await events.SendAsync();
        await app.EvaluateAsync();

        var burn = Assert.Single(await OpenFlagsAsync(app, "token-burn"));
        Assert.Equal(["burner"], Members(burn));
        Assert.True(burn.GetProperty("score").GetDouble() > 3.5);
        Assert.Equal(5_000_000, burn.GetProperty("evidence").GetProperty("tokens").GetDouble());
    }

    [Theory]
    [InlineData("source")]
    [InlineData("viewer")]
    [InlineData("employee")]
    public async Task Only_admins_see_and_resolve_flags(string role)
    {
        await using var app = new AchievementsApp();
        var client = await app.ClientFor(role, role == "viewer" ? null : "ann");
        await Problem.AssertAsync(await client.GetAsync("/api/v1/flags?status=open", Ct), HttpStatusCode.Forbidden);
        await Problem.AssertAsync(await client.PostJsonAsync("/api/v1/flags/1/dismiss", new { }), HttpStatusCode.Forbidden);
        await Problem.AssertAsync(await client.PostJsonAsync("/api/v1/detections", new { }), HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task An_unknown_flag_is_a_404_problem()
    {
        await using var app = new AchievementsApp();
        await Problem.AssertAsync(await app.Admin().PostJsonAsync("/api/v1/flags/999/confirm", new { }), HttpStatusCode.NotFound);
    }
}
