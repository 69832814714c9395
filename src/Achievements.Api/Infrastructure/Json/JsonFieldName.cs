namespace Achievements.Api.Infrastructure.Json;

/// <summary>Turns validator property paths (<c>Tiers[0].Name</c>) into the JSON names clients sent (<c>tiers[0].name</c>).</summary>
internal static class JsonFieldName
{
    public static string From(string propertyPath) =>
        string.Join('.', propertyPath.Split('.').Select(CamelCase));

    private static string CamelCase(string segment) =>
        segment.Length == 0 || char.IsLower(segment[0]) ? segment : char.ToLowerInvariant(segment[0]) + segment[1..];
}
