using System.Net;
using System.Text;
using Achievements.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Achievements.Api.Tests.Security;

/// <summary>
/// Every endpoint the app maps × every kind of caller → what they get. The table is checked against the
/// endpoints the app actually maps, so a new endpoint without a row fails here.
/// </summary>
public sealed class AuthorizationMatrixTests
{
    internal const string A = "allowed"; // anything but 401 and 403: the request reached the handler
    internal const string U = "401";
    private const string F = "403";

    internal static readonly string[] Callers = ["anonymous", "viewer", "employee (self)", "employee (other)", "source", "admin"];

    // method, route → anonymous, viewer, employee (self), employee (other), source, admin; the OpenAPI document's
    // security requirements are checked against it too (OpenApiDocumentTests).
    internal static readonly (string Method, string Route, string[] Expected)[] Matrix =
    [
        ("GET", "/health", [A, A, A, A, A, A]),
        ("GET", "/health/live", [A, A, A, A, A, A]),
        ("GET", "/health/ready", [A, A, A, A, A, A]),
        ("GET", "/openapi/{documentName}.json", [A, A, A, A, A, A]),
        ("POST", "/api/v1/keys", [U, F, F, F, F, A]),
        ("GET", "/api/v1/keys", [U, F, F, F, F, A]),
        ("DELETE", "/api/v1/keys/{id}", [U, F, F, F, F, A]),
        ("PUT", "/api/v1/employees/{id}", [U, F, F, F, F, A]),
        ("GET", "/api/v1/employees/{id}", [U, A, A, A, A, A]),
        ("GET", "/api/v1/signals", [U, A, A, A, A, A]),
        ("POST", "/api/v1/signals", [U, F, F, F, F, A]),
        ("PUT", "/api/v1/signals/{type}", [U, F, F, F, F, A]),
        ("PATCH", "/api/v1/signals/{type}", [U, F, F, F, F, A]),
        ("GET", "/api/v1/reasons", [U, A, A, A, A, A]),
        ("POST", "/api/v1/events", [U, F, F, F, A, F]),
        ("PUT", "/api/v1/integrations/github", [U, F, F, F, F, A]),
        ("GET", "/api/v1/integrations/github", [U, F, F, F, F, A]),
        // No key opens the webhook: a delivery without GitHub's signature is a 401 whoever sends it.
        ("POST", "/api/v1/webhooks/github", [U, U, U, U, U, U]),
        ("POST", "/api/v1/webhooks", [U, F, F, F, F, A]),
        ("GET", "/api/v1/webhooks", [U, F, F, F, F, A]),
        ("DELETE", "/api/v1/webhooks/{id:long}", [U, F, F, F, F, A]),
        ("GET", "/api/v1/webhooks/{id:long}/deliveries", [U, F, F, F, F, A]),
        ("POST", "/v1/logs", [U, F, F, F, A, F]),
        ("POST", "/v1/metrics", [U, F, F, F, A, F]),
        ("GET", "/api/v1/identities/unmapped", [U, F, F, F, F, A]),
        ("GET", "/api/v1/sign-in", [A, A, A, A, A, A]),
        ("GET", "/api/v1/me", [U, A, A, A, A, A]),
        ("POST", "/api/v1/badges", [U, F, F, F, F, A]),
        ("PUT", "/api/v1/badges/{key}", [U, F, F, F, F, A]),
        ("POST", "/api/v1/badges/{key}/publish", [U, F, F, F, F, A]),
        ("POST", "/api/v1/badges/{key}/archive", [U, F, F, F, F, A]),
        ("POST", "/api/v1/badges/{key}/unarchive", [U, F, F, F, F, A]),
        ("GET", "/api/v1/badges/{key}/versions", [U, F, F, F, F, A]),
        ("POST", "/api/v1/badges/preview", [U, F, F, F, F, A]),
        ("POST", "/api/v1/badges/{key}/preview", [U, F, F, F, F, A]),
        ("GET", "/api/v1/badges", [A, A, A, A, A, A]),
        ("GET", "/api/v1/badges/{key}", [A, A, A, A, A, A]),
        ("GET", "/api/v1/badges/{key}/holders", [A, A, A, A, A, A]),
        ("POST", "/api/v1/rules/validate", [U, F, F, F, F, A]),
        ("GET", "/api/v1/employees/{id}/badges", [A, A, A, A, A, A]),
        ("GET", "/api/v1/employees/{id}/badges.svg", [A, A, A, A, A, A]),
        ("GET", "/api/v1/employees/{id}/progress", [U, F, A, F, F, A]),
        ("GET", "/api/v1/employees/{id}/badges/{key}", [U, F, A, F, F, A]),
        ("GET", "/api/v1/employees/{id}/outcomes", [U, F, A, F, F, A]),
        ("POST", "/api/v1/employees/{id}/badges/{key}/revoke", [U, F, F, F, F, A]),
        ("POST", "/api/v1/employees/{id}/badges/{key}/restore", [U, F, F, F, F, A]),
        ("PUT", "/api/v1/employees/{id}/badges/{key}/visibility", [U, F, A, F, F, A]),
        ("PUT", "/api/v1/employees/{id}/directory", [U, F, A, F, F, A]),
        ("GET", "/api/v1/employees/{id}/badges/{key}/credential", [U, F, A, F, F, A]),
        // What a verifier fetches is public: the issuer, its keys and the status lists.
        ("GET", "/api/v1/issuer", [A, A, A, A, A, A]),
        ("GET", "/.well-known/jwks.json", [A, A, A, A, A, A]),
        ("GET", "/api/v1/status-lists/{list:long}", [A, A, A, A, A, A]),
        ("POST", "/api/v1/issuer/keys", [U, F, F, F, F, A]),
        ("POST", "/api/v1/evaluations", [U, F, F, F, F, A]),
        ("GET", "/api/v1/audit", [U, F, F, F, F, A]),
        ("GET", "/api/v1/insights/cost", [U, F, F, F, F, A]),
        ("POST", "/api/v1/detections", [U, F, F, F, F, A]),
        ("GET", "/api/v1/flags", [U, F, F, F, F, A]),
        ("POST", "/api/v1/flags/{id:long}/dismiss", [U, F, F, F, F, A]),
        ("POST", "/api/v1/flags/{id:long}/confirm", [U, F, F, F, F, A]),
        // Only a scim key opens SCIM, not even an admin's (ScimTests).
        ("POST", "/scim/v2/Users", [U, F, F, F, F, F]),
        ("GET", "/scim/v2/Users", [U, F, F, F, F, F]),
        ("GET", "/scim/v2/Users/{id}", [U, F, F, F, F, F]),
        ("PUT", "/scim/v2/Users/{id}", [U, F, F, F, F, F]),
        ("PATCH", "/scim/v2/Users/{id}", [U, F, F, F, F, F]),
        ("DELETE", "/scim/v2/Users/{id}", [U, F, F, F, F, F]),
        ("GET", "/scim/v2/ServiceProviderConfig", [U, F, F, F, F, F]),
        ("GET", "/scim/v2/ResourceTypes", [U, F, F, F, F, F]),
    ];

