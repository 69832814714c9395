using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Achievements.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Achievements.Api.Tests.Security;

public sealed class AbuseLimitTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private sealed class LimitedApp : AchievementsApp
    {
        protected override bool RateLimited => true;

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("Achievements:RateLimits:Key:PerSecond", "1");
            builder.UseSetting("Achievements:RateLimits:Key:Burst", "3");
            builder.UseSetting("Achievements:RateLimits:Anonymous:PerSecond", "1");
            builder.UseSetting("Achievements:RateLimits:Anonymous:Burst", "2");
            builder.UseSetting("Achievements:RateLimits:Source:PerSecond", "1");
            builder.UseSetting("Achievements:RateLimits:Source:Burst", "5");
        }
    }

    [Fact]
    public async Task A_key_over_its_rate_gets_429_with_retry_after_and_other_keys_are_unaffected()
    {
        await using var app = new LimitedApp();
        var admin = app.Admin();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 6; i++)
        {
            statuses.Add((await admin.GetAsync("/api/v1/signals", Ct)).StatusCode);
        }

        Assert.Contains(HttpStatusCode.TooManyRequests, statuses);
        var refused = await admin.GetAsync("/api/v1/signals", Ct);
        await Problem.AssertAsync(refused, HttpStatusCode.TooManyRequests);
        Assert.True(refused.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1));

        // Health stays reachable for probes whatever the load.
        Assert.Equal(HttpStatusCode.OK, (await app.Anonymous().GetAsync("/health", Ct)).StatusCode);
    }

    [Fact]
    public async Task Sources_get_a_larger_burst_than_other_keys()
    {
        await using var app = new LimitedApp();
        var created = await (await app.Admin().PostJsonAsync("/api/v1/keys", new { role = "source", subject = "github" })).JsonAsync(HttpStatusCode.Created);
        var source = app.WithKey(created.GetProperty("key").GetString()!);
        var ok = 0;
        for (var i = 0; i < 5; i++)
        {
            ok += (await source.GetAsync("/api/v1/signals", Ct)).StatusCode == HttpStatusCode.OK ? 1 : 0;
        }

        Assert.True(ok >= 4, $"only {ok} of 5 burst requests passed");
    }

    [Fact]
    public async Task Anonymous_readers_are_limited_per_address()
    {
        await using var app = new LimitedApp();
        var reader = app.Anonymous();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
        {
            statuses.Add((await reader.GetAsync("/api/v1/badges", Ct)).StatusCode);
        }

        Assert.Contains(HttpStatusCode.TooManyRequests, statuses);
    }

    [Theory]
    [InlineData("/api/v1/keys", 64 * 1024 + 1)]
    [InlineData("/api/v1/badges", 64 * 1024 + 1)]
    [InlineData("/api/v1/events", 1024 * 1024 + 1)]
    public async Task Bodies_over_the_limit_are_413_problems(string path, int size)
    {
        await using var app = new AchievementsApp();
        var client = path.EndsWith("events", StringComparison.Ordinal) ? await app.Source() : app.Admin();
        var body = $$"""{"pad":"{{new string('x', size)}}"}""";
        await Problem.AssertAsync(await client.PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"), Ct), HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task Json_nested_deeper_than_32_is_a_400_problem()
    {
        await using var app = new AchievementsApp();
        var deep = new string('[', 40) + new string(']', 40);
        var body = $$$"""{"events":[{"id":"x","type":"pr.reverted","actor":"ada","occurredAt":"2026-06-01T11:00:00Z","attributes":{"pr_id":{{{deep}}}}}]}""";
        await Problem.AssertAsync(await (await app.Source()).PostAsync("/api/v1/events", new StringContent(body, Encoding.UTF8, "application/json"), Ct), HttpStatusCode.BadRequest);
    }

    private sealed class LoggedApp : AchievementsApp
    {
        public ConcurrentQueue<string> Lines { get; } = new();

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("Logging:LogLevel:Default", "Trace");
            builder.ConfigureServices(services => services.AddLogging(logging => logging.AddProvider(new CapturingProvider(Lines)).SetMinimumLevel(LogLevel.Trace)));
        }
    }

    [Fact]
    public async Task Key_secrets_and_bearer_headers_never_appear_in_the_logs()
    {
        await using var app = new LoggedApp();
        var created = await (await app.Admin().PostJsonAsync("/api/v1/keys", new { role = "source", subject = "github" })).JsonAsync(HttpStatusCode.Created);
        var key = created.GetProperty("key").GetString()!;
        var secret = key.Split('_', 3)[2]; // the secret is base64url, so it may hold '_' itself
        await app.WithKey(key).PostJsonAsync("/api/v1/events", SampleEvents.Batch(SampleEvents.PrMerged("e1", "ada", AchievementsApp.Start)));
        await app.WithKey(key + "tampered").GetAsync("/api/v1/signals", Ct);
        await app.WithKey(key).GetAsync("/api/v1/keys", Ct);
        await app.WithKey("ach_nope_" + secret).PostAsync("/api/v1/events", new StringContent("not json", Encoding.UTF8, "application/json"), Ct);

        Assert.NotEmpty(app.Lines);
        Assert.DoesNotContain(app.Lines, line => line.Contains(secret, StringComparison.Ordinal));
        Assert.DoesNotContain(app.Lines, line => line.Contains(AchievementsApp.AdminKey, StringComparison.Ordinal));
        Assert.DoesNotContain(app.Lines, line => line.Contains("Bearer ", StringComparison.OrdinalIgnoreCase));
    }

    private sealed class CapturingProvider(ConcurrentQueue<string> lines) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new Capturing(categoryName, lines);

        public void Dispose()
        {
        }

        private sealed class Capturing(string category, ConcurrentQueue<string> lines) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull
            {
                lines.Enqueue($"{category} scope: {state}");
                return null;
            }

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                lines.Enqueue($"{category} {logLevel}: {formatter(state, exception)} {exception} {state}");
        }
    }
}
