using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Achievements.Web.Tests;

public sealed class MyProgressPageTests(WebApp app)
{
    private async Task SignInAsync(IPage page, string? employee = null, string? key = null)
    {
        await page.GotoAsync("/me");
        await page.GetByLabel("Employee id").FillAsync(employee ?? Seed.Ada);
        await page.GetByLabel("Your employee key").FillAsync(key ?? app.AdaKey);
        await page.GetByRole(AriaRole.Button, new() { Name = "Show my progress" }).ClickAsync();
    }

    [Fact]
    public Task Progress_shows_a_bar_to_the_next_tier_and_why_outcomes_did_not_count() => app.InPageAsync(async page =>
    {
        await SignInAsync(page);

        var mergeMaster = page.Locator(".progress-item[data-badge=merge-master]");
        // 12 counted of the 50 that silver needs.
        await Expect(mergeMaster.Locator("progress")).ToHaveAttributeAsync("value", "24");
        await Expect(mergeMaster.GetByText("Towards silver: 12 of 50")).ToBeVisibleAsync();
        await Expect(mergeMaster).ToContainTextAsync("12 pull requests counted");
        await Expect(mergeMaster).ToContainTextAsync($"{Seed.SelfReviewed} pull requests had no independent reviewer");
        await Expect(mergeMaster).ToContainTextAsync("1 pull request was too small to count (fewer than 5 lines changed)");
    });

    [Fact]
    public Task Frugal_builder_says_which_pull_requests_evidence_makes_AI_assisted_and_that_a_label_is_not_evidence() => app.InPageAsync(async page =>
    {
        await SignInAsync(page);

        var frugal = page.Locator(".progress-item[data-badge=frugal-builder]");
        await frugal.GetByText("Which of these were AI-assisted").ClickAsync();
        await Expect(frugal).ToContainTextAsync("ada-1: AI-assisted (a commit names claude as co-author)");
        await Expect(frugal).ToContainTextAsync("ada-0: labelled AI-assisted, but nothing shows it, and a label alone is not evidence");
        await Expect(frugal).ToContainTextAsync("ada-2: no sign of AI");
        // Merge Master does not ask whether AI helped, so it says nothing of it.
        await Expect(page.Locator(".progress-item[data-badge=merge-master] details.attribution")).ToHaveCountAsync(0);
    });

    [Fact]
    public Task The_key_is_kept_in_session_storage_and_never_in_the_address() => app.InPageAsync(async page =>
    {
        await SignInAsync(page);
        await Expect(page.Locator(".progress-item").First).ToBeVisibleAsync();

        Assert.DoesNotContain(app.AdaKey, page.Url, StringComparison.Ordinal);
        Assert.Contains(app.AdaKey, await page.EvaluateAsync<string>("() => sessionStorage.getItem('achievements.me')"), StringComparison.Ordinal);
        await page.ReloadAsync();
        await Expect(page.Locator(".progress-item[data-badge=merge-master]")).ToBeVisibleAsync();
    });

    [Fact]
    public Task The_weekly_chart_draws_counted_outcomes_of_the_last_12_weeks() => app.InPageAsync(async page =>
    {
        await SignInAsync(page);

        var chart = page.Locator("svg.chart");
        await Expect(chart).ToBeVisibleAsync();
        await Expect(chart.Locator("rect.bar")).ToHaveCountAsync(12);
        // All twelve of ada's counted pull requests are within the last 12 weeks (8 to 74 days old).
        var label = await chart.GetAttributeAsync("aria-label");
        var counts = label!.Split(':')[1].Trim(' ', '.').Split(", ").Sum(int.Parse);
        Assert.Equal(12, counts);
    });

    [Fact]
    public Task An_award_held_by_an_open_review_ring_flag_reads_under_review() => app.InPageAsync(async page =>
    {
        var member = Seed.Rings[1][0];
        for (var attempt = 0; attempt < 50 && !await HeldAsync(member); attempt++)
        {
            await app.EvaluateAsync();
        }

        await SignInAsync(page, member, app.HeldKey);

        var trustedReviewer = page.Locator(".progress-item[data-badge=trusted-reviewer]");
        await Expect(trustedReviewer.Locator(".status-held")).ToHaveTextAsync("under review");
        await Expect(trustedReviewer).ToContainTextAsync("12 approvals counted");
    });

