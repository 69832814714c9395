using System.Text;
using System.Text.Json.Nodes;
using Achievements.Api.Tests.Infrastructure;

namespace Achievements.Api.Tests.Security;

/// <summary>One hostile request: the operation, who sends it, what was made hostile, and whether it carries a control character.</summary>
/// <param name="Operation">The method and route, as the authorization matrix names it.</param>
/// <param name="Caller">The column of <see cref="AuthorizationMatrixTests.Callers"/> that sends it, or the SCIM client.</param>
/// <param name="What">What was made hostile, for the failure's message.</param>
/// <param name="Build">A new request each time (a request is sent once).</param>
/// <param name="IsWrite">Anything but a GET: sent alone, between two counts of every table.</param>
/// <param name="ControlIn">The field holding a control character, which the service must not keep.</param>
/// <param name="Control">The control character's text as JSON escapes it, to find it echoed in what was kept.</param>
/// <param name="JudgedPerRecord">A batch whose records are judged one by one: success answers, and refuses the record.</param>
internal sealed record HostileRequest(string Operation, int Caller, string What, Func<HttpRequestMessage> Build, bool IsWrite, string? ControlIn = null, string? Control = null, bool JudgedPerRecord = false);

/// <summary>
/// Writes the hostile requests for every operation of the service's own OpenAPI document: each string, number and array
/// of each body, each path and query parameter, made hostile one at a time in an otherwise sensible request.
/// </summary>
internal static class HostileRequests
{
    /// <summary>Hostile strings as JSON string contents (escapes as sent), and whether each is a control character the service must refuse.</summary>
    public static readonly (string Json, bool Control)[] Strings =
    [
        ("a\\u0000b", true),
        ("a\\u0001b", true),
        ("a\\u001bb", true),
        ("a\\ud800b", false),
        ("a\\udfffb", false),
        ("\\u202eevil", false),
        (new string('x', 1024 * 1024), false),
        ("'; DROP TABLE events; --", false),
        ("<script>alert(1)</script>", false),
        // Nesting for the rule parser, where a string is a rule.
        (new string('(', 5_000), false),
    ];

    /// <summary>Bodies that are not the object an operation takes: nothing, not JSON, another kind of value, numbers JSON has not.</summary>
    public static readonly string[] NotTheBody = ["", "{\"a\":", "[]", "null", "42", "\"just a string\"", "{\"a\":NaN}", "{\"a\":Infinity}"];

    /// <summary>What a number or an array is replaced with: values beyond a double, wrong types, nulls in arrays.</summary>
    public static readonly string[] Numbers = ["1e400", "-1e400", "123456789012345678901234567890", "\"12\"", "{}", "[]", "null"];

    public static readonly string[] Arrays = ["[null]", "[null, null]", "{}", "\"x\"", "[[[]]]", "[1e400]"];

    /// <summary>Path and query values as they go in a URL: NUL and other controls, a lone surrogate's bytes, bidi, a long value, numbers too big.</summary>
    public static readonly (string Escaped, string? Control)[] UrlValues =
    [
        ("a%00b", "a\\u0000b"),
        ("a%01b", "a\\u0001b"),
        ("a%1Bb", "a\\u001bb"),
        ("a%ED%A0%80b", null),
        ("a%FF%FEb", null),
        ("%E2%80%AEevil", null),
        (new string('x', 8 * 1024), null),
        ("1e400", null),
        ("99999999999999999999999", null),
    ];

    /// <summary>A request each body operation takes, so that the one hostile value is what it is judged on.</summary>
    public static readonly Dictionary<string, string> Bodies = new(StringComparer.Ordinal)
    {
        ["POST /api/v1/keys"] = """{"role":"viewer","subject":"someone"}""",
        ["PUT /api/v1/employees/{id}"] = """{"displayName":"Ada","team":"core","isBot":false,"identities":[{"provider":"email","id":"ada@example.com","login":"ada"}]}""",
        ["PUT /api/v1/employees/{id}/directory"] = """{"listed":true}""",
        ["POST /api/v1/signals"] = """{"type":"deploy.succeeded","kind":"outcome","description":"A deployment.","attributes":{"service":"string","minutes":"number"},"optional":["minutes"],"signed":[]}""",
        ["PUT /api/v1/signals/{type}"] = """{"description":"A merge.","dailyCap":5,"qualify":[],"authoritativeSources":["github"]}""",
        ["PATCH /api/v1/signals/{type}"] = """{"description":"A merge.","dailyCap":5}""",
        ["POST /api/v1/events"] = """{"events":[{"id":"e1","type":"pr.merged","actor":"ada","occurredAt":"2026-06-01T11:00:00Z","attributes":{"pr_id":"r#1","repo":"r","lines_added":10,"lines_deleted":1,"merged_by":"bob","reviewers":["bob"]}}]}""",
        ["POST /api/v1/rules/validate"] = """{"metric":"count(pr.merged, 365d)","requires":["count(pr.merged) >= 1"]}""",
        ["PUT /api/v1/integrations/github"] = """{"webhookSecret":"a-webhook-secret-of-some-length","autoCreateEmployees":false}""",
        ["POST /api/v1/badges"] = """{"key":"hostile","name":"Hostile","description":"d","icon":"H","metric":"count(pr.merged, 365d)","requires":["count(pr.merged) >= 1"],"tiers":[{"name":"bronze","threshold":1},{"name":"silver","threshold":5}],"expiresAfter":"365d"}""",
        ["PUT /api/v1/badges/{key}"] = """{"name":"Merge Master","description":"d","icon":"M","metric":"count(pr.merged, 365d)","requires":[],"tiers":[{"name":"bronze","threshold":1},{"name":"silver","threshold":5}]}""",
        ["POST /api/v1/badges/preview"] = """{"key":"preview","name":"Preview","description":"d","icon":"P","metric":"count(pr.merged, 365d)","requires":[],"tiers":[{"name":"bronze","threshold":1}]}""",
        ["PUT /api/v1/employees/{id}/badges/{key}/visibility"] = """{"visible":false}""",
        ["POST /api/v1/employees/{id}/badges/{key}/revoke"] = """{"reason":"a reason"}""",
        ["POST /api/v1/flags/{id}/dismiss"] = """{"note":"a note"}""",
        ["POST /api/v1/flags/{id}/confirm"] = """{"note":"a note"}""",
        ["POST /api/v1/webhooks"] = """{"url":"https://hooks.example.com/x","events":["award.granted"],"format":"standard"}""",
        ["POST /scim/v2/Users"] = """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"grace@example.com","externalId":"00u2","name":{"formatted":"Grace Hopper","givenName":"Grace","familyName":"Hopper"},"displayName":"Grace Hopper","active":true,"emails":[{"value":"grace@example.com","type":"work","primary":true}],"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":"Navy"}}""",
        ["PUT /scim/v2/Users/{id}"] = """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"grace@example.com","name":{"formatted":"Grace Hopper"},"displayName":"Grace B. Hopper","active":true,"emails":[{"value":"grace@example.com","primary":true}]}""",
        ["PATCH /scim/v2/Users/{id}"] = """{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"displayName","value":"Grace H"}]}""",
    };

