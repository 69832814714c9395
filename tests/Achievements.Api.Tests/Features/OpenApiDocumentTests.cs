using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Achievements.Api.Tests.Infrastructure;
using Achievements.Api.Tests.Security;
using Microsoft.AspNetCore.Hosting;
using Microsoft.OpenApi;

namespace Achievements.Api.Tests.Features;

/// <summary>What a generated client learns from <c>/openapi/v1.json</c>: how to authenticate, and which roles each operation needs.</summary>
public sealed partial class OpenApiDocumentTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>The role each column of <see cref="AuthorizationMatrixTests.Matrix"/> after the anonymous one calls with.</summary>
    private static readonly string[] ColumnRoles = ["", "viewer", "employee", "employee", "source", "admin"];

    [Fact]
    public async Task The_document_is_valid_OpenAPI_3_1_1_and_says_what_the_service_is()
    {
        await using var app = new AchievementsApp();
        var json = await app.Anonymous().GetStringAsync("/openapi/v1.json", Ct);

        var read = OpenApiDocument.Parse(json, "json");
        Assert.Empty(read.Diagnostic!.Errors);
        Assert.Equal(OpenApiSpecVersion.OpenApi3_1, read.Diagnostic.SpecificationVersion);
        Assert.Empty(read.Document!.Validate(ValidationRuleSet.GetDefaultRuleSet())!);
        var document = JsonNode.Parse(json)!;
        Assert.Equal("3.1.1", (string?)document["openapi"]);
        Assert.Equal("Achievements API", (string?)document["info"]!["title"]);
        Assert.Equal("v1", (string?)document["info"]!["version"]);
        var description = (string?)document["info"]!["description"];
        Assert.Contains("never for token volume", description);
        Assert.Contains("Authorization: Bearer", description);
        Assert.Contains("docs/api.md", description);
    }

    [Fact]
    public async Task Without_a_provider_the_document_declares_the_API_key_bearer_alone()
    {
        await using var app = new AchievementsApp();
        var document = await DocumentAsync(app);

        var schemes = document["components"]!["securitySchemes"]!.AsObject();
        Assert.Equal(["apiKey"], schemes.Select(scheme => scheme.Key));
        Assert.Equal("http", (string?)schemes["apiKey"]!["type"]);
        Assert.Equal("bearer", (string?)schemes["apiKey"]!["scheme"]);
        Assert.Equal("ach_{id}_{secret}", (string?)schemes["apiKey"]!["bearerFormat"]);
        Assert.DoesNotContain(
            Operations(document).Values.SelectMany(operation => operation["security"]?.AsArray() ?? []),
            requirement => requirement!.AsObject().ContainsKey("oidc"));
    }

    [Fact]
    public async Task With_a_provider_the_document_declares_its_discovery_without_asking_it()
    {
        // Nothing listens on port 9 (discard): the document is written from configuration alone.
        await using var app = new ProviderApp("http://127.0.0.1:9/realms/company/");
        var document = await DocumentAsync(app);

        var oidc = document["components"]!["securitySchemes"]!["oidc"]!;
        Assert.Equal("openIdConnect", (string?)oidc["type"]);
        Assert.Equal("http://127.0.0.1:9/realms/company/.well-known/openid-configuration", (string?)oidc["openIdConnectUrl"]);
    }

    [Fact]
    public async Task Each_operation_needs_the_roles_the_authorization_matrix_lets_through_and_anonymous_ones_need_nothing()
    {
        await using var app = new AchievementsApp();
        var operations = Operations(await DocumentAsync(app));

        var wrong = new List<string>();
        var undescribed = new List<string>();
        foreach (var (method, route, expected) in AuthorizationMatrixTests.Matrix)
        {
            if (!operations.TryGetValue($"{method} {PathOf(route)}", out var operation))
            {
                undescribed.Add($"{method} {route}");
                continue;
            }

            var security = operation["security"]?.AsArray();
            var roles = ExpectedRoles(route, expected);
            if (roles is null)
            {
                if (security is not null || operation["x-achievements-roles"] is not null)
                {
                    wrong.Add($"{method} {route} is anonymous but declares {security?.ToJsonString()}");
                }

                continue;
            }

            // Without a provider, the one alternative is the API key, and its role names are the roles.
            var declared = security is [JsonObject { Count: 1 } requirement] && requirement["apiKey"] is JsonArray names
                ? names.Select(name => (string)name!).Order(StringComparer.Ordinal).ToList()
                : null;
            var extension = operation["x-achievements-roles"]?.AsArray().Select(name => (string)name!).Order(StringComparer.Ordinal).ToList();
            if (declared is null || !declared.SequenceEqual(roles) || extension is null || !extension.SequenceEqual(roles))
            {
                wrong.Add($"{method} {route}: expected apiKey with [{string.Join(", ", roles)}], got {security?.ToJsonString() ?? "no security"} and {operation["x-achievements-roles"]?.ToJsonString() ?? "no roles"}");
            }
        }

        Assert.True(wrong.Count == 0, string.Join(Environment.NewLine, wrong));
        // Health and the document itself are the only rows the document leaves out, and every operation it describes is a row.
        Assert.Equal(["GET /health", "GET /health/live", "GET /health/ready", "GET /openapi/{documentName}.json"], undescribed);
        var rows = AuthorizationMatrixTests.Matrix.Select(row => $"{row.Method} {PathOf(row.Route)}").ToHashSet();
        Assert.All(operations.Keys, key => Assert.Contains(key, rows));
    }

    [Fact]
    public async Task With_a_provider_a_sign_in_is_the_alternative_wherever_an_admin_or_an_employee_may_call()
    {
        await using var app = new ProviderApp("http://127.0.0.1:9/");
        var operations = Operations(await DocumentAsync(app));

        string Alternatives(string key) => string.Join(" | ", operations[key]["security"]!.AsArray().Select(requirement => requirement!.ToJsonString()));
        Assert.Equal("""{"apiKey":["admin"]} | {"oidc":[]}""", Alternatives("POST /api/v1/keys"));
        Assert.Equal("""{"apiKey":["admin","employee"]} | {"oidc":[]}""", Alternatives("GET /api/v1/employees/{id}/progress"));
        // A sign-in is never a source or a scim caller.
        Assert.Equal("""{"apiKey":["source"]}""", Alternatives("POST /api/v1/events"));
        Assert.Equal("""{"apiKey":["scim"]}""", Alternatives("GET /scim/v2/Users"));
        Assert.Null(operations["GET /api/v1/badges"]["security"]);
    }

    [Fact]
    public async Task The_private_reads_say_that_only_the_employee_themselves_or_an_admin_may_call_them()
    {
        await using var app = new AchievementsApp();
        var operations = Operations(await DocumentAsync(app));

        foreach (var key in new[] { "GET /api/v1/employees/{id}/progress", "GET /api/v1/employees/{id}/outcomes", "GET /api/v1/employees/{id}/badges/{key}" })
        {
            Assert.Contains("the employee whom `{id}` names", (string?)operations[key]["description"]);
        }

        Assert.Equal("Needs a key with the role admin.", (string?)operations["POST /api/v1/keys"]["description"]);
    }

    /// <summary>
    /// The roles the matrix lets through; SCIM, which no column calls with, is the scim role's alone (ScimTests); GitHub's webhook
    /// needs no bearer (its deliveries are signed), so it is anonymous to the document, as to the authorization middleware.
    /// </summary>
    private static List<string>? ExpectedRoles(string route, string[] expected)
    {
        if (expected[0] != AuthorizationMatrixTests.U || route == "/api/v1/webhooks/github")
        {
            return null;
        }

        return route.StartsWith("/scim/", StringComparison.Ordinal)
            ? ["scim"]
            : [.. Enumerable.Range(1, expected.Length - 1).Where(column => expected[column] == AuthorizationMatrixTests.A).Select(column => ColumnRoles[column]).Distinct().Order(StringComparer.Ordinal)];
    }

    private static async Task<JsonNode> DocumentAsync(AchievementsApp app) =>
        JsonNode.Parse(await app.Anonymous().GetStringAsync("/openapi/v1.json", Ct))!;

    private static Dictionary<string, JsonObject> Operations(JsonNode document) =>
        document["paths"]!.AsObject()
            .SelectMany(path => path.Value!.AsObject().Select(operation => (Key: $"{operation.Key.ToUpperInvariant()} {PathOf(path.Key)}", Operation: operation.Value!.AsObject())))
            .ToDictionary(pair => pair.Key, pair => pair.Operation);

    /// <summary>A route as the document writes its path: without constraints or a trailing slash.</summary>
    private static string PathOf(string route) => Constraint().Replace(route.Length > 1 ? route.TrimEnd('/') : route, "}");

    [GeneratedRegex(":[^}]+}")]
    private static partial Regex Constraint();

    private sealed class ProviderApp(string authority) : AchievementsApp
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("Achievements:Oidc:Authority", authority);
            builder.UseSetting("Achievements:Oidc:Audience", "achievements");
            builder.UseSetting("Achievements:Oidc:RequireHttpsMetadata", "false");
        }
    }
}
