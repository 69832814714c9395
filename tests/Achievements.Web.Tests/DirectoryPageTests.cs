using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Achievements.Web.Tests;

public sealed class DirectoryPageTests(WebApp app)
{
    [Fact]
    public Task The_card_shows_the_name_team_and_each_badge_with_its_tier() => app.InPageAsync(async page =>
    {
        await page.GotoAsync($"/directory/{Seed.Ada}");

        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Ada Lovelace" })).ToBeVisibleAsync();
        await Expect(page.Locator(".card-team")).ToHaveTextAsync("Compilers");
        var badge = page.Locator("li.badge[data-badge=merge-master]");
        await Expect(badge.Locator(".badge-name")).ToHaveTextAsync("Merge Master");
        await Expect(badge.Locator(".badge-tier")).ToHaveTextAsync("bronze");
        await Expect(badge).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("tier-bronze"));
    });

    [Fact]
    public Task A_badge_shows_its_description_and_award_date_on_keyboard_focus() => app.InPageAsync(async page =>
    {
        await page.GotoAsync($"/directory/{Seed.Ada}");
        var badge = page.Locator("li.badge[data-badge=merge-master]");
        await Expect(badge.Locator(".badge-detail")).ToBeHiddenAsync();

        await page.Keyboard.PressAsync("Tab"); // the skip link
        while (!await badge.EvaluateAsync<bool>("b => b === document.activeElement"))
        {
            await page.Keyboard.PressAsync("Tab");
        }

        await Expect(badge.Locator(".badge-detail")).ToBeVisibleAsync();
        await Expect(badge.Locator(".badge-description")).ToContainTextAsync("reviewed them");
        await Expect(badge.Locator(".badge-awarded")).ToContainTextAsync("Awarded");
    });

    [Fact]
    public Task The_embedded_card_has_no_site_chrome() => app.InPageAsync(async page =>
    {
        await page.GotoAsync($"/embed/{Seed.Ada}");

        await Expect(page.Locator(".badge[data-badge=merge-master] .badge-name")).ToHaveTextAsync("Merge Master");
        await Expect(page.Locator(".site-header")).ToHaveCountAsync(0);
    });

    [Fact]
    public Task An_unknown_employee_shows_the_problem_from_the_api() => app.InPageAsync(async page =>
    {
        await page.GotoAsync("/directory/nobody");

        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Employee 'nobody' was not found.");
    });

    [Fact]
    public Task A_script_in_a_display_name_is_shown_as_text_and_never_runs() => app.InPageAsync(async page =>
    {
        await page.GotoAsync($"/directory/{Seed.Mallory}");

        await Expect(page.Locator(".card-name")).ToHaveTextAsync(Seed.MalloryName);
        await Expect(page.Locator(".card-team")).ToHaveTextAsync("<b>Red team</b>");
        Assert.Equal("undefined", await page.EvaluateAsync<string>("() => typeof window.__pwned"));
        Assert.Equal(0, await page.Locator(".card img, .card script, .card b").CountAsync());
    });
}
