using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Achievements.Api.Tests.Infrastructure;
using Dapper;

namespace Achievements.Api.Tests.Features;

/// <summary>
/// Only people vouch (issue 24): a review or an approval vouches for an outcome only when an authority put its giver in
/// the directory (an admin, SCIM, the GitHub source with autoCreateEmployees). A name a source's event merely carried,
/// with or without the account ingestion creates for an actor, vouches for nothing.
/// </summary>
public sealed class OnlyPeopleVouchTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly DateTimeOffset Now = AchievementsApp.Start;

    /// <summary>Twelve settled merges of ada's, each reviewed by <paramref name="reviewer"/> alone: Merge Master bronze when that is a voice.</summary>
    private static Personas TwelveMerges(Personas personas, string reviewer)
    {
        for (var i = 0; i < 12; i++)
        {
            personas.PrMerged("ada", Now.AddDays(-10 - i * 17), reviewers: [reviewer]);
        }

        return personas;
    }

    private static async Task<JsonElement> EmployeeAsync(AchievementsApp app, string id) =>
        await (await app.Admin().GetAsync($"/api/v1/employees/{id}", Ct)).JsonAsync();

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Merges_reviewed_only_by_a_name_an_event_carried_are_unvouched_until_an_admin_puts_it_in_the_directory(bool sentEventsOfItsOwn)
    {
        await using var app = new AchievementsApp();
        var personas = TwelveMerges(new Personas(app).NamedOnly("ghost"), "ghost");
        if (sentEventsOfItsOwn)
        {
            // Ingestion creates an account for every actor: that is not an authority putting it in the directory.
            personas.Prompt("ghost", Now.AddDays(-30));
        }

        var source = await personas.SendAsync();
        await app.EvaluateAsync();

        Assert.Null(await app.TierOfAsync("ada", "merge-master"));
        var progress = await app.ProgressAsync("ada", "merge-master");
        Assert.Equal(12, progress.Excluded("pr.merged", "unvouched"));
        Assert.Equal(0, progress.Counted("pr.merged"));
        if (sentEventsOfItsOwn)
        {
            Assert.Equal(JsonValueKind.Null, (await EmployeeAsync(app, "ghost")).GetProperty("addedBy").ValueKind);
        }

        // An admin vouches for the account: the reviews it gave count from the next pass, with no event of ada's needed.
        await app.PutEmployeeAsync("ghost", "Ghost Writer");
        Assert.Equal("admin", (await EmployeeAsync(app, "ghost")).GetProperty("addedBy").GetString());
        await app.EvaluateAsync();

        Assert.Equal("bronze", await app.TierOfAsync("ada", "merge-master"));
        Assert.Equal(0, (await app.ProgressAsync("ada", "merge-master")).Excluded("pr.merged", "unvouched"));

        // A later event naming the account as an actor does not take it out of the directory.
        await new Personas(app).Prompt("ghost", Now.AddHours(-1)).SendAsync(source);
        Assert.Equal("admin", (await EmployeeAsync(app, "ghost")).GetProperty("addedBy").GetString());
    }

    [Fact]
    public async Task Reviewers_provisioned_over_scim_vouch_and_keep_vouching_once_deactivated()
    {
        await using var app = new AchievementsApp();
        var scim = await app.ClientFor("scim", "okta");
        var created = await scim.PostAsync("/scim/v2/Users", ScimBody(new JsonObject
        {
            ["schemas"] = new JsonArray("urn:ietf:params:scim:schemas:core:2.0:User"),
            ["userName"] = "grace",
            ["name"] = new JsonObject { ["formatted"] = "Grace Hopper" },
        }), Ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("scim", (await EmployeeAsync(app, "grace")).GetProperty("addedBy").GetString());

        // Sent as a source sends them, so that no test helper puts grace in the directory: SCIM did.
        var source = await app.Source();
        var merges = Enumerable.Range(0, 12).Select(i => (object)SampleEvents.PrMerged($"m-{i}", "ada", Now.AddDays(-10 - i * 17), reviewer: "grace")).ToArray();
        await (await source.PostJsonAsync("/api/v1/events", SampleEvents.Batch(merges))).JsonAsync();
        await app.EvaluateAsync();
        Assert.Equal("bronze", await app.TierOfAsync("ada", "merge-master"));

        // Grace leaves. The reviews she gave while she worked here were real, so what they vouched for stands.
        var deactivate = new JsonObject
        {
            ["schemas"] = new JsonArray("urn:ietf:params:scim:api:messages:2.0:PatchOp"),
            ["Operations"] = new JsonArray(new JsonObject { ["op"] = "replace", ["value"] = new JsonObject { ["active"] = false } }),
        };
        Assert.Equal(HttpStatusCode.OK, (await scim.PatchAsync("/scim/v2/Users/grace", ScimBody(deactivate), Ct)).StatusCode);
        var progress = await app.ProgressAsync("ada", "merge-master");
        Assert.Equal(12, progress.Counted("pr.merged"));
        Assert.Equal(0, progress.Excluded("pr.merged", "unvouched"));
    }

    [Fact]
    public async Task A_github_reviewer_whose_identity_an_admin_mapped_vouches()
    {
        await using var app = new AchievementsApp();
        var github = new GithubDeliveries(app);
        await github.ConfigureAsync();
        await GithubWebhookTests.MapAsync(app, "ada", "1001", "ada-gh");
        await GithubWebhookTests.MapAsync(app, "grace", "1002", "grace-gh");
        var (ada, grace) = (GithubDeliveries.User("ada-gh", 1001), GithubDeliveries.User("grace-gh", 1002));
        var at = Now.AddDays(-20);

        await github.SendAsync("pull_request_review", GithubDeliveries.Approval("octo-org/web", 7, ada, grace, 701, at));
        await github.SendAsync("pull_request", GithubDeliveries.Merge("octo-org/web", 7, 907, ada, grace, at.AddHours(1)));
        await app.EvaluateAsync();

        Assert.Equal("admin", (await EmployeeAsync(app, "grace")).GetProperty("addedBy").GetString());
        var progress = await app.ProgressAsync("ada", "merge-master");
        Assert.Equal(1, progress.Counted("pr.merged"));
        Assert.Equal(0, progress.Excluded("pr.merged", "unvouched"));
    }

    [Fact]
    public async Task With_auto_create_the_organisation_s_github_accounts_are_people_whose_reviews_vouch()
    {
        await using var app = new AchievementsApp();
        var github = new GithubDeliveries(app);
        await github.ConfigureAsync(autoCreateEmployees: true);
        var (ada, grace) = (GithubDeliveries.User("Ada-GH", 1001), GithubDeliveries.User("Grace-GH", 1002));
        var at = Now.AddDays(-20);

        await github.SendAsync("pull_request_review", GithubDeliveries.Approval("octo-org/web", 8, ada, grace, 801, at));
        await github.SendAsync("pull_request", GithubDeliveries.Merge("octo-org/web", 8, 908, ada, grace, at.AddHours(1)));
        await app.EvaluateAsync();

        Assert.Equal("github", (await EmployeeAsync(app, "grace-gh")).GetProperty("addedBy").GetString());
        var merges = await app.ProgressAsync("ada-gh", "merge-master");
        Assert.Equal(1, merges.Counted("pr.merged"));
        Assert.Equal(0, merges.Excluded("pr.merged", "unvouched"));
        // And the other way: ada, the author, is a person, so grace's approval of her merged work is vouched for.
        Assert.Equal(1, (await app.ProgressAsync("grace-gh", "trusted-reviewer")).Counted("review.approved"));
    }

    [Fact]
    public async Task The_migration_names_who_put_each_existing_employee_in_the_directory_and_leaves_accounts_events_created_unnamed()
    {
        var path = AchievementsApp.NewDatabasePath();
        try
        {
            await using (var first = new AchievementsApp(path))
            {
                await first.PutEmployeeAsync("ann", "Ann");
                var scim = await first.ClientFor("scim");
                var created = await scim.PostAsync("/scim/v2/Users", ScimBody(new JsonObject
                {
                    ["schemas"] = new JsonArray("urn:ietf:params:scim:schemas:core:2.0:User"),
                    ["userName"] = "sue",
                    ["name"] = new JsonObject { ["formatted"] = "Sue Smith" },
                }), Ct);
                Assert.Equal(HttpStatusCode.Created, created.StatusCode);
                var github = new GithubDeliveries(first);
                await github.ConfigureAsync(autoCreateEmployees: true);
                var (gil, ann) = (GithubDeliveries.User("gil", 2001), GithubDeliveries.User("ann-gh", 2002));
                await github.SendAsync("pull_request_review", GithubDeliveries.Approval("octo-org/web", 9, gil, ann, 901, Now.AddDays(-2)));
                await github.SendAsync("pull_request", GithubDeliveries.Merge("octo-org/web", 9, 909, gil, ann, Now.AddDays(-2).AddHours(1)));
                await new Personas(first).Prompt("evan", Now.AddDays(-1)).SendAsync();
            }

            // The database as it was before the column: what 0014 (PostgreSQL's 0008) finds on an existing installation.
            await using (var connection = TestStore.Connect(path))
            {
                await connection.ExecuteAsync("ALTER TABLE employees DROP COLUMN added_by");
                await connection.ExecuteAsync("DELETE FROM schema_migrations WHERE version = @Version", new { Version = TestStore.IsPostgres ? 8 : 14 });
            }

            await using var second = new AchievementsApp(path);
            second.CreateClient();
            await using var check = second.Connect();
            var addedBy = (await check.QueryAsync<(string Id, string? AddedBy)>("SELECT id, added_by FROM employees ORDER BY id")).ToList();
            Assert.Equal([("ann", "admin"), ("ann-gh", "github"), ("evan", null), ("gil", "github"), ("sue", "scim")], addedBy);
        }
        finally
        {
            AchievementsApp.DeleteDatabase(path);
        }
    }

    private static StringContent ScimBody(JsonNode body) => new(body.ToJsonString(), Encoding.UTF8, "application/scim+json");
}
