using System.Net.Http.Headers;
using System.Net.Http.Json;
using Achievements.Api.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Achievements.Web.Tests;

/// <summary>
/// The service signing in through a real OpenID Connect provider (oidc-provider from npm) on loopback, with grace, an
/// employee whose email identity is grace@example.test. Its own service, so that the shared one keeps the key form.
/// </summary>
public sealed class ProviderSite : IAsyncLifetime
{
    public OidcProvider Provider { get; private set; } = null!;

    public RunningService Service { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        var port = RunningService.FreePort();
        var site = $"http://127.0.0.1:{port}";
        Provider = await OidcProvider.StartAsync(redirects: [$"{site}/me", $"{site}/admin"]);
        Service = await RunningService.StartAsync(new Dictionary<string, string>
        {
            ["Achievements__Oidc__Authority"] = Provider.Issuer,
            ["Achievements__Oidc__Audience"] = OidcProvider.Audience,
            ["Achievements__Oidc__ClientId"] = OidcProvider.ClientId,
            ["Achievements__Oidc__AdminClaim"] = "groups",
            ["Achievements__Oidc__AdminValue"] = OidcProvider.AdminGroup,
            ["Achievements__Oidc__RequireHttpsMetadata"] = "false",
        }, port);
        using var admin = new HttpClient { BaseAddress = new Uri(Service.BaseAddress, "api/v1/") };
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", RunningService.AdminKey);
        (await admin.PutAsJsonAsync("employees/grace", new { displayName = "Grace Hopper", team = "compilers", identities = new[] { new { provider = "email", id = "grace@example.test" } } })).EnsureSuccessStatusCode();
    }

    public async ValueTask DisposeAsync()
    {
        await Service.DisposeAsync();
        await Provider.DisposeAsync();
    }
}

public sealed class SignInPageTests(WebApp app, ProviderSite site) : IClassFixture<ProviderSite>
{
    /// <summary>The provider's own login and consent pages, answered as a person would.</summary>
    private static async Task SignInAtProviderAsync(IPage page, string login)
    {
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in with your company account" }).ClickAsync();
        await page.Locator("input[name=login]").FillAsync(login);
        await page.Locator("input[name=password]").FillAsync("any password");
        await page.Locator("button[type=submit]").ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Continue" }).ClickAsync();
    }

    [Fact]
    public Task An_employee_signs_in_on_me_through_the_provider_and_sees_their_progress_without_a_key() => app.InPageAsync(async page =>
    {
        await page.GotoAsync("/me");
        await Expect(page.GetByLabel("Your employee key")).ToBeHiddenAsync();
        await SignInAtProviderAsync(page, "grace");

        await Expect(page.Locator("#me-who")).ToHaveTextAsync("Grace Hopper (grace)");
        await Expect(page.Locator(".progress-item[data-badge=merge-master]")).ToBeVisibleAsync();
        Assert.DoesNotContain("code=", page.Url, StringComparison.Ordinal);
        var stored = await page.EvaluateAsync<string>("() => sessionStorage.getItem('achievements.oidc')");
        Assert.Contains("\"access\"", stored, StringComparison.Ordinal);

        // A reload keeps the sign-in; signing out forgets it and ends the provider's session.
        await page.ReloadAsync();
        await Expect(page.Locator(".progress-item[data-badge=merge-master]")).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await page.Locator("button[type=submit]", new() { HasText = "Yes, sign me out" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Sign in with your company account" })).ToBeVisibleAsync();
        Assert.Null(await page.EvaluateAsync<string?>("() => sessionStorage.getItem('achievements.oidc')"));
    }, site: site.Service.BaseAddress);

    [Fact]
    public Task An_expired_token_is_refreshed_and_a_refusal_asks_to_sign_in_again() => app.InPageAsync(async page =>
    {
        await page.GotoAsync("/me");
        await SignInAtProviderAsync(page, "grace");
        await Expect(page.Locator(".progress-item[data-badge=merge-master]")).ToBeVisibleAsync();
        var first = await page.EvaluateAsync<string>("() => JSON.parse(sessionStorage.getItem('achievements.oidc')).access");

        // The access token has run out: the page redeems its refresh token at the provider and carries on.
        await page.EvaluateAsync("() => { const t = JSON.parse(sessionStorage.getItem('achievements.oidc')); t.expiresAt = 0; sessionStorage.setItem('achievements.oidc', JSON.stringify(t)); }");
        await page.ReloadAsync();
        await Expect(page.Locator(".progress-item[data-badge=merge-master]")).ToBeVisibleAsync();
        var refreshed = await page.EvaluateAsync<string>("() => JSON.parse(sessionStorage.getItem('achievements.oidc')).access");
        Assert.NotEqual(first, refreshed);

        // Run out and not refreshable: the page asks the person to sign in again.
        await page.EvaluateAsync("() => { const t = JSON.parse(sessionStorage.getItem('achievements.oidc')); t.expiresAt = 0; t.refresh = 'revoked'; sessionStorage.setItem('achievements.oidc', JSON.stringify(t)); }");
        await page.ReloadAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Sign in with your company account" })).ToBeVisibleAsync();
        await Expect(page.Locator(".progress-item")).ToHaveCountAsync(0);
    }, site: site.Service.BaseAddress);

    [Fact]
    public Task An_admin_signs_in_on_admin_through_the_provider() => app.InPageAsync(async page =>
    {
        await page.GotoAsync("/admin");
        await SignInAtProviderAsync(page, "admin-ada");

        await Expect(page.Locator("#admin")).ToBeVisibleAsync();
        await Expect(page.Locator(".badge-row[data-badge=merge-master]")).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Sign out" })).ToBeVisibleAsync();
    }, site: site.Service.BaseAddress);

    [Fact]
    public Task Someone_who_is_not_an_admin_is_told_so_on_admin() => app.InPageAsync(async page =>
    {
        await page.GotoAsync("/admin");
        await SignInAtProviderAsync(page, "grace");

        await Expect(page.Locator("#admin")).ToBeHiddenAsync();
        await Expect(page.Locator("#provider .problem")).ToContainTextAsync("Only admins");
    }, site: site.Service.BaseAddress);

    [Fact]
    public Task A_person_no_employee_matches_is_told_why_on_me() => app.InPageAsync(async page =>
    {
        await page.GotoAsync("/me");
        await SignInAtProviderAsync(page, "stranger");

        await Expect(page.Locator("#progress .problem")).ToContainTextAsync("stranger@example.test");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Sign in with your company account" })).ToBeVisibleAsync();
    }, site: site.Service.BaseAddress);

    [Fact]
    public Task An_admin_key_still_signs_in_beside_the_provider() => app.InPageAsync(async page =>
    {
        await page.GotoAsync("/admin");
        await page.GetByRole(AriaRole.Button, new() { Name = "Use an admin key instead" }).ClickAsync();
        await page.GetByLabel("Admin key").FillAsync(RunningService.AdminKey);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
        await Expect(page.Locator(".badge-row[data-badge=merge-master]")).ToBeVisibleAsync();
    }, site: site.Service.BaseAddress);
}
