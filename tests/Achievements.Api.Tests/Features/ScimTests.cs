using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Achievements.Api.Tests.Infrastructure;
using Dapper;

namespace Achievements.Api.Tests.Features;

/// <summary>
/// Directory sync over SCIM 2.0 as identity providers drive it: Okta's and Entra ID's request shapes, sent as
/// application/scim+json with a key of the scim role, and the directory, the evaluation and the history following.
/// </summary>
public sealed class ScimTests
{
    private const string UserSchema = "urn:ietf:params:scim:schemas:core:2.0:User";
    private const string Enterprise = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
    private const string ErrorSchema = "urn:ietf:params:scim:api:messages:2.0:Error";
    private const string PatchOp = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static StringContent Scim(JsonNode body) => new(body.ToJsonString(), Encoding.UTF8, "application/scim+json");

    private static JsonObject User(string userName, string formatted = "Ada Lovelace", string? department = "Engines", string? externalId = null, bool? active = null)
    {
        var user = new JsonObject
        {
            ["schemas"] = new JsonArray(UserSchema, Enterprise),
            ["userName"] = userName,
            ["name"] = new JsonObject { ["formatted"] = formatted, ["givenName"] = "Ada", ["familyName"] = "Lovelace" },
            // What an IdP sends and this service does not keep is skipped, not refused.
            ["title"] = "Analyst",
            ["locale"] = "en-GB",
            [Enterprise] = new JsonObject { ["department"] = department, ["employeeNumber"] = "42" },
        };
        if (userName.Contains('@', StringComparison.Ordinal))
        {
            user["emails"] = new JsonArray(new JsonObject { ["value"] = userName, ["type"] = "work", ["primary"] = true });
        }

        if (externalId is not null)
        {
            user["externalId"] = externalId;
        }

        if (active is not null)
        {
            user["active"] = active;
        }

        return user;
    }

    /// <summary>Entra ID's deactivation and reactivation: a capitalised op with a path and the boolean as a string.</summary>
    private static JsonObject EntraActive(bool active) => new()
    {
        ["schemas"] = new JsonArray(PatchOp),
        ["Operations"] = new JsonArray(new JsonObject { ["op"] = "Replace", ["path"] = "active", ["value"] = active ? "True" : "False" }),
    };

    /// <summary>Okta's: no path, the attributes in the value.</summary>
    private static JsonObject OktaActive(bool active) => new()
    {
        ["schemas"] = new JsonArray(PatchOp),
        ["Operations"] = new JsonArray(new JsonObject { ["op"] = "replace", ["value"] = new JsonObject { ["active"] = active } }),
    };

    private static async Task<JsonElement> ScimJsonAsync(HttpResponseMessage response, HttpStatusCode status = HttpStatusCode.OK)
    {
        var json = await response.JsonAsync(status);
        Assert.Equal("application/scim+json", response.Content.Headers.ContentType?.MediaType);
        return json;
    }

    /// <summary>A SCIM error body (RFC 7644 §3.12): its schema, the status as a string, and a detail.</summary>
    private static async Task<JsonElement> ScimErrorAsync(HttpResponseMessage response, HttpStatusCode status, string? scimType = null)
    {
        var error = await ScimJsonAsync(response, status);
        Assert.Equal(ErrorSchema, error.GetProperty("schemas")[0].GetString());
        Assert.Equal(((int)status).ToString(System.Globalization.CultureInfo.InvariantCulture), error.GetProperty("status").GetString());
        Assert.False(string.IsNullOrEmpty(error.GetProperty("detail").GetString()));
        if (scimType is not null)
        {
            Assert.Equal(scimType, error.GetProperty("scimType").GetString());
        }

        return error;
    }

    private static async Task<JsonElement> CreateAsync(HttpClient scim, JsonObject user) =>
        await ScimJsonAsync(await scim.PostAsync("/scim/v2/Users", Scim(user), Ct), HttpStatusCode.Created);

    private static Task<HttpResponseMessage> DirectoryAsync(AchievementsApp app, string id) =>
        app.Anonymous().GetAsync($"/api/v1/employees/{id}/badges", Ct);

    private static async Task<long> CountAsync(AchievementsApp app, string sql, object? parameters = null)
    {
        await using var connection = app.Connect();
        return await connection.ExecuteScalarAsync<long>(sql, parameters);
    }