    private async Task<bool> HeldAsync(string employee)
    {
        var progress = await app.Admin.GetFromJsonAsync<JsonElement>($"employees/{employee}/progress");
        return progress.GetProperty("badges").EnumerateArray().Any(b => b.GetProperty("status").ValueKind == JsonValueKind.String && b.GetProperty("status").GetString() == "held");
    }

    [Fact]
    public Task An_employee_hides_a_badge_and_leaves_the_directory_from_their_progress_page() => app.InPageAsync(async page =>
    {
        const string pia = "pia";
        var key = await Seed.EmployeeOfTheirOwnAsync(app, pia);
        await SignInAsync(page, pia, key);

        var steady = page.Locator(".progress-item[data-badge=steady-shipper]");
        var before = await app.Admin.GetFromJsonAsync<JsonElement>($"employees/{pia}/badges");
        Assert.Contains(before.GetProperty("badges").EnumerateArray(), b => b.GetProperty("badge").GetString() == "steady-shipper");
        var show = steady.GetByLabel("Show Steady Shipper in the directory");
        await Expect(show).ToBeCheckedAsync();
        await show.UncheckAsync();
        await Expect(steady.Locator(".choice").GetByRole(AriaRole.Status)).ToHaveTextAsync("Saved.");
        var entry = await app.Admin.GetFromJsonAsync<JsonElement>($"employees/{pia}/badges");
        Assert.DoesNotContain(entry.GetProperty("badges").EnumerateArray(), b => b.GetProperty("badge").GetString() == "steady-shipper");

        var listed = page.GetByLabel("List me in the directory");
        await Expect(listed).ToBeCheckedAsync();
        await listed.UncheckAsync();
        await Expect(page.Locator("section[aria-labelledby=directory-heading]").GetByRole(AriaRole.Status)).ToHaveTextAsync("Saved.");
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await app.Admin.GetAsync($"employees/{pia}/badges")).StatusCode);

        // The choices are the service's, not the page's: they are there again after a reload.
        await page.ReloadAsync();
        await Expect(page.GetByLabel("List me in the directory")).Not.ToBeCheckedAsync();
        await Expect(page.Locator(".progress-item[data-badge=steady-shipper]").GetByLabel("Show Steady Shipper in the directory")).Not.ToBeCheckedAsync();
        await Expect(page.Locator(".progress-item[data-badge=steady-shipper] h3")).ToContainTextAsync("bronze");
    });

    [Fact]
    public Task An_employee_downloads_an_award_as_a_signed_credential() => app.InPageAsync(async page =>
    {
        await SignInAsync(page);

        var mergeMaster = page.Locator(".progress-item[data-badge=merge-master]");
        var download = await page.RunAndWaitForDownloadAsync(() => mergeMaster.GetByRole(AriaRole.Button, new() { Name = "Download Merge Master as a credential" }).ClickAsync());
        Assert.Equal("merge-master.jwt", download.SuggestedFilename);
        using var reader = new StreamReader(await download.CreateReadStreamAsync());
        var jwt = await reader.ReadToEndAsync();
        // The same credential the API hands out: a VC-JWT whose payload names the badge (verified in CredentialsTests).
        var parts = jwt.Split('.');
        Assert.Equal(3, parts.Length);
        var payload = JsonDocument.Parse(Convert.FromBase64String(Pad(parts[1].Replace('-', '+').Replace('_', '/')))).RootElement;
        Assert.Contains("OpenBadgeCredential", payload.GetProperty("type").EnumerateArray().Select(t => t.GetString()));
        Assert.Contains("merge-master", payload.GetProperty("credentialSubject").GetProperty("achievement").GetProperty("id").GetString(), StringComparison.Ordinal);

        static string Pad(string base64) => base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '=');
    });

    [Fact]
    public Task A_wrong_key_shows_the_problem() => app.InPageAsync(async page =>
    {
        await page.GotoAsync("/me");
        await page.GetByLabel("Employee id").FillAsync(Seed.Ada);
        await page.GetByLabel("Your employee key").FillAsync("ach_0000000000000000_wrong");
        await page.GetByRole(AriaRole.Button, new() { Name = "Show my progress" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Unauthorized");
    });
}
