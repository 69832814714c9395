using System.Net;
using System.Text;
using System.Text.Json;
using Achievements.Api.Tests.Infrastructure;
using Dapper;

namespace Achievements.Api.Tests.Features;

public sealed class IngestEventsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly DateTimeOffset Now = AchievementsApp.Start;

    [Fact]
    public async Task Valid_events_are_accepted_and_stored_with_their_source_and_arrival_time()
    {
        await using var app = new AchievementsApp();
        var source = await app.Source("github");
        var result = await (await source.PostJsonAsync("/api/v1/events", SampleEvents.Batch(
            SampleEvents.PrMerged("e1", "ada", Now.AddDays(-3)),
            SampleEvents.TokensConsumed("e2", "ada", Now.AddHours(-1))))).JsonAsync();

        Assert.Equal(2, result.GetProperty("accepted").GetInt32());
        Assert.Equal(0, result.GetProperty("duplicates").GetInt32());
        Assert.Equal(0, result.GetProperty("rejected").GetInt32());
        Assert.Equal(["e1", "e2"], result.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("id").GetString()));
        Assert.All(result.GetProperty("results").EnumerateArray(), r => Assert.Equal("accepted", r.GetProperty("status").GetString()));

        var stored = await StoredAsync(app);
        Assert.Equal(2, stored.Count);
        Assert.All(stored, e => Assert.Equal("github", e.Source));
        Assert.All(stored, e => Assert.Equal("2026-06-01T12:00:00.0000000Z", e.ReceivedAt));
        Assert.Equal("2026-05-29T12:00:00.0000000Z", stored.Single(e => e.EventId == "e1").OccurredAt);
    }

    [Fact]
    public async Task An_event_for_an_unknown_actor_creates_the_employee()
    {
        await using var app = new AchievementsApp();
        var source = await app.Source();
        await source.PostJsonAsync("/api/v1/events", SampleEvents.Batch(SampleEvents.PrMerged("e1", "new.person", Now)));
        var employee = await (await app.Admin().GetAsync("/api/v1/employees/new.person", Ct)).JsonAsync();
        Assert.Equal("new.person", employee.GetProperty("id").GetString());
    }

    [Fact]
    public async Task Every_new_actor_of_a_batch_becomes_an_employee_and_a_known_one_keeps_their_name()
    {
        await using var app = new AchievementsApp();
        await app.PutEmployeeAsync("ada", "Ada Lovelace");
        var source = await app.Source();
        var result = await (await source.PostJsonAsync("/api/v1/events", SampleEvents.Batch(
            SampleEvents.PrMerged("e1", "ada", Now),
            SampleEvents.PrMerged("e2", "bo", Now),
            SampleEvents.TokensConsumed("e3", "bo", Now),
            SampleEvents.TokensConsumed("e4", "cy", Now)))).JsonAsync();
        Assert.Equal(4, result.GetProperty("accepted").GetInt32());

        var admin = app.Admin();
        Assert.Equal("Ada Lovelace", (await (await admin.GetAsync("/api/v1/employees/ada", Ct)).JsonAsync()).GetProperty("displayName").GetString());
        foreach (var id in new[] { "bo", "cy" })
        {
            Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync($"/api/v1/employees/{id}", Ct)).StatusCode);
        }
    }

    [Fact]
    public async Task A_repeated_id_within_one_batch_is_a_duplicate()
    {
        await using var app = new AchievementsApp();
        var source = await app.Source();
        var result = await (await source.PostJsonAsync("/api/v1/events", SampleEvents.Batch(
            SampleEvents.PrMerged("same", "ada", Now),
            SampleEvents.PrMerged("same", "ada", Now)))).JsonAsync();

        Assert.Equal(1, result.GetProperty("accepted").GetInt32());
        Assert.Equal(1, result.GetProperty("duplicates").GetInt32());
        Assert.Equal("duplicate", result.GetProperty("results")[1].GetProperty("status").GetString());
        Assert.Single(await StoredAsync(app));
    }

    [Fact]
    public async Task A_replayed_id_is_a_duplicate_whatever_it_carries_and_changes_nothing()
    {
        await using var app = new AchievementsApp();
        var source = await app.Source();
        await source.PostJsonAsync("/api/v1/events", SampleEvents.Batch(SampleEvents.PrMerged("e1", "ada", Now)));
        var before = await StoredAsync(app);

        for (var replay = 0; replay < 3; replay++)
        {
            var changed = SampleEvents.PrMerged("e1", "mallory", Now.AddDays(-1), linesAdded: 9999);
            var result = await (await source.PostJsonAsync("/api/v1/events", SampleEvents.Batch(changed))).JsonAsync();
            Assert.Equal(1, result.GetProperty("duplicates").GetInt32());
            Assert.Equal("duplicate", result.GetProperty("results")[0].GetProperty("status").GetString());
        }

        var invalid = new Dictionary<string, object?> { ["id"] = "e1", ["type"] = "pr.merged", ["actor"] = "ada", ["occurredAt"] = "garbage" };
        var invalidReplay = await (await source.PostJsonAsync("/api/v1/events", SampleEvents.Batch(invalid))).JsonAsync();
        Assert.Equal("duplicate", invalidReplay.GetProperty("results")[0].GetProperty("status").GetString());

        Assert.Equivalent(before, await StoredAsync(app));
    }

    [Fact]
    public async Task The_same_id_from_two_sources_is_two_events()
    {
        await using var app = new AchievementsApp();
        var github = await app.Source("github");
        var gitlab = await app.Source("gitlab");
        await github.PostJsonAsync("/api/v1/events", SampleEvents.Batch(SampleEvents.PrMerged("e1", "ada", Now)));
        var result = await (await gitlab.PostJsonAsync("/api/v1/events", SampleEvents.Batch(SampleEvents.PrMerged("e1", "ada", Now)))).JsonAsync();
        Assert.Equal(1, result.GetProperty("accepted").GetInt32());
        Assert.Equal(2, (await StoredAsync(app)).Count);
    }

    public static TheoryData<string, string> BadEvents => new()
    {
        { """{"type":"pr.reverted","actor":"ada","occurredAt":"2026-06-01T11:00:00Z","attributes":{"pr_id":"1"}}""", "id" },
        { """{"id":"","type":"pr.reverted","actor":"ada","occurredAt":"2026-06-01T11:00:00Z","attributes":{"pr_id":"1"}}""", "id" },
        { """{"id":42,"type":"pr.reverted","actor":"ada","occurredAt":"2026-06-01T11:00:00Z","attributes":{"pr_id":"1"}}""", "id" },
        { $$$"""{"id":"{{{new string('x', 129)}}}","type":"pr.reverted","actor":"ada","occurredAt":"2026-06-01T11:00:00Z","attributes":{"pr_id":"1"}}""", "id" },
        { """{"id":"tab\there","type":"pr.reverted","actor":"ada","occurredAt":"2026-06-01T11:00:00Z","attributes":{"pr_id":"1"}}""", "id" },
        { """{"id":"x","type":"pr.merge","actor":"ada","occurredAt":"2026-06-01T11:00:00Z","attributes":{"pr_id":"1"}}""", "type" },
        { """{"id":"x","actor":"ada","occurredAt":"2026-06-01T11:00:00Z","attributes":{"pr_id":"1"}}""", "type" },
        { """{"id":"x","type":"pr.reverted","actor":"Ada Lovelace","occurredAt":"2026-06-01T11:00:00Z","attributes":{"pr_id":"1"}}""", "actor" },
        { """{"id":"x","type":"pr.reverted","occurredAt":"2026-06-01T11:00:00Z","attributes":{"pr_id":"1"}}""", "actor" },
        { """{"id":"x","type":"pr.reverted","actor":"ada","occurredAt":"2026-06-01T11:00:00","attributes":{"pr_id":"1"}}""", "occurredAt" },
        { """{"id":"x","type":"pr.reverted","actor":"ada","occurredAt":"June 1st","attributes":{"pr_id":"1"}}""", "occurredAt" },
        { """{"id":"x","type":"pr.reverted","actor":"ada","occurredAt":1780000000,"attributes":{"pr_id":"1"}}""", "occurredAt" },
        { """{"id":"x","type":"pr.reverted","actor":"ada","occurredAt":"2026-06-01T12:05:01Z","attributes":{"pr_id":"1"}}""", "occurredAt" },
        { """{"id":"x","type":"pr.reverted","actor":"ada","occurredAt":"2025-04-26T11:59:59Z","attributes":{"pr_id":"1"}}""", "occurredAt" },
        { """{"id":"x","type":"pr.reverted","actor":"ada","occurredAt":"2026-06-01T11:00:00Z","attributes":{}}""", "attributes.pr_id" },
        { """{"id":"x","type":"pr.reverted","actor":"ada","occurredAt":"2026-06-01T11:00:00Z"}""", "attributes" },
        { """{"id":"x","type":"pr.reverted","actor":"ada","occurredAt":"2026-06-01T11:00:00Z","attributes":[1]}""", "attributes" },
        { """{"id":"x","type":"pr.reverted","actor":"ada","occurredAt":"2026-06-01T11:00:00Z","attributes":{"pr_id":7}}""", "attributes.pr_id" },
        { """{"id":"x","type":"pr.reverted","actor":"ada","occurredAt":"2026-06-01T11:00:00Z","attributes":{"pr_id":"1","extra":true}}""", "attributes.extra" },
        { """{"id":"x","type":"tokens.consumed","actor":"ada","occurredAt":"2026-06-01T11:00:00Z","attributes":{"tokens":-1,"model":"m"}}""", "attributes.tokens" },
        { """{"id":"x","type":"tokens.consumed","actor":"ada","occurredAt":"2026-06-01T11:00:00Z","attributes":{"tokens":1.5,"model":"m"}}""", "attributes.tokens" },
        { """{"id":"x","type":"tokens.consumed","actor":"ada","occurredAt":"2026-06-01T11:00:00Z","attributes":{"tokens":"100","model":"m"}}""", "attributes.tokens" },
        { """{"id":"x","type":"tokens.consumed","actor":"ada","occurredAt":"2026-06-01T11:00:00Z","attributes":{"tokens":1e400,"model":"m"}}""", "attributes.tokens" },
        { """{"id":"x","type":"pr.merged","actor":"ada","occurredAt":"2026-06-01T11:00:00Z","attributes":{"pr_id":"1","repo":"r","lines_added":1,"lines_deleted":1,"merged_by":"b","reviewers":"bob"}}""", "attributes.reviewers" },
        { """{"id":"x","type":"pr.merged","actor":"ada","occurredAt":"2026-06-01T11:00:00Z","attributes":{"pr_id":"1","repo":"r","lines_added":1,"lines_deleted":1,"merged_by":"b","reviewers":[],"ai_assisted":"yes"}}""", "attributes.ai_assisted" },
        { """{"id":"x","type":"pr.reverted","actor":"ada","occurredAt":"2026-06-01T11:00:00Z","attributes":{"pr_id":"nul\u0000byte"}}""", "attributes.pr_id" },
        { """{"id":"x","type":"pr.reverted","actor":"ada","occurredAt":"2026-06-01T11:00:00Z","attributes":{"pr_id":"\ud800"}}""", "attributes.pr_id" },
        { """{"id":"x","type":"pr.reverted","actor":"ada","occurredAt":"2026-06-01T11:00:00Z","attributes":{"pr_id":"1"},"source":"spoofed"}""", "source" },
        { "17", "event" },
    };

    [Theory]
    [MemberData(nameof(BadEvents))]
    public async Task A_bad_event_is_rejected_with_its_field_named_while_its_neighbours_are_accepted(string badEvent, string field)
    {
        await using var app = new AchievementsApp();
        var source = await app.Source();
        var good = JsonSerializer.Serialize(SampleEvents.PrMerged("good", "ada", Now));
        var body = $$"""{"events":[{{good}},{{badEvent}}]}""";

        var result = await (await source.PostAsync("/api/v1/events", new StringContent(body, Encoding.UTF8, "application/json"), Ct)).JsonAsync();

        Assert.Equal(1, result.GetProperty("accepted").GetInt32());
        Assert.Equal(1, result.GetProperty("rejected").GetInt32());
        var rejected = result.GetProperty("results")[1];
        Assert.Equal("rejected", rejected.GetProperty("status").GetString());
        var errors = rejected.GetProperty("errors").Deserialize<Dictionary<string, string[]>>()!;
        Assert.True(errors.ContainsKey(field), $"Expected an error on '{field}' but got: {string.Join(", ", errors.Keys)}");
        Assert.All(errors.Values, messages => Assert.All(messages, message => Assert.False(string.IsNullOrWhiteSpace(message))));
        Assert.Equal(["good"], (await StoredAsync(app)).Select(e => e.EventId));
    }

    [Fact]
    public async Task An_optional_attribute_may_be_left_out()
    {
        await using var app = new AchievementsApp();
        var source = await app.Source();
        var prompt = new { id = "p1", type = "prompt.sent", actor = "ada", occurredAt = "2026-06-01T11:00:00+02:00", attributes = new { } };
        var result = await (await source.PostJsonAsync("/api/v1/events", SampleEvents.Batch(prompt))).JsonAsync();
        Assert.Equal(1, result.GetProperty("accepted").GetInt32());
        Assert.Equal("2026-06-01T09:00:00.0000000Z", (await StoredAsync(app)).Single().OccurredAt);
    }

    [Fact]
    public async Task Timestamps_just_inside_the_limits_are_accepted()
    {
        await using var app = new AchievementsApp();
        var source = await app.Source();
        var result = await (await source.PostJsonAsync("/api/v1/events", SampleEvents.Batch(
            SampleEvents.PrMerged("future", "ada", Now.AddMinutes(5)),
            SampleEvents.PrMerged("old", "ada", Now.AddDays(-400))))).JsonAsync();
        Assert.Equal(2, result.GetProperty("accepted").GetInt32());
    }

    public static TheoryData<string> MalformedEnvelopes => new()
    {
        "not json at all",
        """{"events": [""",
        "{}",
        """{"events": null}""",
        """{"events": []}""",
        """{"events": {"id": "x"}}""",
        """{"events": [], "events": []}""",
        "[]",
    };

    [Theory]
    [MemberData(nameof(MalformedEnvelopes))]
    public async Task A_malformed_envelope_is_a_400_problem_and_stores_nothing(string body)
    {
        await using var app = new AchievementsApp();
        var source = await app.Source();
        var response = await source.PostAsync("/api/v1/events", new StringContent(body, Encoding.UTF8, "application/json"), Ct);
        await Problem.AssertAsync(response, HttpStatusCode.BadRequest);
        Assert.Empty(await StoredAsync(app));
    }

    [Fact]
    public async Task More_than_1000_events_is_a_400_problem_and_stores_nothing()
    {
        await using var app = new AchievementsApp();
        var source = await app.Source();
        var events = Enumerable.Range(0, 1001).Select(i => new { id = $"r{i}", type = "pr.reverted", actor = "ada", occurredAt = "2026-06-01T11:00:00Z", attributes = new { pr_id = "1" } }).ToArray();
        var errors = await Problem.ValidationErrorsAsync(await source.PostJsonAsync("/api/v1/events", new { events }));
        Assert.Contains("events", errors.Keys);
        Assert.Empty(await StoredAsync(app));
    }

    [Fact]
    public async Task Exactly_1000_events_are_accepted_in_one_batch()
    {
        await using var app = new AchievementsApp();
        var source = await app.Source();
        var events = Enumerable.Range(0, 1000).Select(i => new { id = $"r{i}", type = "pr.reverted", actor = $"dev{i % 7}", occurredAt = "2026-06-01T11:00:00Z", attributes = new { pr_id = $"{i}" } }).ToArray();
        var result = await (await source.PostJsonAsync("/api/v1/events", new { events })).JsonAsync();
        Assert.Equal(1000, result.GetProperty("accepted").GetInt32());
        Assert.Equal(1000, (await StoredAsync(app)).Count);
    }

    [Fact]
    public async Task A_body_over_1_MiB_is_a_413_problem()
    {
        await using var app = new AchievementsApp();
        var source = await app.Source();
        var padding = new string('x', 1024 * 1024);
        var response = await source.PostAsync("/api/v1/events", new StringContent($$"""{"events":[],"pad":"{{padding}}"}""", Encoding.UTF8, "application/json"), Ct);
        await Problem.AssertAsync(response, HttpStatusCode.RequestEntityTooLarge);
        Assert.Empty(await StoredAsync(app));
    }

    [Theory]
    [InlineData("admin")]
    [InlineData("viewer")]
    [InlineData("employee")]
    public async Task Only_source_keys_post_events(string role)
    {
        await using var app = new AchievementsApp();
        var client = role == "admin" ? app.Admin() : await app.ClientFor(role, role == "employee" ? "ada" : null);
        var response = await client.PostJsonAsync("/api/v1/events", SampleEvents.Batch(SampleEvents.PrMerged("e1", "ada", Now)));
        await Problem.AssertAsync(response, HttpStatusCode.Forbidden);
        Assert.Empty(await StoredAsync(app));
    }

    [Fact]
    public async Task Posting_events_without_a_key_is_a_401_problem()
    {
        await using var app = new AchievementsApp();
        var response = await app.Anonymous().PostJsonAsync("/api/v1/events", SampleEvents.Batch(SampleEvents.PrMerged("e1", "ada", Now)));
        await Problem.AssertAsync(response, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Every_acknowledged_event_is_found_after_a_restart()
    {
        var path = AchievementsApp.NewDatabasePath();
        try
        {
            string sourceKey;
            await using (var first = new AchievementsApp(path))
            {
                var created = await (await first.Admin().PostJsonAsync("/api/v1/keys", new { role = "source", subject = "github" })).JsonAsync(HttpStatusCode.Created);
                sourceKey = created.GetProperty("key").GetString()!;
                var events = Enumerable.Range(0, 250).Select(i => SampleEvents.PrMerged($"e{i}", $"dev{i % 5}", Now.AddHours(-i))).ToArray<object>();
                var result = await (await first.WithKey(sourceKey).PostJsonAsync("/api/v1/events", SampleEvents.Batch(events))).JsonAsync();
                Assert.Equal(250, result.GetProperty("accepted").GetInt32());
            }

            await using var second = new AchievementsApp(path);
            Assert.Equal(250, (await StoredAsync(second)).Count);
            var replay = Enumerable.Range(0, 250).Select(i => SampleEvents.PrMerged($"e{i}", $"dev{i % 5}", Now.AddHours(-i))).ToArray<object>();
            var again = await (await second.WithKey(sourceKey).PostJsonAsync("/api/v1/events", SampleEvents.Batch(replay))).JsonAsync();
            Assert.Equal(250, again.GetProperty("duplicates").GetInt32());
            Assert.Equal(250, (await StoredAsync(second)).Count);
        }
        finally
        {
            AchievementsApp.DeleteDatabase(path);
        }
    }

    private static async Task<List<StoredEvent>> StoredAsync(AchievementsApp app)
    {
        await using var connection = app.Connect();
        var rows = await connection.QueryAsync<StoredEvent>(
            "SELECT source AS Source, event_id AS EventId, actor AS Actor, occurred_at AS OccurredAt, received_at AS ReceivedAt, attributes AS Attributes FROM events ORDER BY seq");
        return rows.ToList();
    }

    private sealed record StoredEvent
    {
        public required string Source { get; init; }
        public required string EventId { get; init; }
        public required string Actor { get; init; }
        public required string OccurredAt { get; init; }
        public required string ReceivedAt { get; init; }
        public required string Attributes { get; init; }
    }
}
