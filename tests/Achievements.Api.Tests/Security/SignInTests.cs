using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Achievements.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;

namespace Achievements.Api.Tests.Security;

/// <summary>Two real providers for the sign-in tests: the company's, and another issuer that signs with the very same keys.</summary>
public sealed class CompanyProviders : IAsyncLifetime
{
    public OidcProvider Company { get; private set; } = null!;

    public OidcProvider Impostor { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Company = await OidcProvider.StartAsync();
        Impostor = await OidcProvider.StartAsync(sameKeysAs: Company);
    }

    public async ValueTask DisposeAsync()
    {
        await Company.DisposeAsync();
        await Impostor.DisposeAsync();
    }
}

/// <summary>The service with sign-in through <paramref name="provider"/>, on a clock that starts now (tokens carry real times).</summary>
public sealed class SignInApp(OidcProvider provider) : AchievementsApp(start: DateTimeOffset.UtcNow)
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Achievements:Oidc:Authority", provider.Issuer);
        builder.UseSetting("Achievements:Oidc:Audience", OidcProvider.Audience);
        builder.UseSetting("Achievements:Oidc:ClientId", OidcProvider.ClientId);
        builder.UseSetting("Achievements:Oidc:AdminClaim", "groups");
        builder.UseSetting("Achievements:Oidc:AdminValue", OidcProvider.AdminGroup);
        builder.UseSetting("Achievements:Oidc:RequireHttpsMetadata", "false");
    }

    public HttpClient WithToken(SignInTokens tokens)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", tokens.AccessToken);
        return client;
    }

    /// <summary>An employee whose <c>email</c> identity is <paramref name="email"/>, made through the API.</summary>
    public async Task AddEmployeeAsync(string id, string email)
    {
        var response = await Admin().PutAsJsonAsync($"/api/v1/employees/{id}", new { displayName = id, identities = new[] { new { provider = "email", id = email } } });
        response.EnsureSuccessStatusCode();
    }
}

