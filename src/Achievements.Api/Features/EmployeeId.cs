using System.Text.RegularExpressions;

namespace Achievements.Api.Features;

/// <summary>Employee ids are the directory's login names: short, lowercase, safe in URLs and file names.</summary>
internal static partial class EmployeeId
{
    public const string Rule = "An employee id is 1-64 characters of a-z, 0-9, '.', '_' or '-', starting with a letter or digit.";

    public static bool IsValid(string? id) => id is not null && Pattern().IsMatch(id);

    [GeneratedRegex("^[a-z0-9][a-z0-9._-]{0,63}$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
