using System.Net;
using System.Net.Http.Headers;
using Achievements.Api.Tests.Infrastructure;
using Dapper;

namespace Achievements.Api.Tests.Features;

public sealed class KeysTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_admin_creates_a_key_and_sees_its_secret_once()
    {
        await using var app = new AchievementsApp();
        var response = await app.Admin().PostJsonAsync("/api/v1/keys", new { role = "source", subject = "github" });
        var created = await response.JsonAsync(HttpStatusCode.Created);

        Assert.Equal("source", created.GetProperty("role").GetString());
        Assert.Equal("github", created.GetProperty("subject").GetString());
        var key = created.GetProperty("key").GetString()!;
        Assert.StartsWith("ach_", key, StringComparison.Ordinal);
        Assert.True(response.Headers.CacheControl?.NoStore);
        // 256 random bits, base64url: 43 characters of secret after the id.
        Assert.True(key.Length >= 4 + 16 + 1 + 43);

        var listed = await (await app.Admin().GetAsync("/api/v1/keys", Ct)).JsonAsync();
        var row = listed.EnumerateArray().Single(k => k.GetProperty("id").GetString() == created.GetProperty("id").GetString());
        Assert.False(row.TryGetProperty("key", out _));
        Assert.DoesNotContain(key, listed.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Keys_are_stored_only_as_hashes()
    {
        await using var app = new AchievementsApp();
        var created = await (await app.Admin().PostJsonAsync("/api/v1/keys", new { role = "viewer" })).JsonAsync(HttpStatusCode.Created);
        var secret = created.GetProperty("key").GetString()!.Split('_', 3)[2]; // base64url: the secret may hold '_' itself

        await using var connection = app.Connect();
        var stored = await connection.QuerySingleAsync<byte[]>("SELECT secret_hash FROM api_keys WHERE id = @id", new { id = created.GetProperty("id").GetString() });
        Assert.Equal(32, stored.Length);
        Assert.DoesNotContain(secret, System.Text.Encoding.UTF8.GetString(stored), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_deleted_key_stops_working_at_once()
    {
        await using var app = new AchievementsApp();
        var created = await (await app.Admin().PostJsonAsync("/api/v1/keys", new { role = "viewer" })).JsonAsync(HttpStatusCode.Created);
        var viewer = app.WithKey(created.GetProperty("key").GetString()!);
        Assert.Equal(HttpStatusCode.OK, (await viewer.GetAsync("/api/v1/signals", Ct)).StatusCode);

        var deleted = await app.Admin().DeleteAsync($"/api/v1/keys/{created.GetProperty("id").GetString()}", Ct);
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);

        await Problem.AssertAsync(await viewer.GetAsync("/api/v1/signals", Ct), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Deleting_an_unknown_key_is_a_404_problem()
    {
        await using var app = new AchievementsApp();
        await Problem.AssertAsync(await app.Admin().DeleteAsync("/api/v1/keys/0000000000000000", Ct), HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("{\"role\":\"superuser\"}", "role")]
    [InlineData("{\"role\":\"source\"}", "subject")]
    [InlineData("{\"role\":\"source\",\"subject\":\"Git Hub\"}", "subject")]
    [InlineData("{\"role\":\"employee\"}", "subject")]
    [InlineData("{\"role\":\"employee\",\"subject\":\"-dash-first\"}", "subject")]
    [InlineData("{}", "role")]
    public async Task Invalid_key_requests_are_400_problems_naming_the_field(string body, string field)
    {
        await using var app = new AchievementsApp();
        var response = await app.Admin().PostAsync("/api/v1/keys", new StringContent(body, MediaTypeHeaderValue.Parse("application/json")), Ct);
        var errors = await Problem.ValidationErrorsAsync(response);
        Assert.Contains(field, errors.Keys);
    }

    [Theory]
    [InlineData("source")]
    [InlineData("employee")]
    [InlineData("viewer")]
    public async Task Only_admins_manage_keys(string role)
    {
        await using var app = new AchievementsApp();
        var client = await app.ClientFor(role, role == "viewer" ? null : "someone");
        await Problem.AssertAsync(await client.GetAsync("/api/v1/keys", Ct), HttpStatusCode.Forbidden);
        await Problem.AssertAsync(await client.PostJsonAsync("/api/v1/keys", new { role = "admin" }), HttpStatusCode.Forbidden);
        await Problem.AssertAsync(await client.DeleteAsync("/api/v1/keys/x", Ct), HttpStatusCode.Forbidden);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("Bearer nonsense")]
    [InlineData("Bearer ach_0000000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("Basic dXNlcjpwYXNz")]
    [InlineData("Bearer ")]
    public async Task Missing_or_unknown_keys_are_401_problems(string? authorization)
    {
        await using var app = new AchievementsApp();
        var client = app.Anonymous();
        if (authorization is not null)
        {
            client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", authorization);
        }

        var response = await client.GetAsync("/api/v1/signals", Ct);
        await Problem.AssertAsync(response, HttpStatusCode.Unauthorized);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
    }

    [Fact]
    public async Task A_key_with_the_right_id_but_a_wrong_secret_is_refused()
    {
        await using var app = new AchievementsApp();
        var created = await (await app.Admin().PostJsonAsync("/api/v1/keys", new { role = "admin" })).JsonAsync(HttpStatusCode.Created);
        var forged = $"ach_{created.GetProperty("id").GetString()}_{new string('A', 43)}";
        await Problem.AssertAsync(await app.WithKey(forged).GetAsync("/api/v1/keys", Ct), HttpStatusCode.Unauthorized);
    }
}
