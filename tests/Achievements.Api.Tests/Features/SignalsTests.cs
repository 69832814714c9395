using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Achievements.Api.Tests.Infrastructure;

namespace Achievements.Api.Tests.Features;

public sealed class SignalsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_built_in_catalog_has_every_signal_with_its_kind()
    {
        await using var app = new AchievementsApp();
        var signals = await (await (await app.ClientFor("viewer")).GetAsync("/api/v1/signals", Ct)).JsonAsync();
        var kinds = signals.EnumerateArray().ToDictionary(s => s.GetProperty("type").GetString()!, s => s.GetProperty("kind").GetString());

        Assert.Equal("volume", kinds["tokens.consumed"]);
        Assert.Equal("volume", kinds["prompt.sent"]);
        Assert.Equal("volume", kinds["suggestion.shown"]);
        Assert.Equal("outcome", kinds["suggestion.accepted"]);
        Assert.Equal("correction", kinds["suggestion.discarded"]);
        Assert.Equal("outcome", kinds["pr.merged"]);
        Assert.Equal("correction", kinds["pr.reverted"]);
        Assert.Equal("outcome", kinds["review.approved"]);
    }

    [Fact]
    public async Task A_signal_shows_its_attribute_types_and_policy()
    {
        await using var app = new AchievementsApp();
        var signals = await (await app.Admin().GetAsync("/api/v1/signals", Ct)).JsonAsync();
        var merged = signals.EnumerateArray().Single(s => s.GetProperty("type").GetString() == "pr.merged");

        var attributes = merged.GetProperty("attributes");
        Assert.Equal("string", attributes.GetProperty("pr_id").GetString());
        Assert.Equal("int", attributes.GetProperty("lines_added").GetString());
        Assert.Equal("string[]", attributes.GetProperty("reviewers").GetString());
        Assert.Equal("bool", attributes.GetProperty("ai_assisted").GetString());
        Assert.Equal(["ai_assisted", "ai_claimed", "lines_moved", "merge_commit_sha"], merged.GetProperty("optional").Deserialize<string[]>()!);
        Assert.Equal("7d", merged.GetProperty("settlement").GetString());
        Assert.Equal("pr.reverted", merged.GetProperty("correctedBy").GetProperty("signal").GetString());
        Assert.Equal("pr_id", merged.GetProperty("correctedBy").GetProperty("on").GetString());
        Assert.Equal(10, merged.GetProperty("dailyCap").GetInt32());
        Assert.Contains(merged.GetProperty("qualify").EnumerateArray(), q => q.GetProperty("name").GetString() == "independent-review");
        Assert.True(merged.GetProperty("builtIn").GetBoolean());
        Assert.Equal("""{"lines":80,"gap":"72h","by":null}""", merged.GetProperty("units").GetRawText());
        Assert.Equal("""{"attribute":"ai_assisted","claim":"ai_claimed"}""", merged.GetProperty("attribution").GetRawText());
    }

    [Fact]
    public async Task An_admin_adds_a_signal_that_events_can_then_use()
    {
        await using var app = new AchievementsApp();
        var created = await app.Admin().PostJsonAsync("/api/v1/signals", new
        {
            type = "deploy.succeeded",
            kind = "outcome",
            description = "A deployment reached production.",
            attributes = new Dictionary<string, string> { ["service"] = "string", ["minutes"] = "number", ["delta"] = "int" },
            optional = new[] { "minutes" },
            signed = new[] { "delta" },
        });
        var body = await created.JsonAsync(HttpStatusCode.Created);
        Assert.False(body.GetProperty("builtIn").GetBoolean());

        var signals = await (await app.Admin().GetAsync("/api/v1/signals", Ct)).JsonAsync();
        Assert.Contains(signals.EnumerateArray(), s => s.GetProperty("type").GetString() == "deploy.succeeded");

        var source = await app.Source("deployer");
        var result = await (await source.PostJsonAsync("/api/v1/events", SampleEvents.Batch(new
        {
            id = "d1",
            type = "deploy.succeeded",
            actor = "ada",
            occurredAt = SampleEvents.Rfc3339(AchievementsApp.Start),
            attributes = new { service = "web", delta = -3 },
        }))).JsonAsync();
        Assert.Equal(1, result.GetProperty("accepted").GetInt32());
    }

    [Fact]
    public async Task A_taken_signal_type_is_a_409_problem()
    {
        await using var app = new AchievementsApp();
        var response = await app.Admin().PostJsonAsync("/api/v1/signals", new
        {
            type = "pr.merged",
            kind = "outcome",
            description = "Again",
            attributes = new Dictionary<string, string>(),
        });
        await Problem.AssertAsync(response, HttpStatusCode.Conflict);
    }

    [Theory]
    [InlineData("""{"type":"Deploy","kind":"outcome","description":"d","attributes":{}}""", "type")]
    [InlineData("""{"type":"deploy.done","kind":"bonus","description":"d","attributes":{}}""", "kind")]
    [InlineData("""{"type":"deploy.done","kind":"outcome","description":"","attributes":{}}""", "description")]
    [InlineData("""{"type":"deploy.done","kind":"outcome","description":"d","attributes":{"size":"float"}}""", "attributes")]
    [InlineData("""{"type":"deploy.done","kind":"outcome","description":"d","attributes":{"actor":"string"}}""", "attributes")]
    [InlineData("""{"type":"deploy.done","kind":"outcome","description":"d","attributes":{"a":"string"},"signed":["a"]}""", "signed[0]")]
    [InlineData("""{"type":"deploy.done","kind":"outcome","description":"d","attributes":{},"optional":["ghost"]}""", "optional[0]")]
    [InlineData("""{"type":"deploy.done","kind":"outcome","description":"d","attributes":{},"optional":[null]}""", "optional[0]")]
    [InlineData("""{"type":"deploy.done","kind":"outcome","description":"d","attributes":{"n":"int"},"signed":[null]}""", "signed[0]")]
    [InlineData("""{"type":"deploy.done","kind":"outcome","description":"d","attributes":{},"settlement":"soon"}""", "settlement")]
    [InlineData("""{"type":"deploy.done","kind":"outcome","description":"d","attributes":{},"dailyCap":0}""", "dailyCap")]
    [InlineData("""{"type":"deploy.done","kind":"outcome","description":"d","attributes":{"id":"string"},"correctedBy":{"signal":"pr.merged","on":"id"}}""", "correctedBy")]
    [InlineData("""{"type":"deploy.done","kind":"outcome","description":"d","attributes":{},"qualify":[null]}""", "qualify[0]")]
    public async Task Invalid_signals_are_400_problems_naming_the_field(string body, string field)
    {
        await using var app = new AchievementsApp();
        var response = await app.Admin().PostAsync("/api/v1/signals", new StringContent(body, System.Text.Encoding.UTF8, "application/json"), Ct);
        var errors = await Problem.ValidationErrorsAsync(response);
        Assert.Contains(errors.Keys, key => key.StartsWith(field, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Every_built_in_signal_PUT_back_as_GET_shows_it_is_unchanged()
    {
        await using var app = new AchievementsApp();
        var before = await app.Admin().GetStringAsync("/api/v1/signals", Ct);

        foreach (var entry in JsonNode.Parse(before)!.AsArray().Where(s => (bool)s!["builtIn"]!))
        {
            var response = await app.Admin().PutAsync($"/api/v1/signals/{entry!["type"]}", Problem.JsonBody(entry), Ct);
            Assert.True(JsonNode.DeepEquals(entry, JsonNode.Parse((await response.JsonAsync()).GetRawText())), $"PUT answers {entry["type"]} as it was.");
        }

        Assert.Equal(before, await app.Admin().GetStringAsync("/api/v1/signals", Ct));
    }

    [Theory]
    [InlineData("type", "\"pr.landed\"")]
    [InlineData("kind", "\"volume\"")]
    [InlineData("attributes", """{"pr_id":"string"}""")]
    [InlineData("optional", "[]")]
    [InlineData("signed", """["lines_added"]""")]
    [InlineData("builtIn", "false")]
    [InlineData("kind", "null")]
    public async Task A_PUT_that_changes_a_fixed_field_is_a_400_naming_it_and_changes_nothing(string field, string value)
    {
        await using var app = new AchievementsApp();
        var entry = await app.SignalAsync("pr.merged");
        var before = entry.DeepClone();
        entry[field] = JsonNode.Parse(value);

        var errors = await Problem.ValidationErrorsAsync(await app.Admin().PutAsync("/api/v1/signals/pr.merged", Problem.JsonBody(entry), Ct));

        Assert.Equal([field], errors.Keys);
        Assert.True(JsonNode.DeepEquals(before, await app.SignalAsync("pr.merged")), "The signal is as it was.");
    }

    [Fact]
    public async Task A_PUT_names_each_fixed_field_it_would_change()
    {
        await using var app = new AchievementsApp();
        var entry = await app.SignalAsync("pr.merged");
        entry["kind"] = "volume";
        entry["builtIn"] = false;

        var errors = await Problem.ValidationErrorsAsync(await app.Admin().PutAsync("/api/v1/signals/pr.merged", Problem.JsonBody(entry), Ct));

        Assert.Equal(["builtIn", "kind"], errors.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_PUT_without_the_fixed_fields_replaces_the_whole_policy()
    {
        await using var app = new AchievementsApp();

        await (await app.Admin().PutAsync("/api/v1/signals/pr.merged", Problem.JsonBody(new { dailyCap = 5 }), Ct)).JsonAsync();

        var merged = await app.SignalAsync("pr.merged");
        Assert.Equal(5, (int?)merged["dailyCap"]);
        Assert.Null(merged["settlement"]);
        Assert.Null(merged["correctedBy"]);
        Assert.Empty(merged["qualify"]!.AsArray());
        Assert.Equal("outcome", (string?)merged["kind"]);
        Assert.Equal("A pull request the employee authored was merged.", (string?)merged["description"]);
    }

    [Fact]
    public async Task An_unknown_field_in_a_PUT_is_a_400_naming_it()
    {
        await using var app = new AchievementsApp();

        var errors = await Problem.ValidationErrorsAsync(await app.Admin().PutAsync("/api/v1/signals/pr.merged", Problem.JsonBody(new { dailyCap = 5, bonus = 1 }), Ct));

        Assert.Equal(["bonus"], errors.Keys);
    }

    [Fact]
    public async Task Only_admins_add_signals()
    {
        await using var app = new AchievementsApp();
        var source = await app.Source();
        var response = await source.PostJsonAsync("/api/v1/signals", new { type = "x.y", kind = "outcome", description = "d", attributes = new { } });
        await Problem.AssertAsync(response, HttpStatusCode.Forbidden);
    }
}
