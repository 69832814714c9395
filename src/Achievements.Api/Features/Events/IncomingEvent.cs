using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Achievements.Api.Infrastructure.Json;

namespace Achievements.Api.Features.Events;

/// <summary>
/// One event as a source sent it, read leniently from JSON so that a wrong type in one field
/// becomes an error on that event rather than a failure of the whole batch. Its texts and its timestamp
/// are read once, here, because the judge, the insert and the results all need them.
/// </summary>
internal sealed record IncomingEvent
{
    private IncomingEvent()
    {
    }

    public JsonValueKind Shape { get; private init; }
    public JsonElement Id { get; private init; }
    public JsonElement Type { get; private init; }
    public JsonElement Actor { get; private init; }
    public JsonElement OccurredAt { get; private init; }
    public JsonElement Attributes { get; private init; }
    public IReadOnlyList<string> UnknownFields { get; private init; } = [];

    /// <summary>The id if it is a string, for echoing back in the results.</summary>
    public string? IdText { get; private init; }

    public string? TypeText { get; private init; }

    public string? ActorText { get; private init; }

    public DateTimeOffset? OccurredAtValue { get; private init; }

    public static IncomingEvent From(JsonElement json)
    {
        if (json.ValueKind != JsonValueKind.Object)
        {
            return new IncomingEvent { Shape = json.ValueKind };
        }

        // One pass over the properties. A repeated field keeps its last value, as JsonElement.TryGetProperty does.
        JsonElement id = default, type = default, actor = default, occurredAt = default, attributes = default;
        List<string>? unknown = null;
        foreach (var property in json.EnumerateObject())
        {
            if (property.NameEquals("id"u8))
            {
                id = property.Value;
            }
            else if (property.NameEquals("type"u8))
            {
                type = property.Value;
            }
            else if (property.NameEquals("actor"u8))
            {
                actor = property.Value;
            }
            else if (property.NameEquals("occurredAt"u8))
            {
                occurredAt = property.Value;
            }
            else if (property.NameEquals("attributes"u8))
            {
                attributes = property.Value;
            }
            else
            {
                (unknown ??= []).Add(property.Name);
            }
        }

        return new IncomingEvent
        {
            Shape = JsonValueKind.Object,
            Id = id,
            Type = type,
            Actor = actor,
            OccurredAt = occurredAt,
            Attributes = attributes,
            UnknownFields = unknown is null ? [] : unknown,
            IdText = Text(id),
            TypeText = Text(type),
            ActorText = Text(actor),
            OccurredAtValue = Rfc3339.TryParse(Text(occurredAt), out var at) ? at : null,
        };
    }

    /// <summary>A string field's text; null for another kind of value, or a lone surrogate: not text we can store or show.</summary>
    internal static string? Text(JsonElement element) => JsonText.Of(element);
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

/// <summary>One problem with one event: the field it concerns and what is wrong with it.</summary>
internal readonly record struct EventError(string Field, string Message);

/// <summary>
/// Judges one event against the catalog and the clock. Each event is judged alone: the errors of one never
/// reject another. Each field reports its first problem only, and fields are checked in a fixed order
/// (id, type, actor, occurredAt, unknown fields, attributes), so the same event always gets the same errors.
/// </summary>
/// <remarks>
/// Written by hand, not with FluentValidation, because it runs for every event of every batch: the
/// FluentValidation rules it replaced cost 18-35 µs an event, more than inserting the event. It is the only
/// judge of events: ingestion and the adversarial gate both call it. The messages are the API's contract;
/// <c>EventJudgeTests</c> holds them as tables of events and the exact errors each gets.
/// </remarks>
internal sealed class EventJudge
{
    /// <summary>How far ahead a source's clock may run before we call its timestamp wrong.</summary>
    public static readonly TimeSpan FutureTolerance = TimeSpan.FromMinutes(5);

    /// <summary>How old an event may be: a year of history plus a month of slack for backfills.</summary>
    public static readonly TimeSpan MaximumAge = TimeSpan.FromDays(400);

    public const int MaxStringLength = 1000;
    public const int MaxListLength = 100;

    private readonly SignalCatalog _catalog;
    private readonly DateTimeOffset _latest;
    private readonly DateTimeOffset _earliest;

    public EventJudge(SignalCatalog catalog, DateTimeOffset now)
    {
        _catalog = catalog;
        _latest = now + FutureTolerance;
        _earliest = now - MaximumAge;
    }