    [Fact]
    public async Task Creating_a_user_answers_201_with_its_location_and_puts_them_in_the_directory()
    {
        await using var app = new AchievementsApp();
        var scim = await app.ClientFor("scim", "okta");

        var response = await scim.PostAsync("/scim/v2/Users", Scim(User("Ada.Lovelace@Example.com", externalId: "00u1")), Ct);
        var user = await ScimJsonAsync(response, HttpStatusCode.Created);

        // The id is the employee id, made from the address's local part since an address is no employee id.
        Assert.Equal("ada.lovelace", user.GetProperty("id").GetString());
        Assert.Equal("Ada.Lovelace@Example.com", user.GetProperty("userName").GetString());
        Assert.Equal("00u1", user.GetProperty("externalId").GetString());
        Assert.Equal("Ada Lovelace", user.GetProperty("name").GetProperty("formatted").GetString());
        Assert.Equal("Engines", user.GetProperty(Enterprise).GetProperty("department").GetString());
        Assert.True(user.GetProperty("active").GetBoolean());
        Assert.Equal([UserSchema, Enterprise], user.GetProperty("schemas").EnumerateArray().Select(s => s.GetString()));
        var meta = user.GetProperty("meta");
        Assert.Equal("User", meta.GetProperty("resourceType").GetString());
        Assert.Equal(AchievementsApp.Start, meta.GetProperty("created").GetDateTimeOffset());
        Assert.Equal(AchievementsApp.Start, meta.GetProperty("lastModified").GetDateTimeOffset());
        Assert.EndsWith("/scim/v2/Users/ada.lovelace", meta.GetProperty("location").GetString(), StringComparison.Ordinal);
        Assert.Equal(meta.GetProperty("location").GetString(), response.Headers.Location?.ToString());

        var entry = await (await DirectoryAsync(app, "ada.lovelace")).JsonAsync();
        Assert.Equal("Ada Lovelace", entry.GetProperty("displayName").GetString());
        Assert.Equal("Engines", entry.GetProperty("team").GetString());

        // userName is registered as the email identity, lower case, so that sign-in and other sources find the person.
        var employee = await (await app.Admin().GetAsync("/api/v1/employees/ada.lovelace", Ct)).JsonAsync();
        Assert.Contains(employee.GetProperty("identities").EnumerateArray(), i => i.GetProperty("provider").GetString() == "email" && i.GetProperty("id").GetString() == "ada.lovelace@example.com");
        Assert.Equal("ada.lovelace", (await ScimJsonAsync(await scim.GetAsync("/scim/v2/Users/ada.lovelace", Ct))).GetProperty("id").GetString());
    }

    [Fact]
    public async Task A_person_the_service_knows_is_linked_not_created_again_and_a_taken_id_gets_a_suffix()
    {
        await using var app = new AchievementsApp();
        var scim = await app.ClientFor("scim");
        var byEmail = await app.Admin().PutAsync("/api/v1/employees/grace", Problem.JsonBody(new { displayName = "Grace", identities = new[] { new { provider = "email", id = "grace@example.com" } } }), Ct);
        Assert.Equal(HttpStatusCode.Created, byEmail.StatusCode);
        await app.PutEmployeeAsync("linus", "Linus");
        await app.PutEmployeeAsync("ada", "Another Ada");

        Assert.Equal("grace", (await CreateAsync(scim, User("Grace@example.com", "Grace Hopper"))).GetProperty("id").GetString());
        Assert.Equal("linus", (await CreateAsync(scim, User("linus", "Linus T"))).GetProperty("id").GetString());
        // 'ada' is someone without this address: a new employee, not a link to the wrong person.
        Assert.Equal("ada-2", (await CreateAsync(scim, User("ada@example.com"))).GetProperty("id").GetString());

        Assert.Equal("Grace Hopper", (await (await DirectoryAsync(app, "grace")).JsonAsync()).GetProperty("displayName").GetString());
        Assert.Equal("Another Ada", (await (await DirectoryAsync(app, "ada")).JsonAsync()).GetProperty("displayName").GetString());
        Assert.Equal(4, await CountAsync(app, "SELECT COUNT(*) FROM employees"));
    }

