using System.Text.Json;
using System.Text.Json.Nodes;
using Achievements.Api.Features;
using Achievements.Api.Features.Events;
using Achievements.Api.Infrastructure.Json;
using FluentValidation;

namespace Achievements.Api.Tests.Validators;

/// <summary>
/// The hand-written <see cref="EventJudge"/> replaced FluentValidation rules for speed. Its messages are the API's
/// contract, so the old rules are kept here, as they were, and both must give every event the same errors,
/// grouped by field as the API answers them.
/// </summary>
public sealed class EventJudgeTests
{
    private static readonly DateTimeOffset Now = new(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);

    private static readonly SignalDefinition Scored = new("score.changed", SignalDefinition.Outcome, "d",
        [new AttributeDefinition("delta", "number", Signed: true), new AttributeDefinition("size", "number"),
         new AttributeDefinition("count", "int", Signed: true), new AttributeDefinition("odd", "decimal", Optional: true)], null, null, null, [], false);

    private static readonly SignalCatalog Catalog = new([.. BuiltInSignals.All, Scored]);

    private static List<KeyValuePair<string, string[]>> Judged(JsonElement json)
    {
        var errors = new List<EventError>();
        new EventJudge(Catalog, Now).Judge(IncomingEvent.From(json), errors);
        return Grouped(errors.Select(e => (e.Field, e.Message)));
    }

    private static List<KeyValuePair<string, string[]>> Reference(JsonElement json) =>
        Grouped(new FluentRules(Catalog, Now).Validate(IncomingEvent.From(json)).Errors.Select(e => (e.PropertyName, e.ErrorMessage)));

    // As IngestEventsHandler groups them for the answer: by JSON field name, in order of first appearance.
    private static List<KeyValuePair<string, string[]>> Grouped(IEnumerable<(string Field, string Message)> errors) =>
        [.. errors.GroupBy(e => JsonFieldName.From(e.Field)).Select(g => KeyValuePair.Create(g.Key, g.Select(e => e.Message).ToArray()))];

    [Fact]
    public void Thousands_of_random_events_get_the_same_errors_from_the_judge_as_from_the_old_rules()
    {
        var random = new Random(20260601);
        var differences = new List<string>();
        for (var i = 0; i < 20_000 && differences.Count < 5; i++)
        {
            var text = RandomEvent(random);
            using var document = JsonDocument.Parse(text);
            var judged = Judged(document.RootElement);
            var reference = Reference(document.RootElement);
            if (!judged.Select(Show).SequenceEqual(reference.Select(Show)))
            {
                differences.Add($"{text}{Environment.NewLine}  judge: {string.Join(" | ", judged.Select(Show))}{Environment.NewLine}  rules: {string.Join(" | ", reference.Select(Show))}");
            }
        }

        Assert.True(differences.Count == 0, string.Join(Environment.NewLine, differences));
    }