    [Fact]
    public async Task Every_mapped_endpoint_has_a_row_and_every_row_an_endpoint()
    {
        await using var app = new AchievementsApp();
        app.CreateClient();
        var mapped = app.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Where(e => !IsPage(e.RoutePattern.RawText!))
            // The health check answers any method; GET is the one that matters.
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"]).Select(m => $"{m} {Normalise(e.RoutePattern.RawText!)}"))
            .Order(StringComparer.Ordinal)
            .ToList();
        var rows = Matrix.Select(r => $"{r.Method} {r.Route}").Order(StringComparer.Ordinal).ToList();

        Assert.True(rows.SequenceEqual(mapped), $"Endpoints without a row: {string.Join(", ", mapped.Except(rows))}; rows without an endpoint: {string.Join(", ", rows.Except(mapped))}");
    }

    [Fact]
    public async Task Each_caller_gets_what_the_matrix_says()
    {
        await using var app = new AchievementsApp();
        await app.PutEmployeeAsync("ada", "Ada");
        await app.PutEmployeeAsync("bob", "Bob");
        var clients = new[]
        {
            app.Anonymous(),
            await app.ClientFor("viewer"),
            await app.ClientFor("employee", "ada"),
            await app.ClientFor("employee", "bob"),
            await app.Source(),
            app.Admin(),
        };

        var wrong = new List<string>();
        foreach (var (method, route, expected) in Matrix)
        {
            for (var caller = 0; caller < Callers.Length; caller++)
            {
                var request = new HttpRequestMessage(new HttpMethod(method), Concrete(route));
                if (method is "POST" or "PUT" or "PATCH")
                {
                    request.Content = new StringContent("{}", Encoding.UTF8, method == "PATCH" ? "application/merge-patch+json" : "application/json");
                }

                var status = (await clients[caller].SendAsync(request, TestContext.Current.CancellationToken)).StatusCode;
                var got = status switch
                {
                    HttpStatusCode.Unauthorized => U,
                    HttpStatusCode.Forbidden => F,
                    _ => A,
                };
                if (got != expected[caller])
                {
                    wrong.Add($"{method} {route} as {Callers[caller]}: expected {expected[caller]}, got {(int)status}");
                }
            }
        }

        Assert.True(wrong.Count == 0, string.Join(Environment.NewLine, wrong));
    }

    /// <summary>The pages serve static HTML to everyone and are covered by the browser tests.</summary>
    private static bool IsPage(string route) => !route.StartsWith("/api/", StringComparison.Ordinal) && !route.StartsWith("/v1/", StringComparison.Ordinal) && !route.StartsWith("/scim/", StringComparison.Ordinal) && !route.StartsWith("/.well-known/", StringComparison.Ordinal) && route is not ("/health" or "/health/live" or "/health/ready" or "/openapi/{documentName}.json");

    private static string Normalise(string route) => route.Length > 1 ? route.TrimEnd('/') : route;

    private static string Concrete(string route) => route
        .Replace("{documentName}", "v1", StringComparison.Ordinal)
        .Replace("{id:long}", "1", StringComparison.Ordinal)
        .Replace("{list:long}", "0", StringComparison.Ordinal)
        .Replace("/keys/{id}", "/keys/0000000000000000", StringComparison.Ordinal)
        .Replace("{id}", "ada", StringComparison.Ordinal)
        .Replace("{key}", "merge-master", StringComparison.Ordinal)
        .Replace("{type}", "pr.merged", StringComparison.Ordinal);
}