    [Fact]
    public async Task A_taken_userName_is_a_409_of_kind_uniqueness_whatever_its_case()
    {
        await using var app = new AchievementsApp();
        var scim = await app.ClientFor("scim");
        await CreateAsync(scim, User("ada@example.com"));

        var error = await ScimErrorAsync(await scim.PostAsync("/scim/v2/Users", Scim(User("ADA@example.com")), Ct), HttpStatusCode.Conflict, "uniqueness");
        Assert.Contains("ADA@example.com", error.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, await CountAsync(app, "SELECT COUNT(*) FROM employees"));
    }

    [Fact]
    public async Task An_unknown_user_is_a_404_scim_error()
    {
        await using var app = new AchievementsApp();
        var scim = await app.ClientFor("scim");
        // An employee never provisioned is not a SCIM user either.
        await app.PutEmployeeAsync("ada", "Ada");

        await ScimErrorAsync(await scim.GetAsync("/scim/v2/Users/nobody", Ct), HttpStatusCode.NotFound);
        await ScimErrorAsync(await scim.GetAsync("/scim/v2/Users/ada", Ct), HttpStatusCode.NotFound);
        await ScimErrorAsync(await scim.PatchAsync("/scim/v2/Users/nobody", Scim(OktaActive(false)), Ct), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Listing_filters_by_userName_and_pages()
    {
        await using var app = new AchievementsApp();
        var scim = await app.ClientFor("scim");
        foreach (var name in new[] { "carol@example.com", "ada@example.com", "bob@example.com" })
        {
            await CreateAsync(scim, User(name, externalId: $"ext-{name[0]}"));
        }

        var found = await ScimJsonAsync(await scim.GetAsync("/scim/v2/Users?filter=" + Uri.EscapeDataString("userName eq \"Bob@Example.com\""), Ct));
        Assert.Equal("urn:ietf:params:scim:api:messages:2.0:ListResponse", found.GetProperty("schemas")[0].GetString());
        Assert.Equal(1, found.GetProperty("totalResults").GetInt32());
        Assert.Equal("bob", found.GetProperty("Resources")[0].GetProperty("id").GetString());

        var byExternalId = await ScimJsonAsync(await scim.GetAsync("/scim/v2/Users?filter=" + Uri.EscapeDataString("externalId eq \"ext-c\""), Ct));
        Assert.Equal("carol", byExternalId.GetProperty("Resources")[0].GetProperty("id").GetString());

        var missing = await ScimJsonAsync(await scim.GetAsync("/scim/v2/Users?filter=" + Uri.EscapeDataString("userName eq \"nobody@example.com\""), Ct));
        Assert.Equal(0, missing.GetProperty("totalResults").GetInt32());
        Assert.Equal(0, missing.GetProperty("itemsPerPage").GetInt32());
        Assert.Empty(missing.GetProperty("Resources").EnumerateArray());

        var first = await ScimJsonAsync(await scim.GetAsync("/scim/v2/Users?startIndex=1&count=2", Ct));
        Assert.Equal(3, first.GetProperty("totalResults").GetInt32());
        Assert.Equal(1, first.GetProperty("startIndex").GetInt32());
        Assert.Equal(2, first.GetProperty("itemsPerPage").GetInt32());
        Assert.Equal(["ada", "bob"], first.GetProperty("Resources").EnumerateArray().Select(u => u.GetProperty("id").GetString()));
        var second = await ScimJsonAsync(await scim.GetAsync("/scim/v2/Users?startIndex=3&count=2", Ct));
        Assert.Equal(["carol"], second.GetProperty("Resources").EnumerateArray().Select(u => u.GetProperty("id").GetString()));
        Assert.Equal(3, second.GetProperty("startIndex").GetInt32());

        await ScimErrorAsync(await scim.GetAsync("/scim/v2/Users?filter=" + Uri.EscapeDataString("displayName co \"a\""), Ct), HttpStatusCode.BadRequest, "invalidFilter");
    }

    [Fact]
    public async Task Replacing_a_user_changes_their_name_and_team_and_the_directory_follows()
    {
        await using var app = new AchievementsApp();
        var scim = await app.ClientFor("scim");
        await CreateAsync(scim, User("ada@example.com"));
        Assert.Equal("Engines", (await (await DirectoryAsync(app, "ada")).JsonAsync()).GetProperty("team").GetString());
        app.Clock.Advance(TimeSpan.FromHours(1));

        var replaced = await ScimJsonAsync(await scim.PutAsync("/scim/v2/Users/ada", Scim(User("ada@example.com", "Ada King", department: "Analytics")), Ct));
        Assert.Equal("Ada King", replaced.GetProperty("name").GetProperty("formatted").GetString());
        Assert.Equal("Analytics", replaced.GetProperty(Enterprise).GetProperty("department").GetString());
        Assert.Equal(AchievementsApp.Start.AddHours(1), replaced.GetProperty("meta").GetProperty("lastModified").GetDateTimeOffset());

        var entry = await (await DirectoryAsync(app, "ada")).JsonAsync();
        Assert.Equal("Ada King", entry.GetProperty("displayName").GetString());
        Assert.Equal("Analytics", entry.GetProperty("team").GetString());

        // Entra ID's attribute updates come as PATCH with paths, the department by its schema-qualified name.
        var patched = await ScimJsonAsync(await scim.PatchAsync("/scim/v2/Users/ada", Scim(new JsonObject
        {
            ["schemas"] = new JsonArray(PatchOp),
            ["Operations"] = new JsonArray(
                new JsonObject { ["op"] = "Replace", ["path"] = "displayName", ["value"] = "Countess Lovelace" },
                new JsonObject { ["op"] = "Add", ["path"] = $"{Enterprise}:department", ["value"] = "Difference Engines" },
                new JsonObject { ["op"] = "Replace", ["path"] = "title", ["value"] = "Not kept" }),
        }), Ct));
        Assert.Equal("Countess Lovelace", patched.GetProperty("displayName").GetString());
        entry = await (await DirectoryAsync(app, "ada")).JsonAsync();
        Assert.Equal("Countess Lovelace", entry.GetProperty("displayName").GetString());
        Assert.Equal("Difference Engines", entry.GetProperty("team").GetString());
    }

    [Fact]
    public async Task A_deactivated_user_leaves_the_directory_keeps_their_awards_and_earns_nothing_until_reactivated()
    {
        await using var app = new AchievementsApp();
        var scim = await app.ClientFor("scim", "entra");
        await CreateAsync(scim, User("ada@example.com"));
        await new Personas(app).HonestDeveloper("ada", pullRequests: 12).SendAsync();
        await app.EvaluateAsync();
        Assert.Equal("bronze", await app.TierOfAsync("ada", "merge-master"));

        // Entra ID's shape.
        var deactivated = await ScimJsonAsync(await scim.PatchAsync("/scim/v2/Users/ada", Scim(EntraActive(false)), Ct));
        Assert.False(deactivated.GetProperty("active").GetBoolean());
        await Problem.AssertAsync(await DirectoryAsync(app, "ada"), HttpStatusCode.NotFound);
        await Problem.AssertAsync(await app.Anonymous().GetAsync("/api/v1/employees/ada/badges.svg", Ct), HttpStatusCode.NotFound);
        var holders = await (await app.Anonymous().GetAsync("/api/v1/badges/merge-master/holders", Ct)).JsonAsync();
        Assert.DoesNotContain(holders.EnumerateArray(), h => h.GetProperty("employee").GetString() == "ada");
        // The provider still sees them, deactivated.
        Assert.False((await ScimJsonAsync(await scim.GetAsync("/scim/v2/Users/ada", Ct))).GetProperty("active").GetBoolean());

        // Work while away is stored, not judged: nothing is granted, upgraded or downgraded.
        var eventsBefore = await CountAsync(app, "SELECT COUNT(*) FROM events WHERE actor = 'ada'");
        await new Personas(app).HonestDeveloper("ada", pullRequests: 30, everyDays: 5).SendAsync();
        Assert.True(await CountAsync(app, "SELECT COUNT(*) FROM events WHERE actor = 'ada'") > eventsBefore);
        var historyBefore = await CountAsync(app, "SELECT COUNT(*) FROM award_history WHERE employee_id = 'ada'");
        var pass = await app.EvaluateAsync();
        Assert.Equal(0, pass.GetProperty("granted").GetInt32() + pass.GetProperty("upgraded").GetInt32() + pass.GetProperty("downgraded").GetInt32() + pass.GetProperty("revoked").GetInt32());
        Assert.Equal(historyBefore, await CountAsync(app, "SELECT COUNT(*) FROM award_history WHERE employee_id = 'ada'"));
        Assert.Equal(1, await CountAsync(app, "SELECT COUNT(*) FROM awards WHERE employee_id = 'ada' AND badge_key = 'merge-master' AND status = 'active'"));

        // Okta's shape brings them back with their awards, and queues them for evaluation.
        var reactivated = await ScimJsonAsync(await scim.PatchAsync("/scim/v2/Users/ada", Scim(OktaActive(true)), Ct));
        Assert.True(reactivated.GetProperty("active").GetBoolean());
        Assert.Equal("bronze", await app.TierOfAsync("ada", "merge-master"));
        Assert.Equal(1, await CountAsync(app, "SELECT COUNT(*) FROM evaluation_queue WHERE employee_id = 'ada'"));
        Assert.True((await app.EvaluateAsync()).GetProperty("employees").GetInt32() >= 1);
        Assert.NotNull(await app.TierOfAsync("ada", "merge-master"));
    }

    [Fact]
    public async Task Someone_deactivated_before_they_earn_is_granted_nothing_until_reactivated_and_then_evaluated()
    {
        await using var app = new AchievementsApp();
        var scim = await app.ClientFor("scim", "okta");
        await CreateAsync(scim, User("ada@example.com"));
        await ScimJsonAsync(await scim.PatchAsync("/scim/v2/Users/ada", Scim(OktaActive(false)), Ct));

        await new Personas(app).HonestDeveloper("ada", pullRequests: 12).SendAsync();
        Assert.Equal(0, (await app.EvaluateAsync()).GetProperty("granted").GetInt32());
        Assert.Equal(0, await CountAsync(app, "SELECT COUNT(*) FROM awards WHERE employee_id = 'ada'"));

        await ScimJsonAsync(await scim.PatchAsync("/scim/v2/Users/ada", Scim(EntraActive(true)), Ct));
        Assert.Empty((await (await DirectoryAsync(app, "ada")).JsonAsync()).GetProperty("badges").EnumerateArray());
        Assert.True((await app.EvaluateAsync()).GetProperty("granted").GetInt32() >= 1);
        Assert.Equal("bronze", await app.TierOfAsync("ada", "merge-master"));
    }

    [Fact]
    public async Task Delete_deactivates_and_forgets_the_scim_user_and_provisioning_again_links_the_same_employee()
    {
        await using var app = new AchievementsApp();
        var scim = await app.ClientFor("scim");
        await CreateAsync(scim, User("ada@example.com", externalId: "e-1"));
        await new Personas(app).HonestDeveloper("ada", pullRequests: 12).SendAsync();
        await app.EvaluateAsync();

        Assert.Equal(HttpStatusCode.NoContent, (await scim.DeleteAsync("/scim/v2/Users/ada", Ct)).StatusCode);
        await ScimErrorAsync(await scim.GetAsync("/scim/v2/Users/ada", Ct), HttpStatusCode.NotFound);
        await Problem.AssertAsync(await DirectoryAsync(app, "ada"), HttpStatusCode.NotFound);
        Assert.Equal(1, await CountAsync(app, "SELECT COUNT(*) FROM awards WHERE employee_id = 'ada'"));

        var again = await CreateAsync(scim, User("ada@example.com"));
        Assert.Equal("ada", again.GetProperty("id").GetString());
        Assert.Equal("bronze", await app.TierOfAsync("ada", "merge-master"));
    }

    [Fact]
    public async Task Only_a_scim_key_opens_scim_and_a_scim_key_opens_nothing_else()
    {
        await using var app = new AchievementsApp();
        await ScimErrorAsync(await app.Anonymous().GetAsync("/scim/v2/Users", Ct), HttpStatusCode.Unauthorized);
        await ScimErrorAsync(await app.Admin().GetAsync("/scim/v2/Users", Ct), HttpStatusCode.Forbidden);
        await ScimErrorAsync(await app.Admin().PostAsync("/scim/v2/Users", Scim(User("ada@example.com")), Ct), HttpStatusCode.Forbidden);
        await ScimErrorAsync(await (await app.ClientFor("viewer")).GetAsync("/scim/v2/Users", Ct), HttpStatusCode.Forbidden);
        await ScimErrorAsync(await (await app.Source()).GetAsync("/scim/v2/Users", Ct), HttpStatusCode.Forbidden);

        var scim = await app.ClientFor("scim");
        await Problem.AssertAsync(await scim.GetAsync("/api/v1/signals", Ct), HttpStatusCode.Forbidden);
        await Problem.AssertAsync(await scim.GetAsync("/api/v1/keys", Ct), HttpStatusCode.Forbidden);
        Assert.Equal(0, await CountAsync(app, "SELECT COUNT(*) FROM employees"));
    }

    [Fact]
    public async Task Bad_bodies_are_400_scim_errors_with_a_clear_detail_and_write_nothing()
    {
        await using var app = new AchievementsApp();
        var scim = await app.ClientFor("scim");

        var noUserName = User("x@example.com");
        noUserName.Remove("userName");
        var error = await ScimErrorAsync(await scim.PostAsync("/scim/v2/Users", Scim(noUserName), Ct), HttpStatusCode.BadRequest, "invalidValue");
        Assert.Contains("userName", error.GetProperty("detail").GetString(), StringComparison.Ordinal);

        var longTeam = User("ada@example.com", department: new string('x', 101));
        error = await ScimErrorAsync(await scim.PostAsync("/scim/v2/Users", Scim(longTeam), Ct), HttpStatusCode.BadRequest, "invalidValue");
        Assert.Contains("department", error.GetProperty("detail").GetString(), StringComparison.Ordinal);

        await ScimErrorAsync(await scim.PostAsync("/scim/v2/Users", new StringContent("{\"userName\": ", Encoding.UTF8, "application/scim+json"), Ct), HttpStatusCode.BadRequest, "invalidSyntax");
        Assert.Equal(0, await CountAsync(app, "SELECT COUNT(*) FROM employees"));

        // application/json is taken too.
        Assert.Equal(HttpStatusCode.Created, (await scim.PostAsync("/scim/v2/Users", new StringContent(User("ada@example.com").ToJsonString(), Encoding.UTF8, "application/json"), Ct)).StatusCode);

        var notABoolean = new JsonObject { ["schemas"] = new JsonArray(PatchOp), ["Operations"] = new JsonArray(new JsonObject { ["op"] = "replace", ["path"] = "active", ["value"] = "maybe" }) };
        error = await ScimErrorAsync(await scim.PatchAsync("/scim/v2/Users/ada", Scim(notABoolean), Ct), HttpStatusCode.BadRequest, "invalidValue");
        Assert.Contains("active", error.GetProperty("detail").GetString(), StringComparison.Ordinal);

        // One bad operation fails the patch whole: the name before it is not changed either.
        var halfGood = new JsonObject
        {
            ["schemas"] = new JsonArray(PatchOp),
            ["Operations"] = new JsonArray(
                new JsonObject { ["op"] = "replace", ["path"] = "displayName", ["value"] = "Changed" },
                new JsonObject { ["op"] = "remove", ["path"] = "active" }),
        };
        await ScimErrorAsync(await scim.PatchAsync("/scim/v2/Users/ada", Scim(halfGood), Ct), HttpStatusCode.BadRequest, "invalidPath");
        var unknownOp = new JsonObject { ["Operations"] = new JsonArray(new JsonObject { ["op"] = "move", ["path"] = "active", ["value"] = false }) };
        await ScimErrorAsync(await scim.PatchAsync("/scim/v2/Users/ada", Scim(unknownOp), Ct), HttpStatusCode.BadRequest, "invalidValue");

        var user = await ScimJsonAsync(await scim.GetAsync("/scim/v2/Users/ada", Ct));
        Assert.True(user.GetProperty("active").GetBoolean());
        Assert.Equal("Ada Lovelace", user.GetProperty("displayName").GetString());
    }

    [Fact]
    public async Task The_service_provider_config_says_what_is_supported()
    {
        await using var app = new AchievementsApp();
        var scim = await app.ClientFor("scim");
        var config = await ScimJsonAsync(await scim.GetAsync("/scim/v2/ServiceProviderConfig", Ct));
        Assert.True(config.GetProperty("patch").GetProperty("supported").GetBoolean());
        Assert.False(config.GetProperty("bulk").GetProperty("supported").GetBoolean());
        Assert.True(config.GetProperty("filter").GetProperty("supported").GetBoolean());
        Assert.Equal(200, config.GetProperty("filter").GetProperty("maxResults").GetInt32());
        Assert.Equal("oauthbearertoken", config.GetProperty("authenticationSchemes")[0].GetProperty("type").GetString());

        var types = await ScimJsonAsync(await scim.GetAsync("/scim/v2/ResourceTypes", Ct));
        Assert.Equal("User", types.GetProperty("Resources")[0].GetProperty("id").GetString());
    }
}
