using System.Data.Common;
using System.Net;
using System.Text.Json;
using Achievements.Api.Features.Awards;
using Achievements.Api.Features.Notifications;
using Achievements.Api.Infrastructure.Storage;
using Achievements.Api.Tests.Infrastructure;
using Dapper;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Achievements.Api.Tests.Features;

/// <summary>
/// Outgoing notifications (docs/notifications.md): subscriptions, and deliveries to a real endpoint on loopback that
/// verifies each with the standardwebhooks npm package (<see cref="WebhookReceiver"/>), not with the service's signer.
/// In process the dispatcher runs when a test says so, on the fake clock; the crash test runs the real service.
/// The class shares one receiver; each test delivers to endpoints of its own names.
/// </summary>
public sealed class NotificationWebhooksTests(WebhookReceiverFixture receivers) : IClassFixture<WebhookReceiverFixture>
{
    private static readonly DateTimeOffset Now = Personas.Now;

    private static readonly string[] AllAwardEvents = ["award.granted", "award.upgraded", "award.revoked", "flag.raised"];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>The app with loopback subscriptions allowed and the dispatcher run by the test.</summary>
    private sealed class NotifyingApp(bool allowLoopback = true) : AchievementsApp
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("Achievements:Webhooks:Background", "false");
            builder.UseSetting("Achievements:Webhooks:AllowLoopback", allowLoopback ? "true" : "false");
        }

        public Task<DispatchSummary> DispatchAsync() => Services.GetRequiredService<WebhookDispatcher>().RunOnceAsync(Ct);
    }

    private static async Task<(long Id, string Secret)> SubscribeAsync(NotifyingApp app, WebhookReceiver receiver, string endpoint, string[]? events = null, string format = "standard")
    {
        var created = await (await app.Admin().PostJsonAsync("/api/v1/webhooks", new { url = receiver.Url(endpoint), events = events ?? AllAwardEvents, format })).JsonAsync(HttpStatusCode.Created);
        var secret = created.GetProperty("secret").GetString()!;
        await receiver.ConfigureAsync(endpoint, secret, trustTimestamp: true);
        return (created.GetProperty("id").GetInt64(), secret);
    }

    private static async Task<JsonElement[]> DeliveriesAsync(NotifyingApp app, long id, int limit = 1000) =>
        [.. (await (await app.Admin().GetAsync($"/api/v1/webhooks/{id}/deliveries?limit={limit}", Ct)).JsonAsync()).EnumerateArray()];

    /// <summary>A badge that one reviewed merge earns, and six from three reviewers make silver: grants without a year of events.</summary>
    private static async Task PublishFirstMergeAsync(HttpClient admin)
    {
        await (await admin.PostJsonAsync("/api/v1/badges", new
        {
            key = "first-merge",
            name = "First Merge",
            description = "Reviewed pull requests merged.",
            icon = "🎉",
            metric = "count(pr.merged, 90d)",
            requires = Array.Empty<string>(),
            tiers = new[] { new { name = "bronze", threshold = 1 }, new { name = "silver", threshold = 6 } },
        })).JsonAsync(HttpStatusCode.Created);
        await (await admin.PostJsonAsync("/api/v1/badges/first-merge/publish", new { })).JsonAsync();
    }

    private static Personas Merges(Personas events, string actor, int count, int from = 0)
    {
        for (var i = from; i < from + count; i++)
        {
            events.PrMerged(actor, Now.AddDays(-10 - i), reviewers: [$"reviewer-{i % 3 + 1}"]);
        }

        return events;
    }

    private static IEnumerable<JsonElement> OfBadge(IEnumerable<ReceivedDelivery> deliveries, string badge) =>
        deliveries.Select(d => d.Json).Where(b => b.GetProperty("data").TryGetProperty("badge", out var key) && key.GetString() == badge);

    [Fact]
    public async Task A_subscription_answers_201_with_its_secret_once_and_is_listed_and_ended_without_it()
    {
        await using var app = new NotifyingApp();
        var admin = app.Admin();
        var response = await admin.PostJsonAsync("/api/v1/webhooks", new { url = "http://127.0.0.1:9/hooks", events = AllAwardEvents, format = "standard" });
        var created = await response.JsonAsync(HttpStatusCode.Created);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        var id = created.GetProperty("id").GetInt64();
        Assert.Equal("http://127.0.0.1:9/hooks", created.GetProperty("url").GetString());
        Assert.Equal(AllAwardEvents, created.GetProperty("events").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("standard", created.GetProperty("format").GetString());
        var secret = created.GetProperty("secret").GetString()!;
        Assert.StartsWith("whsec_", secret, StringComparison.Ordinal);
        Assert.Equal(32, Convert.FromBase64String(secret["whsec_".Length..]).Length);

        // Slack when asked, standard when not said.
        var slack = await (await admin.PostJsonAsync("/api/v1/webhooks", new { url = "http://localhost:9/slack", events = new[] { "award.granted" }, format = "slack" })).JsonAsync(HttpStatusCode.Created);
        var unsaid = await (await admin.PostJsonAsync("/api/v1/webhooks", new { url = "http://localhost:9/plain", events = new[] { "flag.raised" } })).JsonAsync(HttpStatusCode.Created);
        Assert.Equal("standard", unsaid.GetProperty("format").GetString());

        var listed = await (await admin.GetAsync("/api/v1/webhooks", Ct)).JsonAsync();
        Assert.Equal(3, listed.GetArrayLength());
        Assert.All(listed.EnumerateArray(), w => Assert.False(w.TryGetProperty("secret", out _)));
        Assert.All(listed.EnumerateArray(), w => Assert.Equal("active", w.GetProperty("status").GetString()));
        Assert.Equal("slack", listed.EnumerateArray().Single(w => w.GetProperty("id").GetInt64() == slack.GetProperty("id").GetInt64()).GetProperty("format").GetString());
        Assert.DoesNotContain(secret, await (await admin.GetAsync("/api/v1/audit", Ct)).Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);

        Assert.Empty(await DeliveriesAsync(app, id));
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/v1/webhooks/{id}", Ct)).StatusCode);
        Assert.Equal(2, (await (await admin.GetAsync("/api/v1/webhooks", Ct)).JsonAsync()).GetArrayLength());
        await Problem.AssertAsync(await admin.DeleteAsync($"/api/v1/webhooks/{id}", Ct), HttpStatusCode.NotFound);
        await Problem.AssertAsync(await admin.GetAsync($"/api/v1/webhooks/{id}/deliveries", Ct), HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("ftp://example.com/hook", "url")]
    [InlineData("http://example.com/hook", "url")]
    [InlineData("https://user:pass@example.com/hook", "url")]
    [InlineData("https://169.254.169.254/latest/meta-data", "url")]
    [InlineData("https://10.1.2.3/hook", "url")]
    [InlineData("https://[::ffff:192.168.1.1]/hook", "url")]
    [InlineData("/relative", "url")]
    public async Task A_url_that_is_not_https_to_an_allowed_address_is_a_400_problem(string url, string field)
    {
        await using var app = new NotifyingApp();
        var errors = await Problem.ValidationErrorsAsync(await app.Admin().PostJsonAsync("/api/v1/webhooks", new { url, events = AllAwardEvents }));
        Assert.Equal([field], errors.Keys);
    }

    [Fact]
    public async Task Events_and_format_are_checked_and_loopback_needs_the_test_setting()
    {
        await using var app = new NotifyingApp();
        var admin = app.Admin();
        async Task<string[]> Refused(object body) => [.. (await Problem.ValidationErrorsAsync(await admin.PostJsonAsync("/api/v1/webhooks", body))).Keys];
        Assert.Equal(["events"], await Refused(new { url = "https://example.com/hook", events = Array.Empty<string>() }));
        Assert.Equal(["events"], await Refused(new { url = "https://example.com/hook" }));
        Assert.Equal(["events"], await Refused(new { url = "https://example.com/hook", events = new[] { "award.granted", "award.exploded" } }));
        Assert.Equal(["events"], await Refused(new { url = "https://example.com/hook", events = new[] { "award.granted", "award.granted" } }));
        Assert.Equal(["format"], await Refused(new { url = "https://example.com/hook", events = AllAwardEvents, format = "teams" }));
        await Problem.AssertAsync(await admin.PostAsync("/api/v1/webhooks", Problem.JsonBody(new { url = "https://example.com/hook", events = AllAwardEvents, colour = "red" }), Ct), HttpStatusCode.BadRequest);

        await using var production = new NotifyingApp(allowLoopback: false);
        foreach (var url in new[] { "http://127.0.0.1:9/hook", "https://127.0.0.1:9/hook", "https://localhost/hook", "https://[::1]/hook" })
        {
            var errors = await Problem.ValidationErrorsAsync(await production.Admin().PostJsonAsync("/api/v1/webhooks", new { url, events = AllAwardEvents }));
            Assert.Equal(["url"], errors.Keys);
        }

        await (await production.Admin().PostJsonAsync("/api/v1/webhooks", new { url = "https://example.com/hook", events = AllAwardEvents })).JsonAsync(HttpStatusCode.Created);
    }

    [Fact]
    public async Task A_grant_is_delivered_signed_with_the_documented_body()
    {
        var receiver = receivers.Receiver;
        await using var app = new NotifyingApp();
        var (id, _) = await SubscribeAsync(app, receiver, "grants");
        await new Personas(app).HonestDeveloper("ada", pullRequests: 12).SendAsync();
        await app.EvaluateAsync();
        await app.DispatchAsync();

        var received = await receiver.DeliveriesAsync("grants");
        Assert.All(received, d => Assert.True(d.Verified, d.Error));
        Assert.All(received, d => Assert.Equal(app.Clock.GetUtcNow().ToUnixTimeSeconds(), d.Timestamp));
        Assert.All(received, d => Assert.StartsWith("v1,", d.Signature, StringComparison.Ordinal));
        var delivery = received.Single(d => OfBadge([d], "merge-master").Any());
        Assert.Equal(
            """{"type":"award.granted","timestamp":"2026-06-01T12:00:00Z","data":{"employee":"ada","badge":"merge-master","tier":"bronze","previousTier":null,"reason":null}}""",
            delivery.Body);

        var listed = (await DeliveriesAsync(app, id)).Single(d => d.GetProperty("id").GetString() == delivery.Id);
        Assert.Equal("award.granted", listed.GetProperty("type").GetString());
        Assert.Equal("delivered", listed.GetProperty("status").GetString());
        Assert.Equal(1, listed.GetProperty("attempts").GetInt32());
        Assert.Equal(200, listed.GetProperty("lastStatusCode").GetInt32());

        // Sent once: a second run finds nothing due.
        Assert.Equal(0, (await app.DispatchAsync()).Delivered);
        Assert.Equal(received.Count, (await receiver.DeliveriesAsync("grants")).Count);
    }

    [Fact]
    public async Task An_upgrade_and_an_admins_revoke_are_delivered_with_the_tier_before_and_after()
    {
        var receiver = receivers.Receiver;
        await using var app = new NotifyingApp();
        await PublishFirstMergeAsync(app.Admin());
        await SubscribeAsync(app, receiver, "changes");
        var source = await Merges(new Personas(app), "ada", 1).SendAsync();
        await app.EvaluateAsync();
        await Merges(new Personas(app), "ada", 6, from: 1).SendAsync(source);
        await app.EvaluateAsync();
        Assert.Equal("silver", await app.TierOfAsync("ada", "first-merge"));
        Assert.Equal(HttpStatusCode.NoContent, (await app.Admin().PostJsonAsync("/api/v1/employees/ada/badges/first-merge/revoke", new { reason = "Shared account" })).StatusCode);
        await app.DispatchAsync();

        var received = await receiver.DeliveriesAsync("changes");
        Assert.All(received, d => Assert.True(d.Verified, d.Error));
        var data = OfBadge(received, "first-merge").Select(b => (b.GetProperty("type").GetString(), b.GetProperty("data").GetRawText())).ToList();
        Assert.Equal(
            [
                ("award.granted", """{"employee":"ada","badge":"first-merge","tier":"bronze","previousTier":null,"reason":null}"""),
                ("award.upgraded", """{"employee":"ada","badge":"first-merge","tier":"silver","previousTier":"bronze","reason":null}"""),
                ("award.revoked", """{"employee":"ada","badge":"first-merge","tier":null,"previousTier":"silver","reason":"Shared account"}"""),
            ],
            data);
        Assert.Equal(received.Count, received.Select(d => d.Id).Distinct().Count());
    }

    [Fact]
    public async Task An_expiry_is_delivered_to_who_asked_for_it_with_the_tier_that_ended()
    {
        var receiver = receivers.Receiver;
        await using var app = new NotifyingApp();
        await (await app.Admin().PostJsonAsync("/api/v1/badges", new
        {
            key = "monthly-merge",
            name = "Monthly Merge",
            icon = "M",
            metric = "count(pr.merged)",
            tiers = new[] { new { name = "bronze", threshold = 1 } },
            expiresAfter = "30d",
        })).JsonAsync(HttpStatusCode.Created);
        await (await app.Admin().PostJsonAsync("/api/v1/badges/monthly-merge/publish", new { })).JsonAsync();
        await SubscribeAsync(app, receiver, "expiries", events: ["award.granted", "award.expired"]);
        await Merges(new Personas(app), "ada", 1).SendAsync();
        await app.EvaluateAsync();
        app.Clock.Advance(TimeSpan.FromDays(31));
        Assert.Equal(1, (await app.EvaluateAsync()).GetProperty("expired").GetInt32());
        await app.DispatchAsync();

        var received = await receiver.DeliveriesAsync("expiries");
        Assert.All(received, d => Assert.True(d.Verified, d.Error));
        Assert.Equal(
            [
                ("award.granted", """{"employee":"ada","badge":"monthly-merge","tier":"bronze","previousTier":null,"reason":null}"""),
                ("award.expired", """{"employee":"ada","badge":"monthly-merge","tier":null,"previousTier":"bronze","reason":"expired"}"""),
            ],
            OfBadge(received, "monthly-merge").Select(b => (b.GetProperty("type").GetString(), b.GetProperty("data").GetRawText())).ToList());
    }

    [Fact]
    public async Task A_raised_flag_is_delivered_in_the_transaction_that_raised_it()
    {
        var receiver = receivers.Receiver;
        await using var app = new NotifyingApp();
        await SubscribeAsync(app, receiver, "flags", ["flag.raised"]);
        var events = new Personas(app);
        for (var i = 0; i < 12; i++)
        {
            events.ReviewApproved("ann", Now.AddDays(-8 - i).AddHours(-(i % 5)), "ben");
            events.ReviewApproved("ben", Now.AddDays(-8 - i).AddHours(-(i % 5)), "ann");
        }

        await events.SendAsync();
        await app.EvaluateAsync();
        await app.DispatchAsync();

        var flag = Assert.Single(await receiver.DeliveriesAsync("flags"));
        Assert.True(flag.Verified, flag.Error);
        var body = flag.Json;
        Assert.Equal("flag.raised", body.GetProperty("type").GetString());
        Assert.Equal("review-ring", body.GetProperty("data").GetProperty("detector").GetString());
        Assert.Equal(["ann", "ben"], body.GetProperty("data").GetProperty("employees").EnumerateArray().Select(e => e.GetString()));
        var flags = await (await app.Admin().GetAsync("/api/v1/flags?status=open", Ct)).JsonAsync();
        Assert.Equal(flags[0].GetProperty("id").GetInt64(), body.GetProperty("data").GetProperty("flag").GetInt64());
    }

    [Fact]
    public async Task A_change_that_rolls_back_sends_nothing()
    {
        var receiver = receivers.Receiver;
        await using var app = new NotifyingApp();
        await PublishFirstMergeAsync(app.Admin());
        await Merges(new Personas(app), "ada", 1).SendAsync();
        await app.EvaluateAsync();
        await app.DispatchAsync();
        await SubscribeAsync(app, receiver, "rollback");

        // The ledger revokes inside a transaction that then fails, as any write after it might.
        var ledger = app.Services.GetRequiredService<AwardLedger>();
        await using (var connection = await app.Services.GetRequiredService<IDbConnectionFactory>().OpenAsync(Ct))
        {
            await Assert.ThrowsAsync<InvalidOperationException>(() => connection.InTransactionAsync<bool>(async (transaction, afterCommit) =>
            {
                Assert.True(await ledger.RevokeAsync(new WriteScope(connection, transaction, afterCommit, Ct), "ada", "first-merge", "Rolled back", app.Clock.GetUtcNow()));
                throw new InvalidOperationException("The rest of the change failed.");
            }, Ct));
        }

        Assert.Equal(0, (await app.DispatchAsync()).FannedOut);
        Assert.Empty(await receiver.DeliveriesAsync("rollback"));
        Assert.Equal("bronze", await app.TierOfAsync("ada", "first-merge"));

        // The same change committed is told.
        Assert.Equal(HttpStatusCode.NoContent, (await app.Admin().PostJsonAsync("/api/v1/employees/ada/badges/first-merge/revoke", new { reason = "Committed" })).StatusCode);
        await app.DispatchAsync();
        Assert.Equal("award.revoked", Assert.Single(await receiver.DeliveriesAsync("rollback")).Json.GetProperty("type").GetString());
    }

    [Fact]
    public async Task A_failing_endpoint_is_retried_with_growing_waits_under_the_same_id_and_the_deliveries_show_it()
    {
        var receiver = receivers.Receiver;
        await using var app = new NotifyingApp();
        await PublishFirstMergeAsync(app.Admin());
        var (id, _) = await SubscribeAsync(app, receiver, "flaky", ["award.granted"]);
        await receiver.ConfigureAsync("flaky", responses: [500, 503]);
        await Merges(new Personas(app), "ada", 1).SendAsync();
        await app.EvaluateAsync();

        await app.DispatchAsync();
        var first = Assert.Single(await DeliveriesAsync(app, id), d => d.GetProperty("type").GetString() == "award.granted" && d.GetProperty("attempts").GetInt32() > 0);
        Assert.Equal("pending", first.GetProperty("status").GetString());
        Assert.Equal(1, first.GetProperty("attempts").GetInt32());
        Assert.Equal(500, first.GetProperty("lastStatusCode").GetInt32());
        Assert.InRange(first.GetProperty("nextAttemptAt").GetDateTimeOffset(), app.Clock.GetUtcNow().AddSeconds(30), app.Clock.GetUtcNow().AddSeconds(60));

        // Not before its time, however often the dispatcher runs.
        var sent = (await receiver.DeliveriesAsync("flaky")).Count;
        await app.DispatchAsync();
        Assert.Equal(sent, (await receiver.DeliveriesAsync("flaky")).Count);

        app.Clock.Advance(TimeSpan.FromSeconds(60));
        await app.DispatchAsync();
        var second = (await DeliveriesAsync(app, id)).Single(d => d.GetProperty("id").GetString() == first.GetProperty("id").GetString());
        Assert.Equal((2, 503), (second.GetProperty("attempts").GetInt32(), second.GetProperty("lastStatusCode").GetInt32()));
        Assert.InRange(second.GetProperty("nextAttemptAt").GetDateTimeOffset(), app.Clock.GetUtcNow().AddSeconds(60), app.Clock.GetUtcNow().AddSeconds(120));

        app.Clock.Advance(TimeSpan.FromSeconds(120));
        await app.DispatchAsync();
        var third = (await DeliveriesAsync(app, id)).Single(d => d.GetProperty("id").GetString() == first.GetProperty("id").GetString());
        Assert.Equal(("delivered", 3, 200), (third.GetProperty("status").GetString(), third.GetProperty("attempts").GetInt32(), third.GetProperty("lastStatusCode").GetInt32()));
        Assert.Equal(JsonValueKind.Null, third.GetProperty("nextAttemptAt").ValueKind);

        var attempts = (await receiver.DeliveriesAsync("flaky")).Where(d => d.Id == first.GetProperty("id").GetString()).ToList();
        Assert.Equal([500, 503, 200], attempts.Select(a => a.Status));
        Assert.All(attempts, a => Assert.True(a.Verified, a.Error));
        Assert.Single(attempts.Select(a => a.Body).Distinct());
    }

    [Fact]
    public async Task An_endpoint_that_answers_410_disables_its_subscription()
    {
        var receiver = receivers.Receiver;
        await using var app = new NotifyingApp();
        await PublishFirstMergeAsync(app.Admin());
        var (id, _) = await SubscribeAsync(app, receiver, "gone", ["award.granted"]);
        await receiver.ConfigureAsync("gone", responses: [410]);
        var source = await Merges(Merges(new Personas(app), "ada", 1), "bob", 1).SendAsync();
        await app.EvaluateAsync();
        await app.DispatchAsync();

        var webhook = (await (await app.Admin().GetAsync("/api/v1/webhooks", Ct)).JsonAsync()).EnumerateArray().Single(w => w.GetProperty("id").GetInt64() == id);
        Assert.Equal("disabled", webhook.GetProperty("status").GetString());
        Assert.Contains("410", webhook.GetProperty("disabledReason").GetString(), StringComparison.Ordinal);
        var deliveries = await DeliveriesAsync(app, id);
        var gone = Assert.Single(deliveries, d => d.GetProperty("status").GetString() == "failed");
        Assert.Equal(410, gone.GetProperty("lastStatusCode").GetInt32());
        Assert.All(deliveries.Where(d => d.GetProperty("id").GetString() != gone.GetProperty("id").GetString()), d => Assert.Equal("cancelled", d.GetProperty("status").GetString()));

        // Nothing more is sent to it.
        await Merges(new Personas(app), "cy", 1).SendAsync(source);
        await app.EvaluateAsync();
        await app.DispatchAsync();
        Assert.Single(await receiver.DeliveriesAsync("gone"));
        Assert.Equal(deliveries.Length, (await DeliveriesAsync(app, id)).Length);
    }

    [Fact]
    public async Task A_slack_subscription_gets_a_message_with_text_and_blocks()
    {
        var receiver = receivers.Receiver;
        await using var app = new NotifyingApp();
        await PublishFirstMergeAsync(app.Admin());
        await SubscribeAsync(app, receiver, "slack", ["award.granted"], format: "slack");
        await Merges(new Personas(app), "ada", 1).SendAsync();
        await app.EvaluateAsync();
        await app.DispatchAsync();

        var message = Assert.Single(await receiver.DeliveriesAsync("slack")).Json;
        Assert.Equal("🏅 *ada* earned *first-merge* (bronze)", message.GetProperty("text").GetString());
        var block = Assert.Single(message.GetProperty("blocks").EnumerateArray());
        Assert.Equal("section", block.GetProperty("type").GetString());
        Assert.Equal("mrkdwn", block.GetProperty("text").GetProperty("type").GetString());
        Assert.Equal(message.GetProperty("text").GetString(), block.GetProperty("text").GetProperty("text").GetString());
    }

    [Fact]
    public async Task Publishing_a_badge_to_hundreds_is_one_slack_digest_while_standard_gets_every_event()
    {
        const int employees = 300;
        var receiver = receivers.Receiver;
        await using var app = new NotifyingApp();
        var (slack, _) = await SubscribeAsync(app, receiver, "channel", ["award.granted"], format: "slack");
        var (machine, _) = await SubscribeAsync(app, receiver, "machine", ["award.granted"]);
        var events = new Personas(app);
        for (var n = 0; n < employees; n++)
        {
            Merges(events, $"dev-{n}", 1);
        }

        var source = await events.SendAsync();
        await PublishFirstMergeAsync(app.Admin());
        await app.EvaluateAsync();
        Assert.Equal(new DispatchSummary(employees, 2 * employees), await app.DispatchAsync());

        var digest = Assert.Single(await receiver.DeliveriesAsync("channel"));
        Assert.True(digest.Verified, digest.Error);
        Assert.Equal("300 notifications: 300 awards granted", digest.Json.GetProperty("text").GetString());
        var blocks = digest.Json.GetProperty("blocks").EnumerateArray().Select(b => b.GetProperty("text").GetProperty("text").GetString()!).ToList();
        Assert.Contains("300 awards granted — *first-merge*: 300 bronze", blocks);
        Assert.EndsWith("…and 290 more.", blocks[^1], StringComparison.Ordinal);
        Assert.All(await DeliveriesAsync(app, slack), d => Assert.Equal(("delivered", 1), (d.GetProperty("status").GetString(), d.GetProperty("attempts").GetInt32())));

        var each = await receiver.DeliveriesAsync("machine");
        Assert.Equal(employees, each.Count);
        Assert.All(each, d => Assert.True(d.Verified, d.Error));
        Assert.Equal(employees, each.Select(d => d.Json.GetProperty("data").GetProperty("employee").GetString()).Distinct().Count());
        Assert.Equal(employees, each.Select(d => d.Id).Distinct().Count());
        Assert.Equal(employees, (await DeliveriesAsync(app, machine)).Length);
        Assert.Equal(100, (await DeliveriesAsync(app, machine, limit: 100)).Length);

        // The next grant waits for the channel's interval, then goes alone.
        await Merges(new Personas(app), "late", 1).SendAsync(source);
        await app.EvaluateAsync();
        await app.DispatchAsync();
        Assert.Single(await receiver.DeliveriesAsync("channel"));
        app.Clock.Advance(TimeSpan.FromSeconds(60));
        await app.DispatchAsync();
        var channel = await receiver.DeliveriesAsync("channel");
        Assert.Equal(2, channel.Count);
        Assert.Equal("🏅 *late* earned *first-merge* (bronze)", channel[1].Json.GetProperty("text").GetString());
    }

    [Fact]
    public void Every_ledger_action_is_told_as_an_event_or_deliberately_not()
    {
        var actions = typeof(AwardAction).GetFields().Select(f => (string)f.GetRawConstantValue()!).ToList();
        Assert.Equal(["award.granted", "award.upgraded", "award.downgraded", "award.revoked", "award.restored", null, null, "award.expired"], actions.Select(NotificationType.OfAwardAction));
        Assert.Equal(["granted", "upgraded", "downgraded", "revoked", "restored", "held", "released", "expired"], actions);
    }

    /// <summary>
    /// The real service, killed with SIGKILL while its first delivery is in flight (the endpoint holds the request
    /// unanswered) and the rest of the grants are committed but unsent, then started again: every grant arrives, verified
    /// at the real clock, and a notification received twice carries the same webhook-id both times.
    /// </summary>
    [Fact]
    public async Task No_notification_is_lost_when_the_service_is_killed_between_the_commit_and_the_delivery()
    {
        const int employees = 20;
        var receiver = receivers.Receiver;
        var database = AchievementsApp.NewDatabasePath();
        var settings = new Dictionary<string, string>
        {
            ["Achievements__Webhooks__AllowLoopback"] = "true",
            ["Achievements__Webhooks__PollSeconds"] = "0.2",
            ["Achievements__Webhooks__TimeoutSeconds"] = "3",
            ["Achievements__Webhooks__RetryBaseSeconds"] = "1",
        };
        try
        {
            // The badge is published in process first, where the gate's judged personas are shared with the other tests,
            // rather than by the service process, which would judge them all again for this one publish.
            await using (var setup = new AchievementsApp(database))
            {
                await PublishFirstMergeAsync(setup.Admin());
            }

            var service = await ChildService.StartAsync(database, settings);
            var admin = service.Client(ChildService.AdminKey);
            var created = await (await admin.PostJsonAsync("/api/v1/webhooks", new { url = receiver.Url("crash"), events = new[] { "award.granted" } })).JsonAsync(HttpStatusCode.Created);
            await receiver.ConfigureAsync("crash", created.GetProperty("secret").GetString()!, hold: true);
            // Only people vouch: the reviewer is in the directory.
            await service.PutPeopleAsync("reviewer-1");
            var key = (await (await admin.PostJsonAsync("/api/v1/keys", new { role = "source", subject = "github" })).JsonAsync(HttpStatusCode.Created)).GetProperty("key").GetString()!;
            var merged = DateTimeOffset.UtcNow.AddDays(-10);
            var batch = SampleEvents.Batch([.. Enumerable.Range(0, employees).Select(n => (object)SampleEvents.PrMerged($"crash-{n}", $"dev-{n}", merged))]);
            await (await service.Client(key).PostJsonAsync("/api/v1/events", batch)).JsonAsync();

            // Every grant committed, the first delivery in flight: then the kill.
            await using var connection = TestStore.Connect(database);
            await WaitUntilAsync(async () => await GrantsAsync(connection) == employees && (await receiver.DeliveriesAsync("crash")).Count > 0, TimeSpan.FromSeconds(60));
            await service.KillAsync();
            await service.DisposeAsync();
            Assert.All(await receiver.DeliveriesAsync("crash"), d => Assert.Null(d.Status));

            await receiver.ConfigureAsync("crash", hold: false);
            await using var restarted = await ChildService.StartAsync(database, settings);
            await WaitUntilAsync(async () => (await receiver.DeliveriesAsync("crash")).Where(d => d.Status == 200).Select(d => d.Id).Distinct().Count() == employees, TimeSpan.FromSeconds(60));

            var received = await receiver.DeliveriesAsync("crash");
            Assert.All(received, d => Assert.True(d.Verified, d.Error));
            var answered = received.Where(d => d.Status == 200).ToList();
            Assert.Equal(employees, answered.Select(d => d.Json.GetProperty("data").GetProperty("employee").GetString()).Distinct().Count());
            // At least once: whatever came twice is the same notification under the same id.
            foreach (var sameId in received.GroupBy(d => d.Id))
            {
                Assert.Single(sameId.Select(d => d.Body).Distinct());
            }

            Assert.Equal(employees, received.Select(d => d.Json.GetProperty("data").GetProperty("employee").GetString()).Distinct().Count());
            Assert.Equal(employees, received.GroupBy(d => d.Json.GetProperty("data").GetProperty("employee").GetString()).Count(g => g.Select(d => d.Id).Distinct().Count() == 1));
        }
        finally
        {
            AchievementsApp.DeleteDatabase(database);
        }
    }

    private static Task<long> GrantsAsync(DbConnection connection) =>
        connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM award_history WHERE badge_key = 'first-merge' AND action = 'granted'");

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        for (var deadline = DateTime.UtcNow + timeout; DateTime.UtcNow < deadline; await Task.Delay(50, Ct))
        {
            if (await condition())
            {
                return;
            }
        }

        Assert.Fail($"Not reached within {timeout}.");
    }
}