    /// <summary>A path parameter's ordinary value, by name and type.</summary>
    public static string PathValue(string route, string name, bool integer) => integer ? "1"
        : name switch
        {
            "key" => "merge-master",
            "type" => "pr.merged",
            "documentName" => "v1",
            _ when route.StartsWith("/api/v1/keys", StringComparison.Ordinal) => "0000000000000000",
            // The user POST /scim/v2/Users created: a SCIM client sees only the people it provisioned.
            _ when route.StartsWith("/scim/", StringComparison.Ordinal) => "grace",
            _ => "ada",
        };

    public static string MediaType(string method, string route) =>
        route.StartsWith("/scim/", StringComparison.Ordinal) ? "application/scim+json" : method == "PATCH" ? "application/merge-patch+json" : "application/json";

    /// <summary>Every leaf of a JSON document with its path: strings, numbers and arrays, each to be made hostile alone.</summary>
    public static IEnumerable<(string Path, JsonNode Node)> Leaves(JsonNode node, string path = "")
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (name, child) in obj)
                {
                    if (child is not null)
                    {
                        foreach (var leaf in Leaves(child, path.Length == 0 ? name : $"{path}.{name}"))
                        {
                            yield return leaf;
                        }
                    }
                }

                break;
            case JsonArray array:
                yield return (path, array);
                for (var i = 0; i < array.Count; i++)
                {
                    if (array[i] is { } item)
                    {
                        foreach (var leaf in Leaves(item, $"{path}[{i}]"))
                        {
                            yield return leaf;
                        }
                    }
                }

                break;
            default:
                yield return (path, node);
                break;
        }
    }

    /// <summary>The body with the leaf at <paramref name="path"/> replaced by raw JSON text (which a JsonNode cannot hold: a lone surrogate's escape).</summary>
    public static string Replace(string body, string path, string rawJson)
    {
        const string Marker = "\"@@hostile@@\"";
        var document = JsonNode.Parse(body)!;
        var target = Leaves(document).First(leaf => leaf.Path == path).Node;
        var placeholder = JsonValue.Create("@@hostile@@");
        switch (target.Parent)
        {
            case JsonObject parent:
                parent[target.GetPropertyName()] = placeholder;
                break;
            case JsonArray parent:
                parent[target.GetElementIndex()] = placeholder;
                break;
            default:
                return rawJson;
        }

        return document.ToJsonString().Replace(Marker, rawJson, StringComparison.Ordinal);
    }

    public static HttpRequestMessage Json(string method, string url, string body, string mediaType) =>
        new(new HttpMethod(method), url) { Content = new StringContent(body, Encoding.UTF8, mediaType) };

    public static HttpRequestMessage Bytes(string method, string url, byte[] body, string mediaType)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(mediaType);
        return request;
    }

    /// <summary>Replaces a same-length ASCII placeholder's bytes: how bytes that are not UTF-8 get into an encoded body.</summary>
    public static byte[] Patch(byte[] body, string placeholder, byte[] bytes)
    {
        var from = Encoding.ASCII.GetBytes(placeholder);
        var result = body.ToArray();
        for (var at = result.AsSpan().IndexOf(from); at >= 0; at = result.AsSpan().IndexOf(from))
        {
            bytes.CopyTo(result, at);
        }

        return result;
    }

    /// <summary>Five bytes that are no UTF-8: two invalid bytes, then a surrogate's encoding.</summary>
    public static readonly byte[] NotUtf8 = [0xFF, 0xFE, 0xED, 0xA0, 0x80];

    public static string Github(string placeholderAction, string login, string repo, string at)
    {
        var merge = GithubDeliveries.Merge("octo/web", 7, 7007, GithubDeliveries.User("ada", 1), GithubDeliveries.User("bob", 2), AchievementsApp.Start.AddHours(-1));
        merge["action"] = placeholderAction;
        merge["pull_request"]!["user"]!["login"] = login;
        merge["pull_request"]!["base"]!["repo"]!["full_name"] = repo;
        merge["pull_request"]!["merged_at"] = at;
        return merge.ToJsonString();
    }
}
