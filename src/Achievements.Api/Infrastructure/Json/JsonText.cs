using System.Text.Json;

namespace Achievements.Api.Infrastructure.Json;

/// <summary>
/// Strings read from JSON the service parsed itself (event batches, webhook deliveries, OTLP/JSON exports).
/// <see cref="JsonElement.GetString"/> throws on an escaped lone surrogate or bytes that are not UTF-8, which a
/// payload may hold; here such a string is null, as a missing one is, and each reader says what it lacks.
/// </summary>
internal static class JsonText
{
    /// <summary>The string, or null when the value is not a string or not Unicode text.</summary>
    public static string? Of(JsonElement element)
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
            return null;
        }
    }

    /// <summary>The property's name, or null when it is not Unicode text.</summary>
    public static string? NameOf(JsonProperty property)
    {
        try
        {
            return property.Name;
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }
}
