using System.Net;
using System.Text.Json;
using Achievements.Api.Features.Badges;
using Achievements.Api.Features.Gaming;
using Achievements.Api.Features.Gaming.Personas;
using Achievements.Api.Tests.Infrastructure;
using Microsoft.Extensions.Options;

namespace Achievements.Api.Tests.Features;

/// <summary>
/// Before a rule goes live it must stop every farming persona: the adversarial gate on publishing. A persona beats
/// a rule only if its farmed events raise its tier above what its genuine events alone earn.
/// </summary>
public sealed class AdversarialGateTests
{
    private static readonly DateTimeOffset Now = AchievementsApp.Start;

    private static readonly SignalCatalog Catalog = new(BuiltInSignals.All);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("merge-master")]
    [InlineData("suggestion-savant")]
    [InlineData("trusted-reviewer")]
    [InlineData("steady-shipper")]
    [InlineData("frugal-builder")]
    public async Task Every_starter_badge_passes_the_gate(string key)
    {
        await using var app = new AchievementsApp();
        var response = await app.Admin().PostJsonAsync($"/api/v1/badges/{key}/publish", new { });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Without_independent_review_in_the_catalog_the_gate_refuses_merge_master_and_names_the_self_merger()
    {
        await using var app = new AchievementsApp();
        var changed = await app.Admin().PutAsync("/api/v1/signals/pr.merged", new StringContent("""
            {"settlement":"7d","correctedBy":{"signal":"pr.reverted","on":"pr_id"},"dailyCap":10,
             "qualify":[{"name":"non-trivial","condition":"lines_added + lines_deleted >= 5"}]}
            """, System.Text.Encoding.UTF8, "application/json"), Ct);
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);

        var refused = await app.Admin().PostJsonAsync("/api/v1/badges/merge-master/publish", new { });

        var problem = await Problem.AssertAsync(refused, HttpStatusCode.UnprocessableEntity);
        var personas = problem.GetProperty("personas").EnumerateArray().Select(p => p.GetProperty("persona").GetString()).ToList();
        Assert.Contains("self-merger", personas);
        Assert.Contains("self-merger", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_refused_persona_is_named_with_its_employee_the_badge_the_tier_its_farming_earns_and_the_tier_of_its_genuine_work()
    {
        await using var app = new AchievementsApp();
        await app.Admin().PutAsync("/api/v1/signals/pr.merged", new StringContent("""
            {"settlement":"7d","correctedBy":{"signal":"pr.reverted","on":"pr_id"},"dailyCap":10,
             "qualify":[{"name":"non-trivial","condition":"lines_added + lines_deleted >= 5"}]}
            """, System.Text.Encoding.UTF8, "application/json"), Ct);

        var problem = await Problem.AssertAsync(await app.Admin().PostJsonAsync("/api/v1/badges/merge-master/publish", new { }), HttpStatusCode.UnprocessableEntity);

        // The self-merger's merges are all farmed: its genuine work earns nothing.
        var selfMerger = problem.GetProperty("personas").EnumerateArray().First(p => p.GetProperty("persona").GetString() == "self-merger");
        Assert.StartsWith("gate", selfMerger.GetProperty("employee").GetString(), StringComparison.Ordinal);
        Assert.Equal("merge-master", selfMerger.GetProperty("badge").GetString());
        Assert.Contains(selfMerger.GetProperty("tier").GetString(), new[] { "bronze", "silver", "gold" });
        Assert.Equal(JsonValueKind.Null, selfMerger.GetProperty("genuineTier").ValueKind);
        Assert.Contains("self-merger's farming earns", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_persona_whose_genuine_merges_touch_three_repos_has_not_beaten_a_three_repo_badge_whatever_it_farms()
    {
        var persona = new ScriptedPersona("three-repos", line =>
        {
            var dev = line.Employee("dev");
            Merge(line, dev, "peer-1", "web", daysAgo: 30);
            Merge(line, dev, "peer-2", "api", daysAgo: 60);
            Merge(line, dev, "peer-3", "billing", daysAgo: 90);
            using (line.Farming())
            {
                Merge(line, dev, "friend", "mobile", daysAgo: 20);
                Merge(line, dev, "friend", "infra", daysAgo: 40);
            }

            // Only people vouch: the reviewers are in the directory too.
            return [new(dev, "Three Repos"), .. new[] { "peer-1", "peer-2", "peer-3", "friend" }.Select(r => new SimulatedEmployee(line.Employee(r), r))];
        });

        var report = Gate(persona).Run([Polyglot(("bronze", 3))], Catalog, Now);

        var verdict = Assert.Single(report.Verdicts);
        Assert.Equal(("bronze", "bronze", false), (verdict.Tier, verdict.GenuineTier, verdict.BeatsRule));
        Assert.Empty(report.Beaten);
    }

    [Fact]
    public void A_persona_whose_farming_adds_a_repo_beats_a_repo_badge_and_is_named_with_both_tiers()
    {
        var persona = new ScriptedPersona("borrowed-repo", line =>
        {
            // Each merge has two reviewers, so the silver is not one voice's: only the farming makes it.
            var dev = line.Employee("dev");
            Merge(line, dev, "peer-1+peer-2", "web", daysAgo: 30);
            Merge(line, dev, "peer-2+peer-3", "api", daysAgo: 60);
            using (line.Farming())
            {
                Merge(line, dev, "peer-3+peer-1", "billing", daysAgo: 90);
            }

            return [new(dev, "Borrowed Repo"), .. new[] { "peer-1", "peer-2", "peer-3" }.Select(r => new SimulatedEmployee(line.Employee(r), r))];
        });

        var beaten = Assert.Single(Gate(persona).Run([Polyglot(("bronze", 2), ("silver", 3))], Catalog, Now).Beaten);

        Assert.Equal(("borrowed-repo", "gate0-dev", "polyglot", "silver", "bronze"), (beaten.Persona, beaten.Employee, beaten.Badge, beaten.Tier, beaten.GenuineTier));
    }

    [Fact]
    public void A_persona_a_detector_holds_has_not_beaten_the_rule_even_where_its_farming_raised_its_tier()
    {
        // Eight merges in three repositories, each approved minutes before by one reviewer on another team who approves
        // nobody else: the patronage detector holds whatever they earned.
        var persona = new ScriptedPersona("patron-fed", line =>
        {
            var dev = line.Employee("dev");
            var patron = line.Employee("patron");
            using (line.Farming())
            {
                for (var i = 0; i < 8; i++)
                {
                    var merged = line.Now.AddDays(-21 + i);
                    var prId = line.PrMerged(dev, merged, [patron], 40, 5, repo: $"repo-{i % 3}");
                    line.ReviewApproved(patron, merged.AddMinutes(-5), dev, prId);
                }
            }

            return [new(dev, "Patron-Fed"), new(patron, "Patron", Team: "elsewhere")];
        });

        var verdict = Assert.Single(Gate(persona).Run([Polyglot(("bronze", 2))], Catalog, Now).Verdicts);

        Assert.True(verdict.Held && verdict.RaisedByFarming);
        Assert.False(verdict.BeatsRule);
    }

    [Fact]
    public async Task Preview_warns_about_personas_that_beat_a_rule_and_about_a_rule_most_people_would_pass()
    {
        await using var app = new AchievementsApp();
        await new Personas(app).HonestDeveloper("ada", 3).HonestDeveloper("bob", 2).SendAsync();
        var preview = await (await app.Admin().PostJsonAsync("/api/v1/badges/preview", new
        {
            key = "anything-goes",
            name = "Anything goes",
            icon = "🎉",
            metric = "count(pr.merged where repo != \"x\") + count(review.approved) + count(suggestion.accepted)",
            tiers = new[] { new { name = "bronze", threshold = 1 } },
        })).JsonAsync();

        var codes = preview.GetProperty("warnings").EnumerateArray().Select(w => w.GetProperty("code").GetString()).ToList();
        Assert.Contains("too-easy", codes);
    }

    [Fact]
    public async Task A_rule_that_a_persona_beats_is_refused_on_publish_and_stays_a_draft()
    {
        await using var app = new AchievementsApp();
        await app.Admin().PutAsync("/api/v1/signals/review.approved", new StringContent("""{"dailyCap":20,"qualify":[]}""", System.Text.Encoding.UTF8, "application/json"), Ct);
        await app.Admin().PostJsonAsync("/api/v1/badges", new
        {
            key = "approver",
            name = "Approver",
            icon = "✅",
            metric = "count(review.approved, 365d)",
            tiers = new[] { new { name = "bronze", threshold = 5 } },
        });

        await Problem.AssertAsync(await app.Admin().PostJsonAsync("/api/v1/badges/approver/publish", new { }), HttpStatusCode.UnprocessableEntity);
        var badge = await (await app.Admin().GetAsync("/api/v1/badges/approver", Ct)).JsonAsync();
        Assert.Equal("draft", badge.GetProperty("status").GetString());
    }

    private static AdversarialGate Gate(IPersona persona) => new([persona], Options.Create(new DetectionOptions()), new GatePopulations());

    private static CompiledBadge Polyglot(params (string Name, double Threshold)[] tiers) =>
        BadgeRules.Compile("polyglot", 1, new BadgeDefinition("Polyglot", "Repositories with a merged pull request over the last year.", "🌐",
            "distinct(pr.merged.repo, 365d)", [], [.. tiers.Select(t => new TierDefinition(t.Name, t.Threshold))]), Catalog.ToRuleCatalog());

    /// <summary>A reviewed, non-trivial merge into <paramref name="repo"/>, settled long ago.</summary>
    // One reviewer, or several separated by '+': no one voice alone then vouches for the merge.
    private static void Merge(Timeline line, string author, string reviewer, string repo, int daysAgo) =>
        line.PrMerged(author, line.Now.AddDays(-daysAgo), [.. reviewer.Split('+').Select(line.Employee)], 40, 5, repo: repo);

    /// <summary>A farming persona the test writes event by event, marking its farming as the library's do.</summary>
    private sealed class ScriptedPersona(string name, Func<Timeline, IReadOnlyList<SimulatedEmployee>> play) : IPersona
    {
        public string Name => name;

        public bool Farming => true;

        public PersonaRun Generate(string idPrefix, DateTimeOffset now, int days, Random random)
        {
            var line = new Timeline(idPrefix, now, days, random);
            return line.Finish(name, farming: true, play(line));
        }
    }
}