public sealed class SignInTests(CompanyProviders providers) : IClassFixture<CompanyProviders>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_signed_in_employee_reads_their_own_progress_and_not_someone_elses()
    {
        await using var app = new SignInApp(providers.Company);
        await app.AddEmployeeAsync("alice", "Alice@Example.test");
        await app.AddEmployeeAsync("bob", "bob@example.test");
        using var alice = app.WithToken(await providers.Company.SignInAsync("alice"));

        var me = await (await alice.GetAsync("/api/v1/me", Ct)).JsonAsync();
        Assert.Equal("employee", me.GetProperty("role").GetString());
        Assert.Equal("alice", me.GetProperty("employee").GetString());
        Assert.Equal("oidc", me.GetProperty("via").GetString());
        await (await alice.GetAsync("/api/v1/employees/alice/progress", Ct)).JsonAsync();
        var other = await Problem.AssertAsync(await alice.GetAsync("/api/v1/employees/bob/progress", Ct), HttpStatusCode.Forbidden);
        Assert.Contains("employee themselves", other.GetProperty("detail").GetString());
        await Problem.AssertAsync(await alice.GetAsync("/api/v1/keys", Ct), HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task A_token_carrying_the_admin_claim_acts_as_an_admin()
    {
        await using var app = new SignInApp(providers.Company);
        using var admin = app.WithToken(await providers.Company.SignInAsync("admin-ann"));

        await (await admin.GetAsync("/api/v1/keys", Ct)).JsonAsync();
        var created = await admin.PostAsJsonAsync("/api/v1/keys", new { role = "viewer" }, Ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var me = await (await admin.GetAsync("/api/v1/me", Ct)).JsonAsync();
        Assert.Equal("admin", me.GetProperty("role").GetString());

        // The audit trail names the person who signed in, not a key.
        (await admin.PutAsJsonAsync("/api/v1/employees/dave", new { displayName = "Dave" }, Ct)).EnsureSuccessStatusCode();
        var audit = await (await admin.GetAsync("/api/v1/audit", Ct)).JsonAsync();
        Assert.Contains("oidc:admin-ann@example.test", audit.GetRawText());
    }

    [Fact]
    public async Task A_token_for_a_person_no_employee_matches_is_a_403_that_says_so()
    {
        await using var app = new SignInApp(providers.Company);
        using var stranger = app.WithToken(await providers.Company.SignInAsync("stranger"));

        foreach (var path in new[] { "/api/v1/me", "/api/v1/employees/stranger/progress", "/api/v1/keys" })
        {
            var problem = await Problem.AssertAsync(await stranger.GetAsync(path, Ct), HttpStatusCode.Forbidden);
            Assert.Contains("stranger@example.test", problem.GetProperty("detail").GetString());
            Assert.Contains("no employee", problem.GetProperty("detail").GetString());
        }
    }

    [Fact]
    public async Task A_person_the_provider_provisioned_signs_in_until_it_deactivates_them()
    {
        await using var app = new SignInApp(providers.Company);
        var scim = await app.ClientFor("scim", "company-idp");
        var created = await scim.PostAsync("/scim/v2/Users", Problem.JsonBody(new
        {
            schemas = new[] { "urn:ietf:params:scim:schemas:core:2.0:User" },
            userName = "erin@example.test",
            name = new { formatted = "Erin Example" },
            active = true,
        }), Ct);
        var id = (await created.JsonAsync(HttpStatusCode.Created)).GetProperty("id").GetString();
        using var erin = app.WithToken(await providers.Company.SignInAsync("erin"));
        var me = await (await erin.GetAsync("/api/v1/me", Ct)).JsonAsync();
        Assert.Equal(id, me.GetProperty("employee").GetString());
        Assert.Equal("Erin Example", me.GetProperty("displayName").GetString());

        var patch = new { schemas = new[] { "urn:ietf:params:scim:api:messages:2.0:PatchOp" }, Operations = new[] { new { op = "replace", path = "active", value = false } } };
        (await scim.PatchAsync($"/scim/v2/Users/{id}", Problem.JsonBody(patch), Ct)).EnsureSuccessStatusCode();
        var problem = await Problem.AssertAsync(await erin.GetAsync("/api/v1/me", Ct), HttpStatusCode.Forbidden);
        Assert.Contains("deactivated", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task An_expired_token_is_a_401()
    {
        await using var app = new SignInApp(providers.Company);
        await app.AddEmployeeAsync("alice", "alice@example.test");
        using var alice = app.WithToken(await providers.Company.SignInAsync("alice"));
        await (await alice.GetAsync("/api/v1/me", Ct)).JsonAsync();

        // The provider's tokens last an hour; past that and the five minutes of clock skew, it is refused.
        app.Clock.Advance(TimeSpan.FromMinutes(66));
        var response = await alice.GetAsync("/api/v1/me", Ct);
        var problem = await Problem.AssertAsync(response, HttpStatusCode.Unauthorized);
        Assert.Contains("expired", problem.GetProperty("detail").GetString());
        Assert.StartsWith("Bearer", response.Headers.WwwAuthenticate.ToString());
    }

    [Fact]
    public async Task A_token_for_another_audience_is_a_401()
    {
        await using var app = new SignInApp(providers.Company);
        await app.AddEmployeeAsync("alice", "alice@example.test");
        using var alice = app.WithToken(await providers.Company.SignInAsync("alice", resource: "https://payroll.test/api"));

        var problem = await Problem.AssertAsync(await alice.GetAsync("/api/v1/me", Ct), HttpStatusCode.Unauthorized);
        Assert.Contains("audience", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_token_from_another_issuer_is_a_401_even_signed_with_a_trusted_key()
    {
        await using var app = new SignInApp(providers.Company);
        await app.AddEmployeeAsync("alice", "alice@example.test");
        using var alice = app.WithToken(await providers.Impostor.SignInAsync("alice"));

        var problem = await Problem.AssertAsync(await alice.GetAsync("/api/v1/me", Ct), HttpStatusCode.Unauthorized);
        Assert.Contains("another identity provider", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_rotated_key_is_picked_up_without_a_restart_and_a_retired_one_is_a_401()
    {
        await using var provider = await OidcProvider.StartAsync();
        await using var app = new SignInApp(provider);
        await app.AddEmployeeAsync("alice", "alice@example.test");
        var before = await provider.SignInAsync("alice");
        using var old = app.WithToken(before);
        await (await old.GetAsync("/api/v1/me", Ct)).JsonAsync();

        await provider.RotateKeysAsync();
        using var rotated = app.WithToken(await provider.SignInAsync("alice"));
        await (await rotated.GetAsync("/api/v1/me", Ct)).JsonAsync();

        var problem = await Problem.AssertAsync(await old.GetAsync("/api/v1/me", Ct), HttpStatusCode.Unauthorized);
        Assert.Contains("key", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_forged_or_garbled_token_is_a_401()
    {
        await using var app = new SignInApp(providers.Company);
        await app.AddEmployeeAsync("alice", "alice@example.test");
        var real = (await providers.Company.SignInAsync("alice")).AccessToken;
        var parts = real.Split('.');
        var claims = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(Pad(parts[1]))).Replace("alice@example.test", "bob@example.test");
        var forged = $"{parts[0]}.{Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(claims)).TrimEnd('=').Replace('+', '-').Replace('/', '_')}.{parts[2]}";

        foreach (var token in new[] { forged, "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.", "eyJub3Q.a.token" })
        {
            using var client = app.WithToken(new SignInTokens(token, ""));
            await Problem.AssertAsync(await client.GetAsync("/api/v1/me", Ct), HttpStatusCode.Unauthorized);
        }

        static string Pad(string s) => s.Replace('-', '+').Replace('_', '/') + new string('=', (4 - s.Length % 4) % 4);
    }

    [Fact]
    public async Task Keys_keep_working_beside_sign_in()
    {
        await using var app = new SignInApp(providers.Company);
        await (await app.Admin().GetAsync("/api/v1/keys", Ct)).JsonAsync();
        var employee = await app.ClientFor("employee", "carol");
        await app.Admin().PutAsJsonAsync("/api/v1/employees/carol", new { displayName = "Carol" }, Ct);
        var me = await (await employee.GetAsync("/api/v1/me", Ct)).JsonAsync();
        Assert.Equal("carol", me.GetProperty("employee").GetString());
        Assert.Equal("key", me.GetProperty("via").GetString());
        await Problem.AssertAsync(await app.WithKey("ach_0000000000000000_nope").GetAsync("/api/v1/me", Ct), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task The_pages_learn_how_to_sign_in_and_a_service_without_a_provider_says_it_has_none()
    {
        await using var app = new SignInApp(providers.Company);
        var settings = await (await app.Anonymous().GetAsync("/api/v1/sign-in", Ct)).JsonAsync();
        Assert.Equal(providers.Company.Issuer, settings.GetProperty("authority").GetString());
        Assert.Equal(OidcProvider.ClientId, settings.GetProperty("clientId").GetString());
        Assert.Contains("openid", settings.GetProperty("scope").GetString());

        await using var keysOnly = new AchievementsApp();
        await Problem.AssertAsync(await keysOnly.Anonymous().GetAsync("/api/v1/sign-in", Ct), HttpStatusCode.NotFound);
    }
}
