using System.Text.Json;
using Achievements.Api.Features.Events;

namespace Achievements.Api.Tests.Validators;

public sealed class IncomingEventValidatorTests
{
    private static readonly DateTimeOffset Now = new(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly IncomingEventValidator Validator = new(new SignalCatalog(BuiltInSignals.All), Now);

    private static Dictionary<string, string[]> Errors(string json)
    {
        var result = Validator.Validate(IncomingEvent.From(JsonDocument.Parse(json).RootElement));
        return result.Errors.GroupBy(e => e.PropertyName).ToDictionary(g => g.Key, g => g.Select(e => e.ErrorMessage).ToArray());
    }

    [Fact]
    public void A_complete_event_has_no_errors()
    {
        Assert.Empty(Errors("""{"id":"a","type":"review.approved","actor":"ada","occurredAt":"2026-06-01T11:00:00Z","attributes":{"pr_id":"1","author":"bob"}}"""));
    }

    [Theory]
    [InlineData("2026-06-01T11:00:00Z")]
    [InlineData("2026-06-01T13:00:00+02:00")]
    [InlineData("2026-06-01T11:00:00.1234567Z")]
    [InlineData("2026-06-01T06:30:00-04:30")]
    public void Rfc3339_timestamps_with_an_offset_are_accepted(string at)
    {
        Assert.Empty(Errors($$$"""{"id":"a","type":"pr.reverted","actor":"ada","occurredAt":"{{{at}}}","attributes":{"pr_id":"1"}}"""));
    }

    [Theory]
    [InlineData("2026-06-01T11:00:00")]
    [InlineData("2026-06-01 11:00:00Z")]
    [InlineData("2026-06-01")]
    [InlineData("2026-13-01T11:00:00Z")]
    [InlineData("2026-06-01T11:00:00.12345678Z")]
    public void Timestamps_without_an_offset_or_out_of_format_are_refused(string at)
    {
        var errors = Errors($$$"""{"id":"a","type":"pr.reverted","actor":"ada","occurredAt":"{{{at}}}","attributes":{"pr_id":"1"}}""");
        Assert.Contains("occurredAt", errors.Keys);
    }

    [Fact]
    public void An_unknown_signal_is_named_in_the_message()
    {
        var errors = Errors("""{"id":"a","type":"pr.merge","actor":"ada","occurredAt":"2026-06-01T11:00:00Z","attributes":{}}""");
        Assert.Contains("'pr.merge'", errors["type"].Single(), StringComparison.Ordinal);
        Assert.False(errors.ContainsKey("attributes"));
    }

    [Fact]
    public void A_null_optional_attribute_counts_as_absent()
    {
        Assert.Empty(Errors("""{"id":"a","type":"prompt.sent","actor":"ada","occurredAt":"2026-06-01T11:00:00Z","attributes":{"tokens":null}}"""));
        Assert.Empty(Errors("""{"id":"a","type":"prompt.sent","actor":"ada","occurredAt":"2026-06-01T11:00:00Z"}"""));
    }

    [Fact]
    public void Every_problem_of_one_event_is_reported_at_once()
    {
        var errors = Errors("""{"id":"","type":"tokens.consumed","actor":"A","occurredAt":"x","attributes":{"tokens":-1,"color":"red"}}""");
        Assert.Equal(["actor", "attributes.color", "attributes.model", "attributes.tokens", "id", "occurredAt"], errors.Keys.Order());
    }

    [Fact]
    public void Signed_numbers_may_be_negative_and_unsigned_ones_may_not()
    {
        var signal = new SignalDefinition("score.changed", SignalDefinition.Outcome, "d",
            [new AttributeDefinition("delta", "number", Signed: true), new AttributeDefinition("size", "number")], null, null, null, [], false);
        var validator = new IncomingEventValidator(new SignalCatalog([signal]), Now);
        var result = validator.Validate(IncomingEvent.From(JsonDocument.Parse(
            """{"id":"a","type":"score.changed","actor":"ada","occurredAt":"2026-06-01T11:00:00Z","attributes":{"delta":-2.5,"size":-1}}""").RootElement));
        Assert.Equal(["attributes.size"], result.Errors.Select(e => e.PropertyName));
    }
}
