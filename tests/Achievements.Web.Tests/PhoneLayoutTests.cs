using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Achievements.Web.Tests;

/// <summary>
/// Every page at a desktop and a phone width: nothing wider than the screen. Each is saved as a screenshot
/// (screenshots/layout under the test output) so that a person can look at them.
/// </summary>
public sealed class PhoneLayoutTests(WebApp app)
{
    [Theory]
    [InlineData(1280, 800)]
    [InlineData(390, 844)]
    public Task Every_page_fits_the_screen(int width, int height) => app.InPageAsync(async page =>
    {
        await page.GotoAsync("/");
        await Expect(page.Locator(".catalog-item").First).ToBeVisibleAsync();
        await FitsAsync(page, $"home-{width}");

        await page.GotoAsync($"/directory/{Seed.Ada}");
        await Expect(page.Locator("li.badge").First).ToBeVisibleAsync();
        await page.Locator("li.badge").First.FocusAsync();
        await FitsAsync(page, $"directory-{width}");

        await page.GotoAsync($"/embed/{Seed.Ada}");
        await Expect(page.Locator("li.badge").First).ToBeVisibleAsync();
        await FitsAsync(page, $"embed-{width}");

        await page.GotoAsync("/me");
        await page.GetByLabel("Employee id").FillAsync(Seed.Ada);
        await page.GetByLabel("Your employee key").FillAsync(app.AdaKey);
        await page.GetByLabel("Your employee key").PressAsync("Enter");
        await Expect(page.Locator("svg.chart")).ToBeVisibleAsync();
        await FitsAsync(page, $"me-{width}");

        await page.GotoAsync("/admin");
        await page.GetByLabel("Admin key").FillAsync(RunningService.AdminKey);
        await page.GetByLabel("Admin key").PressAsync("Enter");
        await Expect(page.Locator("#audit tbody tr").First).ToBeVisibleAsync();
        await page.GetByLabel("Metric").FillAsync("count(pr.merge, 90d) / count(prompt.sent, 90d)");
        await Expect(page.Locator("#f-metric-mirror mark").First).ToBeVisibleAsync();
        await FitsAsync(page, $"admin-{width}");
    }, width, height);

    private static async Task FitsAsync(IPage page, string name)
    {
        await WebApp.SaveScreenshotAsync(page, Path.Combine("layout", name));
        var overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - window.innerWidth");
        Assert.True(overflow <= 0, $"{name} is {overflow}px wider than the screen.");
    }
}