    [Theory]
    [InlineData("""{"id":"a","type":"review.approved","actor":"ada","occurredAt":"2026-06-01T11:00:00Z","attributes":{"pr_id":"1","author":"bob"}}""")]
    [InlineData("""{"id":"{PropertyName}","type":"{PropertyName}","actor":"{PropertyValue}","occurredAt":"{PropertyPath}","{PropertyName}":1,"{0}":2}""")]
    [InlineData("""{"id":"a","type":"pr.reverted","actor":"ada","occurredAt":"2026-06-01T11:00:00Z","attributes":{"pr_id":"1","{PropertyName}":1,"":2,"Pr.Id":3}}""")]
    [InlineData("""{"id":"a","id":"","type":"pr.reverted","type":"nope","actor":"ada","occurredAt":"2026-06-01T11:00:00Z","attributes":{"pr_id":"1","pr_id":5}}""")]
    [InlineData("""{"":1,"Id":2,"ID.X":3,"id":"a","type":"pr.reverted","actor":"ada","occurredAt":"2026-06-01T11:00:00Z"}""")]
    [InlineData("""{"id":"a\ud800","type":"pr.reverted","actor":"\ud800","occurredAt":"2026-06-01T11:00:00Z","attributes":{"pr_id":"\udfff"}}""")]
    [InlineData("""{"id":"a","type":"prompt.sent","actor":"ada","occurredAt":"2026-06-01T12:05:00Z","attributes":null}""")]
    [InlineData("""{"id":"a","type":"prompt.sent","actor":"ada","occurredAt":"2026-06-01T12:05:00.0000001Z","attributes":[]}""")]
    [InlineData("""{"id":"a","type":"pr.merged","actor":"ada","occurredAt":"2025-04-27T12:00:00Z"}""")]
    [InlineData("""{"id":"a","type":"pr.merged","actor":"ada","occurredAt":"2025-04-27T11:59:59.9999999Z","attributes":"x"}""")]
    [InlineData("""{"id":"a","type":"  ","actor":"ada\n","occurredAt":"2026-06-01T11:00:00+14:00"}""")]
    [InlineData("""[1]""")]
    [InlineData("""null""")]
    [InlineData("""{"id":"a","type":"score.changed","actor":"ada","occurredAt":"2026-06-01T11:00:00Z","attributes":{"delta":1e999,"size":-0.0,"count":9223372036854775808,"odd":1}}""")]
    public void Edge_cases_get_the_same_errors_from_the_judge_as_from_the_old_rules(string text)
    {
        using var document = JsonDocument.Parse(text);
        Assert.Equal(Reference(document.RootElement).Select(Show), Judged(document.RootElement).Select(Show));
    }

    [Fact]
    public void The_validator_used_outside_ingestion_reports_what_the_judge_reports()
    {
        using var document = JsonDocument.Parse("""{"id":"","type":"tokens.consumed","actor":"A","occurredAt":"x","attributes":{"tokens":-1,"color":"red"}}""");
        var incoming = IncomingEvent.From(document.RootElement);
        var errors = new List<EventError>();
        Assert.False(new EventJudge(Catalog, Now).Judge(incoming, errors));
        var validated = new IncomingEventValidator(Catalog, Now).Validate(incoming).Errors.Select(e => new EventError(e.PropertyName, e.ErrorMessage));
        Assert.Equal(errors, validated);
    }

    private static string Show(KeyValuePair<string, string[]> field) => $"{field.Key}: {string.Join(" / ", field.Value)}";

    private static readonly string?[] Ids = [null, "", "a", "gh-pr-1", new string('x', 128), new string('x', 129), "a\u0001", "é", "{PropertyName}"];
    private static readonly string?[] Types = [null, "", " ", "pr.merged", "pr.reverted", "tokens.consumed", "prompt.sent", "review.approved", "score.changed", "suggestion.accepted", "nope", "{PropertyValue}", "a{PropertyValue}b", "{PropertyPath}", "{PropertyName:x}", "PR.MERGED"];
    private static readonly string?[] Actors = [null, "", "ada", "Ada", "ada\n", "a b", "-ada", new string('a', 64), new string('a', 65), "grace.hopper_1"];
    private static readonly string?[] Times =
    [
        null, "x", "2026-06-01T11:00:00Z", "2026-06-01T12:05:00Z", "2026-06-01T12:05:01Z", "2026-06-01T14:04:00+02:00", "2026-06-01T11:00:00",
        "2025-04-27T12:00:00Z", "2025-04-27T11:59:59Z", "2020-01-01T00:00:00Z", "2026-06-01T11:00:00.123Z", "2026-02-30T11:00:00Z",
    ];

    private static readonly Func<Random, JsonNode?>[] Values =
    [
        _ => null, _ => "1", _ => "", r => r.Next(-5, 50), _ => -1, _ => 2.5, _ => -0.5, _ => true, _ => false,
        _ => new JsonArray("grace", "linus"), _ => new JsonArray(), _ => new JsonArray(1), _ => new JsonArray("a\u0000"),
        _ => new JsonArray([.. Enumerable.Range(0, 101).Select(i => (JsonNode)$"r{i}")]),
        _ => "x\u0007", _ => new string('y', 1000), _ => new string('y', 1001), _ => new JsonObject(), _ => 1e300,
        _ => JsonValue.Create(long.MaxValue), _ => "\u202Eevil",
    ];

