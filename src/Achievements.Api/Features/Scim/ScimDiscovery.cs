namespace Achievements.Api.Features.Scim;

/// <summary>What identity providers read to learn what this service supports (RFC 7643 §5, §6; RFC 7644 §4).</summary>
internal static class ScimDiscovery
{
    public static object ServiceProviderConfig(string baseUrl) => new
    {
        schemas = new[] { ScimSchemas.ServiceProviderConfig },
        patch = new { supported = true },
        bulk = new { supported = false, maxOperations = 0, maxPayloadSize = 0 },
        filter = new { supported = true, maxResults = ListScimUsersHandler.MaxResults },
        changePassword = new { supported = false },
        sort = new { supported = false },
        etag = new { supported = false },
        authenticationSchemes = new[]
        {
            new
            {
                type = "oauthbearertoken",
                name = "Bearer key",
                description = "A key of the role 'scim', made by an admin with POST /api/v1/keys, sent as 'Authorization: Bearer <key>'.",
                primary = true,
            },
        },
        meta = new { resourceType = "ServiceProviderConfig", location = $"{baseUrl}/ServiceProviderConfig" },
    };

    public static ScimListResponse<object> ResourceTypes(string baseUrl) => new(1, 1, 1,
    [
        new
        {
            schemas = new[] { ScimSchemas.ResourceType },
            id = "User",
            name = "User",
            endpoint = "/Users",
            description = "An employee of the directory.",
            schema = ScimSchemas.User,
            schemaExtensions = new[] { new { schema = ScimSchemas.EnterpriseUser, required = false } },
            meta = new { resourceType = "ResourceType", location = $"{baseUrl}/ResourceTypes/User" },
        },
    ]);
}
