using System.Text.Json.Serialization;

namespace Achievements.Api.Features.Scim;

/// <summary>
/// A user as identity providers send it (RFC 7643 §4.1, §4.3). Attributes this service does not keep (a title, a
/// password, phone numbers) are skipped rather than refused: providers send whatever their mappings name.
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Skip)]
internal sealed record ScimUserBody
{
    public IReadOnlyList<string>? Schemas { get; init; }

    public string? UserName { get; init; }

    public string? ExternalId { get; init; }

    public ScimName? Name { get; init; }

    public string? DisplayName { get; init; }

    public bool? Active { get; init; }

    public IReadOnlyList<ScimEmail>? Emails { get; init; }

    [JsonPropertyName(ScimSchemas.EnterpriseUser)]
    public ScimEnterprise? Enterprise { get; init; }

    /// <summary>
    /// name.formatted is the display name; a provider that sends none (Entra ID maps displayName, Okta the given and
    /// family names) gets displayName, then the given and family names, then userName.
    /// </summary>
    public string? DisplayNameOf() =>
        NonEmpty(Name?.Formatted) ?? NonEmpty(DisplayName)
        ?? NonEmpty(string.Join(' ', new[] { Name?.GivenName, Name?.FamilyName }.Where(n => !string.IsNullOrWhiteSpace(n))))
        ?? UserName;

    /// <summary>The address marked primary, else the first.</summary>
    public string? PrimaryEmail() =>
        (Emails?.FirstOrDefault(e => e?.Primary == true) ?? Emails?.FirstOrDefault(e => e?.Value is not null))?.Value;

    private static string? NonEmpty(string? text) => string.IsNullOrWhiteSpace(text) ? null : text;
}

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Skip)]
internal sealed record ScimName(
    string? Formatted,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? GivenName = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? FamilyName = null);

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Skip)]
internal sealed record ScimEmail(string? Value, string? Type = "work", [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? Primary = null);

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Skip)]
internal sealed record ScimEnterprise([property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Department);

/// <summary>A PATCH body (RFC 7644 §3.5.2): the PatchOp schema and its operations.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Skip)]
internal sealed record ScimPatchBody(IReadOnlyList<string>? Schemas, IReadOnlyList<ScimPatchOperationBody>? Operations);

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Skip)]
internal sealed record ScimPatchOperationBody(string? Op, string? Path, System.Text.Json.JsonElement Value);

/// <summary>A user as this service answers it, with both schemas and its meta.</summary>
internal sealed record ScimUserResource
{
    public IReadOnlyList<string> Schemas { get; } = [ScimSchemas.User, ScimSchemas.EnterpriseUser];

    public required string Id { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? ExternalId { get; init; }

    public required string UserName { get; init; }

    public required ScimName Name { get; init; }

    public string? DisplayName { get; init; }

    public bool Active { get; init; }

    public required IReadOnlyList<ScimEmail> Emails { get; init; }

    [JsonPropertyName(ScimSchemas.EnterpriseUser)]
    public required ScimEnterprise Enterprise { get; init; }

    public required ScimMeta Meta { get; init; }

    /// <summary>The resource for <paramref name="user"/>, its location under <paramref name="usersUrl"/> (…/scim/v2/Users).</summary>
    public static ScimUserResource From(ScimUser user, string usersUrl) => new()
    {
        Id = user.Id,
        ExternalId = user.ExternalId,
        UserName = user.UserName,
        Name = new ScimName(user.DisplayName),
        DisplayName = user.DisplayName,
        Active = user.Active,
        // One address is primary; with several, which one the provider marked is not kept, so none is claimed.
        Emails = [.. user.Emails.Select(address => new ScimEmail(address, "work", user.Emails.Count == 1 ? true : null))],
        Enterprise = new ScimEnterprise(user.Team),
        Meta = new ScimMeta("User", user.Created, user.LastModified, $"{usersUrl}/{Uri.EscapeDataString(user.Id)}"),
    };
}

internal sealed record ScimMeta(string ResourceType, DateTimeOffset Created, DateTimeOffset LastModified, string Location);

/// <summary>A page of resources (RFC 7644 §3.4.2); SCIM spells <c>Resources</c> with a capital.</summary>
internal sealed record ScimListResponse<T>(int TotalResults, int StartIndex, int ItemsPerPage, [property: JsonPropertyName("Resources")] IReadOnlyList<T> Resources)
{
    public IReadOnlyList<string> Schemas { get; } = [ScimSchemas.ListResponse];
}
