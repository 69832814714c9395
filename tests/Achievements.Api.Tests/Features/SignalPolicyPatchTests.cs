using System.Net;
using System.Text.Json.Nodes;
using Achievements.Api.Tests.Infrastructure;

namespace Achievements.Api.Tests.Features;

/// <summary>PATCH /api/v1/signals/{type}: a JSON merge patch on the signal as GET shows it, stored as PUT would store it.</summary>
public sealed class SignalPolicyPatchTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_patch_changes_one_field_and_leaves_the_rest_as_they_were()
    {
        await using var app = new AchievementsApp();
        var before = await app.SignalAsync("pr.merged");

        var patched = await (await app.PatchSignalAsync("pr.merged", """{"dailyCap":3}""")).JsonAsync();

        var expected = before.DeepClone().AsObject();
        expected["dailyCap"] = 3;
        Assert.True(JsonNode.DeepEquals(expected, await app.SignalAsync("pr.merged")), "Only dailyCap changes.");
        Assert.True(JsonNode.DeepEquals(expected, JsonNode.Parse(patched.GetRawText())), "The answer is the signal as it now is.");
    }

    [Fact]
    public async Task A_patch_is_audited_with_the_signal_before_and_after()
    {
        await using var app = new AchievementsApp();
        await (await app.PatchSignalAsync("pr.merged", """{"dailyCap":3}""")).JsonAsync();

        var audit = await (await app.Admin().GetAsync("/api/v1/audit", Ct)).JsonAsync();
        var change = audit.EnumerateArray().Single(e => e.GetProperty("action").GetString() == "signal.policy-changed");
        Assert.Equal(10, change.GetProperty("details").GetProperty("before").GetProperty("dailyCap").GetInt32());
        Assert.Equal(3, change.GetProperty("details").GetProperty("after").GetProperty("dailyCap").GetInt32());
    }

    [Fact]
    public async Task A_null_in_the_patch_clears_a_nullable_field()
    {
        await using var app = new AchievementsApp();

        await (await app.PatchSignalAsync("pr.merged", """{"dailyCap":null,"correctedBy":null}""")).JsonAsync();

        var merged = await app.SignalAsync("pr.merged");
        Assert.Null(merged["dailyCap"]);
        Assert.Null(merged["correctedBy"]);
        Assert.Equal("7d", (string?)merged["settlement"]);
    }

    [Fact]
    public async Task An_array_in_the_patch_replaces_the_whole_list()
    {
        await using var app = new AchievementsApp();

        await (await app.PatchSignalAsync("pr.merged", """{"qualify":[{"name":"non-trivial","condition":"lines_added + lines_deleted >= 5"}]}""")).JsonAsync();

        var qualify = (await app.SignalAsync("pr.merged"))["qualify"]!.AsArray();
        Assert.Equal(["non-trivial"], qualify.Select(q => (string?)q!["name"]));
    }

    [Fact]
    public async Task An_object_in_the_patch_merges_into_the_field()
    {
        await using var app = new AchievementsApp();
        await app.Admin().PostJsonAsync("/api/v1/signals", new
        {
            type = "deploy.rolled_back",
            kind = "correction",
            description = "A deployment was rolled back.",
            attributes = new Dictionary<string, string> { ["pr_id"] = "string" },
        });

        // Only the signal changes; the patch leaves "on" as it was.
        await (await app.PatchSignalAsync("pr.merged", """{"correctedBy":{"signal":"deploy.rolled_back"}}""")).JsonAsync();

        var correctedBy = (await app.SignalAsync("pr.merged"))["correctedBy"]!;
        Assert.Equal("deploy.rolled_back", (string?)correctedBy["signal"]);
        Assert.Equal("pr_id", (string?)correctedBy["on"]);
    }

    [Fact]
    public async Task A_patch_may_repeat_a_fixed_field_unchanged()
    {
        await using var app = new AchievementsApp();

        var patched = await (await app.PatchSignalAsync("pr.merged", """{"type":"pr.merged","kind":"outcome","builtIn":true,"dailyCap":4}""")).JsonAsync();

        Assert.Equal(4, patched.GetProperty("dailyCap").GetInt32());
    }

    [Theory]
    [InlineData("""{"dailyCap":0}""", "dailyCap")]
    [InlineData("""{"dailyCap":"ten"}""", "dailyCap")]
    [InlineData("""{"settlement":"soon"}""", "settlement")]
    [InlineData("""{"description":"tab\tin text"}""", "description")]
    [InlineData("""{"correctedBy":{"signal":"review.approved"}}""", "correctedBy")]
    [InlineData("""{"correctedBy":{"on":null}}""", "correctedBy.on")]
    [InlineData("""{"qualify":[{"name":"Not A Name","condition":"true"}]}""", "qualify[0].name")]
    [InlineData("""{"kind":"volume"}""", "kind")]
    [InlineData("""{"attributes":{"bonus":"int"}}""", "attributes")]
    [InlineData("""{"optional":null}""", "optional")]
    [InlineData("""{"bonus":1}""", "bonus")]
    [InlineData("""{"qualify":[null]}""", "qualify[0]")]
    public async Task A_patch_that_leaves_an_invalid_signal_is_a_400_naming_the_field_and_changes_nothing(string patch, string field)
    {
        await using var app = new AchievementsApp();
        var before = await app.SignalAsync("pr.merged");

        var errors = await Problem.ValidationErrorsAsync(await app.PatchSignalAsync("pr.merged", patch));

        Assert.Contains(field, errors.Keys);
        Assert.True(JsonNode.DeepEquals(before, await app.SignalAsync("pr.merged")), "The signal is as it was.");
        var audit = await (await app.Admin().GetAsync("/api/v1/audit", Ct)).JsonAsync();
        Assert.DoesNotContain(audit.EnumerateArray(), e => e.GetProperty("action").GetString() == "signal.policy-changed");
    }

    [Fact]
    public async Task Field_names_are_matched_as_GET_spells_them()
    {
        await using var app = new AchievementsApp();

        var errors = await Problem.ValidationErrorsAsync(await app.PatchSignalAsync("pr.merged", """{"DailyCap":3}"""));

        Assert.Contains("did you mean 'dailyCap'?", Assert.Single(errors.Values.SelectMany(m => m)));
        Assert.Equal(10, (int?)(await app.SignalAsync("pr.merged"))["dailyCap"]);
    }

    [Fact]
    public async Task A_body_that_is_not_an_object_is_a_400_problem()
    {
        await using var app = new AchievementsApp();

        var errors = await Problem.ValidationErrorsAsync(await app.PatchSignalAsync("pr.merged", "[1]"));

        Assert.Equal(["$"], errors.Keys);
    }

    [Fact]
    public async Task A_patch_names_every_fixed_field_it_would_change()
    {
        await using var app = new AchievementsApp();

        var errors = await Problem.ValidationErrorsAsync(await app.PatchSignalAsync("pr.merged", """{"kind":"volume","builtIn":false,"signed":["lines_added"],"dailyCap":5}"""));

        Assert.Equal(["builtIn", "kind", "signed"], errors.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_condition_that_does_not_compile_is_refused_with_its_diagnostics()
    {
        await using var app = new AchievementsApp();

        var response = await app.PatchSignalAsync("pr.merged", """{"qualify":[{"name":"typo","condition":"exists(reviewer, r, r != actor)"}]}""");

        var problem = await Problem.AssertAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal("qualify[0].condition", problem.GetProperty("diagnostics")[0].GetProperty("field").GetString());
    }

    [Theory]
    [InlineData("application/json")]
    [InlineData("text/plain")]
    [InlineData("application/json-patch+json")]
    public async Task A_patch_in_another_content_type_is_a_415_problem(string contentType)
    {
        await using var app = new AchievementsApp();
        var before = await app.SignalAsync("pr.merged");

        var response = await app.PatchSignalAsync("pr.merged", """{"dailyCap":3}""", contentType);

        await Problem.AssertAsync(response, HttpStatusCode.UnsupportedMediaType);
        Assert.True(JsonNode.DeepEquals(before, await app.SignalAsync("pr.merged")));
    }

    [Fact]
    public async Task A_patch_of_a_signal_not_in_the_catalog_is_a_404_problem()
    {
        await using var app = new AchievementsApp();

        await Problem.AssertAsync(await app.PatchSignalAsync("deploy.succeeded", """{"dailyCap":3}"""), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Only_admins_patch_a_signal()
    {
        await using var app = new AchievementsApp();
        var viewer = await app.ClientFor("viewer");

        var response = await viewer.PatchAsync("/api/v1/signals/pr.merged", new StringContent("""{"dailyCap":3}""", System.Text.Encoding.UTF8, "application/merge-patch+json"), Ct);

        await Problem.AssertAsync(response, HttpStatusCode.Forbidden);
    }
}