    private static string RandomEvent(Random random)
    {
        if (random.Next(40) == 0)
        {
            return random.Next(3) switch { 0 => "[]", 1 => "\"event\"", _ => "7" };
        }

        var e = new JsonObject();
        Maybe(random, e, "id", Pick(random, Ids));
        var type = Pick(random, Types);
        Maybe(random, e, "type", random.Next(20) == 0 ? 42 : type);
        Maybe(random, e, "actor", Pick(random, Actors));
        Maybe(random, e, "occurredAt", Pick(random, Times));
        if (random.Next(6) == 0)
        {
            e[Pick(random, ["color", "", "Extra", "{PropertyName}", "Occurred.At", "ID"])!] = 1;
        }

        var signal = type is null ? null : Catalog.Find(type);
        e["attributes"] = random.Next(12) switch
        {
            0 => null,
            1 => "attributes",
            2 => new JsonArray(),
            _ => Attributes(random, signal),
        };
        if (random.Next(12) == 0)
        {
            e.Remove("attributes");
        }

        return e.ToJsonString();
    }

    private static JsonObject Attributes(Random random, SignalDefinition? signal)
    {
        var attributes = new JsonObject();
        foreach (var attribute in signal?.Attributes ?? [])
        {
            if (random.Next(8) == 0)
            {
                continue;
            }

            attributes[attribute.Name] = random.Next(3) == 0 ? Values[random.Next(Values.Length)](random) : Valid(attribute, random);
        }

        if (random.Next(6) == 0)
        {
            attributes[Pick(random, ["color", "", "Pr_Id", "{PropertyName}", "a.b"])!] = "red";
        }

        return attributes;
    }

    private static JsonNode? Valid(AttributeDefinition attribute, Random random) => attribute.Type switch
    {
        "int" => random.Next(0, 100),
        "number" => random.NextDouble() * 10,
        "bool" => random.Next(2) == 0,
        "string[]" => new JsonArray("grace"),
        _ => $"v{random.Next(100)}",
    };

    private static void Maybe(Random random, JsonObject e, string field, JsonNode? value)
    {
        if (random.Next(15) != 0)
        {
            e[field] = value;
        }
    }

    private static T Pick<T>(Random random, T[] values) => values[random.Next(values.Length)];

    /// <summary>The FluentValidation rules that judged events before <see cref="EventJudge"/>, unchanged.</summary>
    private sealed class FluentRules : AbstractValidator<IncomingEvent>
    {
        public FluentRules(SignalCatalog catalog, DateTimeOffset now)
        {
            RuleLevelCascadeMode = CascadeMode.Stop;
            RuleFor(e => e.Shape).Equal(JsonValueKind.Object).OverridePropertyName("event").WithMessage("An event must be a JSON object.");

            When(e => e.Shape == JsonValueKind.Object, () =>
            {
                RuleFor(e => e.Id).Must(id => IsEventId(IncomingEvent.Text(id))).OverridePropertyName("id")
                    .WithMessage("id must be a string of 1-128 printable ASCII characters, unique for this source.");
                RuleFor(e => e.TypeText).NotEmpty().OverridePropertyName("type").WithMessage("type must be a signal type from the catalog.")
                    .Must(type => catalog.Find(type!) is not null).OverridePropertyName("type")
                    .WithMessage(e => $"'{e.TypeText}' is not a signal in the catalog (GET /api/v1/signals lists them).");
                RuleFor(e => e.ActorText).Must(EmployeeId.IsValid).OverridePropertyName("actor").WithMessage(EmployeeId.Rule);
                RuleFor(e => e.OccurredAtValue).NotNull().OverridePropertyName("occurredAt")
                    .WithMessage("occurredAt must be an RFC 3339 timestamp with an offset, such as 2026-03-01T09:30:00Z.")
                    .Must(at => at <= now + EventJudge.FutureTolerance).OverridePropertyName("occurredAt")
                    .WithMessage("occurredAt is more than 5 minutes in the future.")
                    .Must(at => at >= now - EventJudge.MaximumAge).OverridePropertyName("occurredAt")
                    .WithMessage("occurredAt is more than 400 days old.");
                RuleFor(e => e.UnknownFields).Custom((fields, context) =>
                {
                    foreach (var field in fields)
                    {
                        context.AddFailure(field, $"'{field}' is not an event field; use id, type, actor, occurredAt and attributes.");
                    }
                });
                RuleFor(e => e).Custom((e, context) =>
                {
                    if (e.TypeText is { } type && catalog.Find(type) is { } signal)
                    {
                        CheckAttributes(signal, e.Attributes, context);
                    }
                });
            });
        }

