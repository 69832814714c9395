using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;

[assembly: AssemblyFixture(typeof(Achievements.Web.Tests.WebApp))]

namespace Achievements.Web.Tests;

/// <summary>
/// One service, seeded once through the API, and one headless Chromium, shared by every test. Each test
/// opens its own browser context, so session storage never leaks between tests.
/// </summary>
public sealed class WebApp : IAsyncLifetime
{
    private const string DefaultChromium = "/usr/bin/chromium";

    private IPlaywright? _playwright;

    public RunningService Service { get; private set; } = null!;

    public HttpClient Admin { get; private set; } = null!;

    /// <summary>ada's own employee key, as /me asks for it.</summary>
    public string AdaKey { get; internal set; } = "";

    /// <summary>The key of a member of the review ring that stays open, whose awards are held.</summary>
    public string HeldKey { get; internal set; } = "";

    public IBrowser? Browser { get; private set; }

    public static string ChromiumPath => Environment.GetEnvironmentVariable("PLAYWRIGHT_CHROMIUM_PATH") is { Length: > 0 } path ? path : DefaultChromium;

    public async ValueTask InitializeAsync()
    {
        Service = await RunningService.StartAsync();
        Admin = new HttpClient { BaseAddress = new Uri(Service.BaseAddress, "api/v1/") };
        Admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", RunningService.AdminKey);
        await Seed.RunAsync(this);
        if (File.Exists(ChromiumPath))
        {
            Assertions.SetDefaultExpectTimeout(10_000);
            _playwright = await Playwright.CreateAsync();
            Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = ChromiumPath,
                Headless = true,
                Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
            });
        }
    }

    public async Task<string> CreateKeyAsync(string role, string subject)
    {
        var response = await Admin.PostAsJsonAsync("keys", new { role, subject });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString()!;
    }

    public async Task EvaluateAsync() => (await Admin.PostAsync("evaluations", null)).EnsureSuccessStatusCode();

    /// <summary>
    /// Runs a test in a fresh page; a failure saves a screenshot under the test output folder. Without
    /// Chromium the test is skipped with how to install it, except on CI, where it fails.
    /// </summary>
    public async Task InPageAsync(Func<IPage, Task> test, int width = 1280, int height = 900, Uri? site = null)
    {
        var browser = RequireBrowser();
        await using var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = (site ?? Service.BaseAddress).ToString(),
            ViewportSize = new ViewportSize { Width = width, Height = height },
        });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(10_000);
        // A script error or a Content-Security-Policy violation shows up as a console error.
        var errors = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Type == "error" && !message.Text.StartsWith("Failed to load resource", StringComparison.Ordinal))
            {
                errors.Add(message.Text);
            }
        };
        page.PageError += (_, error) => errors.Add(error);
        try
        {
            await test(page);
            Assert.Empty(errors);
        }
        catch
        {
            await SaveScreenshotAsync(page, TestContext.Current.Test?.TestDisplayName ?? "failure");
            throw;
        }
    }

    public static async Task SaveScreenshotAsync(IPage page, string name)
    {
        var file = string.Concat(name.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' || c == Path.DirectorySeparatorChar ? c : '_'));
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(AppContext.BaseDirectory, "screenshots", $"{file}.png"), FullPage = true });
    }

    private IBrowser RequireBrowser()
    {
        if (Browser is not null)
        {
            return Browser;
        }

        var message = $"Chromium was not found at {ChromiumPath}. Install it with `apt-get install -y chromium` " +
            "(or set PLAYWRIGHT_CHROMIUM_PATH); the tests never download a browser.";
        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            Assert.Fail(message);
        }

        Assert.Skip(message);
        return null!;
    }

    public async ValueTask DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
        Admin?.Dispose();
        if (Service is not null)
        {
            await Service.DisposeAsync();
        }
    }
}
