using Achievements.Api.Infrastructure.Validation;

namespace Achievements.Api.Features;

/// <summary>
/// What free text a person types (names, teams, descriptions) may hold: no control characters and no
/// broken UTF-16, because these strings end up in SVG, HTML and logs.
/// </summary>
internal static class TextRules
{
    public const string DisplayableMessage = "must not contain control characters or invalid Unicode.";

    public static bool IsDisplayable(string? text) =>
        // Storable first (no lone surrogate), then stricter: not even tab or a line break, nor C1 controls.
        text is null || (StorableText.IsStorable(text) && !text.Any(char.IsControl));
}
