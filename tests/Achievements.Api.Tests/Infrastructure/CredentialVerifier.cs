using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Achievements.Api.Tests.Infrastructure;

/// <summary>
/// An independent verifier of the service's credentials: tests/credential-verifier/verify.mjs on the machine's Node,
/// with jose for the JWS, Digital Bazaar's vc and jsonld (safe mode) for the data model, and their Bitstring Status
/// List library for the status bit. The service runs in memory, so the test hands it the JWKS and the status lists
/// fetched from the service, as a verifier would fetch them.
/// </summary>
public static class CredentialVerifier
{
    /// <summary>The verdict: <c>verified</c>, <c>kid</c>, the <c>credential</c> payload, <c>status</c> entries, or an <c>error</c>.</summary>
    public static async Task<JsonElement> VerifyAsync(string credential, JsonNode jwks, IReadOnlyDictionary<string, string> statusLists, DateTimeOffset now)
    {
        var folder = NodePackages.Folder("credential-verifier", "verify.mjs", "@digitalbazaar/vc");
        using var node = Process.Start(new ProcessStartInfo("node", [Path.Combine(folder, "verify.mjs")])
        {
            WorkingDirectory = folder,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        }) ?? throw new InvalidOperationException("node did not start.");
        var input = new JsonObject
        {
            ["credential"] = credential,
            ["jwks"] = jwks.DeepClone(),
            ["statusLists"] = new JsonObject([.. statusLists.Select(list => KeyValuePair.Create(list.Key, (JsonNode?)list.Value))]),
            ["now"] = now.ToString("O"),
        };
        await node.StandardInput.WriteAsync(input.ToJsonString());
        node.StandardInput.Close();
        var output = node.StandardOutput.ReadToEndAsync();
        var errors = node.StandardError.ReadToEndAsync();
        await node.WaitForExitAsync();
        Assert.True(node.ExitCode == 0, $"verify.mjs exited {node.ExitCode}: {await errors}");
        return JsonSerializer.Deserialize<JsonElement>(await output);
    }
}
