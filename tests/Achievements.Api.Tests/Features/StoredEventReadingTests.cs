using System.Globalization;
using Achievements.Api.Infrastructure.Storage;
using FsCheck;
using FsCheck.Fluent;
using AttributeValue = Achievements.Rules.AttributeValue;

namespace Achievements.Api.Tests.Features;

/// <summary>
/// The evaluator reads stored timestamps and attributes with hand-written fast paths; these pin them to what the
/// general parsers give.
/// </summary>
public sealed class StoredEventReadingTests
{
    private static readonly CountingPolicy Policy = CountingPolicy.Compile(new SignalCatalog(BuiltInSignals.All));

    [Fact]
    public void Every_stored_timestamp_reads_back_as_the_instant_written()
    {
        var instants = ArbMap.Default.GeneratorFor<long>()
            .Select(n => new DateTimeOffset(DateTime.UnixEpoch.Ticks + Math.Abs(n % (400L * 365 * TimeSpan.TicksPerDay)), TimeSpan.Zero));
        var property = Prop.ForAll(Arb.From(instants), instant =>
        {
            var text = UtcTimestampHandler.ToText(instant);
            var general = DateTimeOffset.ParseExact(text, UtcTimestampHandler.Format, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
            return UtcTimestampHandler.FromText(text) == instant && general == instant;
        });
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(500), property);
    }

    [Theory]
    [InlineData("2026-02-30T00:00:00.0000000Z")]
    [InlineData("2026-01-01T24:00:00.0000000Z")]
    [InlineData("2026-01-01 00:00:00.0000000Z")]
    [InlineData("2026-01-01T00:00:00Z")]
    [InlineData("not a time")]
    public void A_timestamp_not_in_the_stored_form_is_refused_as_before(string text) =>
        Assert.Throws<FormatException>(() => UtcTimestampHandler.FromText(text));

    [Fact]
    public void Attributes_are_read_by_schema_name_whatever_their_order_escaping_or_extra_properties()
    {
        var stored = Stored("pr.merged", """
            {"extra":{"nested":[1,{"x":2}]},"reviewers":["bob","build-bot",3,null,"carol"],"lines_added":12.5,"pr_\u0069d":"pr-1",
             "repo":"r\"1","merged_by":"bob","ai_assisted":true,"lines_deleted":0,"unknown":"u"}
            """);

        var read = Policy.Read([stored], new HashSet<string> { "build-bot" }).Single();

        Assert.Equal("pr-1", read.CorrectionKey);
        Assert.Equal(AttributeValue.Text("pr-1"), Value(read, "pr_id"));
        Assert.Equal(AttributeValue.Text("r\"1"), Value(read, "repo"));
        Assert.Equal(AttributeValue.Number(12.5), Value(read, "lines_added"));
        Assert.Equal(AttributeValue.Number(0), Value(read, "lines_deleted"));
        // What the source says of AI is a claim: read into ai_claimed; ai_assisted waits for the policy's evidence.
        Assert.Equal(AttributeValue.Bool(true), Value(read, "ai_claimed"));
        Assert.Equal(AttributeValue.Missing, Value(read, "ai_assisted"));
        Assert.Equal(AttributeValue.List("bob", "carol"), Value(read, "reviewers"));
    }

    [Fact]
    public void Missing_and_null_attributes_read_as_missing_and_events_of_unknown_signals_are_left_out()
    {
        var read = Policy.Read([Stored("pr.merged", """{"pr_id":null}"""), Stored("no.such.signal", "{}")], new HashSet<string>());

        var only = Assert.Single(read);
        Assert.Null(only.CorrectionKey);
        Assert.Equal(AttributeValue.Missing, Value(only, "pr_id"));
        Assert.Equal(AttributeValue.Missing, Value(only, "repo"));
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("{\"pr_id\":")]
    public void Attributes_that_are_not_a_json_object_cannot_be_read(string attributes) =>
        Assert.ThrowsAny<System.Text.Json.JsonException>(() => Policy.Read([Stored("pr.merged", attributes)], new HashSet<string>()));

    private static AttributeValue Value(ReadEvent read, string name) => read.Rule[read.Schema.IndexOf(name)];

    private static (StoredEvent, string) Stored(string type, string attributes) => (new StoredEvent
    {
        Seq = 1,
        Source = "github",
        Type = type,
        Actor = "alice",
        OccurredAt = DateTimeOffset.Parse("2026-05-01T00:00:00Z", CultureInfo.InvariantCulture),
    }, attributes);
}