    /// <summary>Adds the event's problems to <paramref name="errors"/>; true when it has none.</summary>
    public bool Judge(IncomingEvent e, List<EventError> errors)
    {
        var before = errors.Count;
        if (e.Shape != JsonValueKind.Object)
        {
            errors.Add(new("event", "An event must be a JSON object."));
            return false;
        }

        if (!IsEventId(e.IdText))
        {
            errors.Add(new("id", "id must be a string of 1-128 printable ASCII characters, unique for this source."));
        }

        var signal = string.IsNullOrWhiteSpace(e.TypeText) ? null : _catalog.Find(e.TypeText);
        if (string.IsNullOrWhiteSpace(e.TypeText))
        {
            errors.Add(new("type", "type must be a signal type from the catalog."));
        }
        else if (signal is null)
        {
            // The source's text is echoed as sent, braces and all: it is data, not a message template.
            errors.Add(new("type", $"'{e.TypeText}' is not a signal in the catalog (GET /api/v1/signals lists them)."));
        }

        if (!EmployeeId.IsValid(e.ActorText))
        {
            errors.Add(new("actor", EmployeeId.Rule));
        }

        if (e.OccurredAtValue is not { } at)
        {
            errors.Add(new("occurredAt", "occurredAt must be an RFC 3339 timestamp with an offset, such as 2026-03-01T09:30:00Z."));
        }
        else if (at > _latest)
        {
            errors.Add(new("occurredAt", "occurredAt is more than 5 minutes in the future."));
        }
        else if (at < _earliest)
        {
            errors.Add(new("occurredAt", "occurredAt is more than 400 days old."));
        }

        foreach (var field in e.UnknownFields)
        {
            errors.Add(new(field, $"'{field}' is not an event field; use id, type, actor, occurredAt and attributes."));
        }

        if (signal is not null)
        {
            CheckAttributes(signal, e.Attributes, errors);
        }

        return errors.Count == before;
    }

    private static bool IsEventId(string? id)
    {
        if (id is not { Length: >= 1 and <= 128 })
        {
            return false;
        }

        foreach (var c in id)
        {
            if (c is < ' ' or > '~')
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Nothing required missing, nothing unknown, every type right.</summary>
    private static void CheckAttributes(SignalDefinition signal, JsonElement attributes, List<EventError> errors)
    {
        if (attributes.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
        {
            if (signal.Attributes.Any(a => !a.Optional))
            {
                errors.Add(new("attributes", $"attributes must be an object with {string.Join(", ", signal.Attributes.Where(a => !a.Optional).Select(a => a.Name))}."));
                return;
            }

            // No attributes at all, and none required: nothing more to check.
            return;
        }

        if (attributes.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new("attributes", "attributes must be a JSON object."));
            return;
        }

        foreach (var attribute in signal.Attributes)
        {
            if (!attributes.TryGetProperty(attribute.Name, out var value) || value.ValueKind == JsonValueKind.Null)
            {
                if (!attribute.Optional)
                {
                    errors.Add(new($"attributes.{attribute.Name}", $"{attribute.Name} is required for {signal.Type}."));
                }

                continue;
            }

            if (Problem(attribute, value) is { } problem)
            {
                errors.Add(new($"attributes.{attribute.Name}", problem));
            }
        }

        foreach (var property in attributes.EnumerateObject())
        {
            if (!IsAttributeOf(signal, property))
            {
                errors.Add(new($"attributes.{property.Name}", $"{signal.Type} has no attribute '{property.Name}'."));
            }
        }
    }

    private static bool IsAttributeOf(SignalDefinition signal, JsonProperty property)
    {
        foreach (var attribute in signal.Attributes)
        {
            if (property.NameEquals(attribute.Name))
            {
                return true;
            }
        }

        return false;
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
            "string" => IsText(value) ? null : $"{attribute.Name} must be a string of at most {MaxStringLength} characters without control characters.",
            "string[]" => IsTextList(value) ? null : $"{attribute.Name} must be a list of at most {MaxListLength} strings.",
            _ => $"{attribute.Name} has a type this service does not know.",
        };
    }

    private static bool IsTextList(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Array || value.GetArrayLength() > MaxListLength)
        {
            return false;
        }

        foreach (var item in value.EnumerateArray())
        {
            if (!IsText(item))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsText(JsonElement value) =>
        IncomingEvent.Text(value) is { Length: <= MaxStringLength } text && TextRules.IsDisplayable(text);
}
