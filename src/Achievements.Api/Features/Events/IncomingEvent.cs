using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Achievements.Api.Features.Signals;
using FluentValidation;

namespace Achievements.Api.Features.Events;

/// <summary>
/// One event as a source sent it, read leniently from JSON so that a wrong type in one field
/// becomes an error on that event rather than a failure of the whole batch.
/// </summary>
internal sealed record IncomingEvent
{
    public JsonValueKind Shape { get; init; }
    public JsonElement Id { get; init; }
    public JsonElement Type { get; init; }
    public JsonElement Actor { get; init; }
    public JsonElement OccurredAt { get; init; }
    public JsonElement Attributes { get; init; }
    public IReadOnlyList<string> UnknownFields { get; init; } = [];

    private static readonly string[] Fields = ["id", "type", "actor", "occurredAt", "attributes"];

    public static IncomingEvent From(JsonElement json)
    {
        if (json.ValueKind != JsonValueKind.Object)
        {
            return new IncomingEvent { Shape = json.ValueKind };
        }

        return new IncomingEvent
        {
            Shape = JsonValueKind.Object,
            Id = Field(json, "id"),
            Type = Field(json, "type"),
            Actor = Field(json, "actor"),
            OccurredAt = Field(json, "occurredAt"),
            Attributes = Field(json, "attributes"),
            UnknownFields = [.. json.EnumerateObject().Select(p => p.Name).Where(name => !Fields.Contains(name))],
        };
    }

    /// <summary>The id if it is a string, for echoing back in the results.</summary>
    public string? IdText => Text(Id);

    public string? TypeText => Text(Type);

    public string? ActorText => Text(Actor);

    public DateTimeOffset? OccurredAtValue => Rfc3339.TryParse(Text(OccurredAt), out var value) ? value : null;

    private static JsonElement Field(JsonElement json, string name) =>
        json.TryGetProperty(name, out var value) ? value : default;

    internal static string? Text(JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.String)
        {
            return null;
        }

        try
        {
            return element.GetString();
        }
        catch (InvalidOperationException)
        {
            // A lone surrogate escaped in the JSON: not text we can store or show.
            return null;
        }
    }
}

/// <summary>RFC 3339 timestamps with an explicit offset, as sources are asked to send them.</summary>
internal static partial class Rfc3339
{
    public static bool TryParse(string? text, out DateTimeOffset value)
    {
        value = default;
        return text is not null
            && Pattern().IsMatch(text)
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out value);
    }

    [GeneratedRegex(@"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,7})?(Z|[+-][0-9]{2}:[0-9]{2})$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}

/// <summary>
/// Judges one event against the catalog and the clock. Each event is judged alone: the errors of
/// one never reject another.
/// </summary>
internal sealed class IncomingEventValidator : AbstractValidator<IncomingEvent>
{
    /// <summary>How far ahead a source's clock may run before we call its timestamp wrong.</summary>
    public static readonly TimeSpan FutureTolerance = TimeSpan.FromMinutes(5);

    /// <summary>How old an event may be: a year of history plus a month of slack for backfills.</summary>
    public static readonly TimeSpan MaximumAge = TimeSpan.FromDays(400);

    public const int MaxStringLength = 1000;
    public const int MaxListLength = 100;

    public IncomingEventValidator(SignalCatalog catalog, DateTimeOffset now)
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
                .Must(at => at <= now + FutureTolerance).OverridePropertyName("occurredAt")
                .WithMessage("occurredAt is more than 5 minutes in the future.")
                .Must(at => at >= now - MaximumAge).OverridePropertyName("occurredAt")
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
                    AttributeRules.Check(signal, e.Attributes, context);
                }
            });
        });
    }

    private static bool IsEventId(string? id) =>
        id is { Length: >= 1 and <= 128 } && id.All(c => c is >= ' ' and <= '~');
}

/// <summary>Checks an event's attributes against its signal's schema: nothing missing, nothing unknown, every type right.</summary>
internal static class AttributeRules
{
    public static void Check(SignalDefinition signal, JsonElement attributes, ValidationContext<IncomingEvent> context)
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
            "string" => IsText(value) ? null : $"{attribute.Name} must be a string of at most {IncomingEventValidator.MaxStringLength} characters without control characters.",
            "string[]" => value.ValueKind == JsonValueKind.Array && value.GetArrayLength() <= IncomingEventValidator.MaxListLength && value.EnumerateArray().All(IsText)
                ? null
                : $"{attribute.Name} must be a list of at most {IncomingEventValidator.MaxListLength} strings.",
            _ => $"{attribute.Name} has a type this service does not know.",
        };
    }

    private static bool IsText(JsonElement value) =>
        IncomingEvent.Text(value) is { Length: <= IncomingEventValidator.MaxStringLength } text && TextRules.IsDisplayable(text);
}
