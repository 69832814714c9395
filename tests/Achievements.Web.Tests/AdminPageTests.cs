using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Achievements.Web.Tests;

public sealed class AdminPageTests(WebApp app)
{
    private static async Task SignInAsync(IPage page)
    {
        await page.GotoAsync("/admin");
        await page.GetByLabel("Admin key").FillAsync(RunningService.AdminKey);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page.Locator(".badge-row[data-badge=merge-master]")).ToBeVisibleAsync();
    }

    private static async Task FillBadgeAsync(IPage page, string key, string name, string metric, string tiers)
    {
        await page.GetByLabel("Key", new() { Exact = true }).FillAsync(key);
        await page.GetByLabel("Name", new() { Exact = true }).FillAsync(name);
        await page.GetByLabel("Icon").FillAsync("🛠");
        await page.GetByLabel("Description").FillAsync("Pull requests someone else reviewed.");
        await page.GetByLabel("Metric").FillAsync(metric);
        await page.GetByLabel("Tiers").FillAsync(tiers);
    }

    [Fact]
    public Task Badges_are_listed_by_status() => app.InPageAsync(async page =>
    {
        await SignInAsync(page);

        var published = page.Locator(".badge-groups h3").First;
        await Expect(published).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^published \(\d+\)$"));
        await Expect(page.Locator(".badge-row[data-badge=suggestion-savant]")).ToContainTextAsync("Suggestion Savant");
    });

    [Fact]
    public Task The_cost_view_shows_each_team_s_tokens_cost_and_counted_outcomes_without_naming_anyone() => app.InPageAsync(async page =>
    {
        await SignInAsync(page);

        // ada's team: 120,000 tokens the gateway reported at $1.80, against her 12 counted merges.
        var compilers = page.Locator("#cost tr[data-team=Compilers]");
        await Expect(compilers).ToContainTextAsync("120,000");
        await Expect(compilers).ToContainTextAsync("$1.80");
        await Expect(compilers).ToContainTextAsync("10,000");
        await Expect(compilers).ToContainTextAsync("$0.15");
        await Expect(page.Locator("#cost svg.chart")).ToHaveAttributeAsync("aria-label", new System.Text.RegularExpressions.Regex("^Tokens per week"));
        await Expect(page.Locator("#cost")).Not.ToContainTextAsync("ada");
    });

    [Fact]
    public Task A_misspelt_signal_is_underlined_with_its_message_while_typing() => app.InPageAsync(async page =>
    {
        await SignInAsync(page);
        var metric = page.GetByLabel("Metric");
        await metric.FocusAsync();
        await page.Keyboard.TypeAsync("count(pr.merge, 90d)");

        // Under load the debounced check can first answer for a prefix ("count(pr.merge", two marks); the answer for
        // the whole text, with its one mark, follows.
        var underline = page.Locator("#f-metric-mirror mark");
        await Expect(underline).ToHaveCountAsync(1);
        await Expect(underline).ToHaveTextAsync("pr.merge");
        await Expect(underline).ToHaveAttributeAsync("title", new System.Text.RegularExpressions.Regex("unknown signal 'pr.merge'"));
        await Expect(page.Locator("#diagnostics")).ToContainTextAsync("line 1, column 7");
        await Expect(page.Locator("#diagnostics")).ToContainTextAsync("did you mean 'pr.merged'?");

        await page.Keyboard.PressAsync("ArrowLeft");
        await page.Keyboard.PressAsync("ArrowLeft");
        await page.Keyboard.PressAsync("ArrowLeft");
        await page.Keyboard.PressAsync("ArrowLeft");
        await page.Keyboard.PressAsync("ArrowLeft");
        await page.Keyboard.PressAsync("ArrowLeft");
        await page.Keyboard.TypeAsync("d");
        await Expect(underline).ToHaveCountAsync(0);
        await Expect(page.Locator("#diagnostics")).ToContainTextAsync("The rules compile");
    });

    [Fact]
    public Task A_preview_counts_who_would_reach_each_tier() => app.InPageAsync(async page =>
    {
        await SignInAsync(page);
        await FillBadgeAsync(page, "preview-only", "Preview Only", "count(pr.merged, 365d)", "bronze 10\nsilver 50");
        await page.GetByRole(AriaRole.Button, new() { Name = "Preview" }).ClickAsync();

        var preview = page.Locator(".preview");
        // The preview runs every farming persona against the rule too, which takes a while on a busy machine.
        await Expect(preview).ToBeVisibleAsync(new() { Timeout = 30_000 });
        // ada, and the four ring members, whose traded approvals now come with the merges they approved (one voice
        // each: bronze, never more).
        await Expect(preview.Locator("tr[data-tier=bronze] .count")).ToHaveTextAsync("5");
        await Expect(preview.Locator("tr[data-tier=silver] .count")).ToHaveTextAsync("0");
        await Expect(preview).ToContainTextAsync("ada: 12 (bronze)");
    });

    [Fact]
    public Task A_published_badge_appears_on_the_card() => app.InPageAsync(async page =>
    {
        await SignInAsync(page);
        await FillBadgeAsync(page, "steady-hands", "Steady Hands", "count(pr.merged, 365d)", "bronze 10");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create draft" }).ClickAsync();
        await Expect(page.Locator("#editor-result")).ToContainTextAsync("Created steady-hands as a draft");
        await page.GetByRole(AriaRole.Button, new() { Name = "Publish" }).ClickAsync();
        await Expect(page.Locator("#editor-result")).ToContainTextAsync("version 1 is live", new() { Timeout = 30_000 });

        await app.EvaluateAsync();
        await page.GotoAsync($"/directory/{Seed.Ada}");
        var badge = page.Locator("li.badge[data-badge=steady-hands]");
        await Expect(badge.Locator(".badge-name")).ToHaveTextAsync("Steady Hands");
        await Expect(badge.Locator(".badge-tier")).ToHaveTextAsync("bronze");
    });

    [Fact]
    public Task A_rule_that_does_not_compile_shows_its_diagnostics_when_saved() => app.InPageAsync(async page =>
    {
        await SignInAsync(page);
        await FillBadgeAsync(page, "token-titan", "Token Titan", "count(tokens.consumed)", "bronze 1000");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create draft" }).ClickAsync();

        var problem = page.Locator("#editor-result").GetByRole(AriaRole.Alert);
        await Expect(problem).ToContainTextAsync("The rule does not compile");
        await Expect(problem).ToContainTextAsync("is a volume signal");
        await Expect(page.Locator("#f-metric-mirror mark").First).ToHaveTextAsync("count(tokens.consumed)");
    });

    [Fact]
    public Task Dismissing_a_review_ring_flag_takes_it_off_the_open_flags() => app.InPageAsync(async page =>
    {
        var flag = await OpenRingFlagAsync();
        await SignInAsync(page);

        var box = page.Locator($".flag[data-flag='{flag}']");
        await Expect(box.GetByRole(AriaRole.Heading)).ToHaveTextAsync("review-ring: ring-a, ring-b");
        // The flag explains itself: its pattern, the numbers on its side and the organisation's it was compared with.
        await Expect(box.Locator(".pattern")).ToHaveTextAsync("Two people on different teams who each give most of their approvals to the other.");
        await Expect(box.Locator("caption", new() { HasText = "Approvals between them" })).ToBeVisibleAsync();
        await Expect(box.Locator("caption", new() { HasText = "Compared with the organisation" })).ToBeVisibleAsync();
        await box.GetByLabel("Note").FillAsync("Pair programming, not a ring.");
        await box.GetByRole(AriaRole.Button, new() { Name = "Dismiss (not gaming)" }).ClickAsync();

        await Expect(box).ToHaveCountAsync(0);
        var dismissed = await app.Admin.GetFromJsonAsync<JsonElement>("flags?status=dismissed");
        Assert.Contains(dismissed.EnumerateArray(), f => f.GetProperty("id").GetInt64() == flag && f.GetProperty("note").GetString() == "Pair programming, not a ring.");
    });

    [Fact]
    public Task The_audit_log_lists_the_newest_entry_first() => app.InPageAsync(async page =>
    {
        await SignInAsync(page);

        var entries = await app.Admin.GetFromJsonAsync<JsonElement>("audit?limit=1");
        await Expect(page.Locator("#audit tbody tr").First.Locator("td").Nth(2)).ToHaveTextAsync(entries[0].GetProperty("action").GetString()!);
    });

    private async Task<long> OpenRingFlagAsync()
    {
        // The detectors run with every evaluation; the worker may already have raised it.
        for (var attempt = 0; attempt < 50; attempt++)
        {
            var flags = await app.Admin.GetFromJsonAsync<JsonElement>("flags?status=open");
            foreach (var flag in flags.EnumerateArray().Where(f => f.GetProperty("detector").GetString() == "review-ring"
                && f.GetProperty("employees").EnumerateArray().Any(e => e.GetString() == Seed.Rings[0][0])))
            {
                return flag.GetProperty("id").GetInt64();
            }

            await app.EvaluateAsync();
            await Task.Delay(100);
        }

        throw new InvalidOperationException("No review-ring flag was raised for the seeded ring.");
    }
}
