namespace Achievements.Api.Features;

/// <summary>
/// What free text a person types (names, teams, descriptions) may hold: no control characters and no
/// broken UTF-16, because these strings end up in SVG, HTML and logs.
/// </summary>
internal static class TextRules
{
    public const string DisplayableMessage = "must not contain control characters or invalid Unicode.";

    public static bool IsDisplayable(string? text)
    {
        if (text is null)
        {
            return true;
        }

        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsControl(c))
            {
                return false;
            }

            if (char.IsHighSurrogate(c))
            {
                if (i + 1 >= text.Length || !char.IsLowSurrogate(text[i + 1]))
                {
                    return false;
                }

                i++;
            }
            else if (char.IsLowSurrogate(c))
            {
                return false;
            }
        }

        return true;
    }
}