        private static bool IsEventId(string? id) =>
            id is { Length: >= 1 and <= 128 } && id.All(c => c is >= ' ' and <= '~');

        private static void CheckAttributes(SignalDefinition signal, JsonElement attributes, ValidationContext<IncomingEvent> context)
        {
            if (attributes.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
            {
                attributes = default;
                if (signal.Attributes.Any(a => !a.Optional))
                {
                    context.AddFailure("attributes", $"attributes must be an object with {string.Join(", ", signal.Attributes.Where(a => !a.Optional).Select(a => a.Name))}.");
                    return;
                }
            }
            else if (attributes.ValueKind != JsonValueKind.Object)
            {
                context.AddFailure("attributes", "attributes must be a JSON object.");
                return;
            }

            foreach (var attribute in signal.Attributes)
            {
                var present = attributes.ValueKind == JsonValueKind.Object
                    && attributes.TryGetProperty(attribute.Name, out var value)
                    && value.ValueKind != JsonValueKind.Null;
                if (!present)
                {
                    if (!attribute.Optional)
                    {
                        context.AddFailure($"attributes.{attribute.Name}", $"{attribute.Name} is required for {signal.Type}.");
                    }

                    continue;
                }

                attributes.TryGetProperty(attribute.Name, out value);
                if (Problem(attribute, value) is { } problem)
                {
                    context.AddFailure($"attributes.{attribute.Name}", problem);
                }
            }

            if (attributes.ValueKind == JsonValueKind.Object)
            {
                foreach (var property in attributes.EnumerateObject().Where(p => signal.Attribute(p.Name) is null))
                {
                    context.AddFailure($"attributes.{property.Name}", $"{signal.Type} has no attribute '{property.Name}'.");
                }
            }
        }

        private static string? Problem(AttributeDefinition attribute, JsonElement value)
        {
            var sign = attribute.Signed ? "" : " and not negative";
            return attribute.Type switch
            {
                "int" => value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var integer) && (attribute.Signed || integer >= 0)
                    ? null
                    : $"{attribute.Name} must be a whole number{sign}.",
                "number" => value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var number) && double.IsFinite(number) && (attribute.Signed || number >= 0)
                    ? null
                    : $"{attribute.Name} must be a finite number{sign}.",
                "bool" => value.ValueKind is JsonValueKind.True or JsonValueKind.False ? null : $"{attribute.Name} must be true or false.",
                "string" => IsText(value) ? null : $"{attribute.Name} must be a string of at most {EventJudge.MaxStringLength} characters without control characters.",
                "string[]" => value.ValueKind == JsonValueKind.Array && value.GetArrayLength() <= EventJudge.MaxListLength && value.EnumerateArray().All(IsText)
                    ? null
                    : $"{attribute.Name} must be a list of at most {EventJudge.MaxListLength} strings.",
                _ => $"{attribute.Name} has a type this service does not know.",
            };
        }

        private static bool IsText(JsonElement value) =>
            IncomingEvent.Text(value) is { Length: <= EventJudge.MaxStringLength } text && TextRules.IsDisplayable(text);
    }
}
