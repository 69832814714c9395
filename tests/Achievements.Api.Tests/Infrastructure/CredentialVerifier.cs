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
/// <remarks>
/// A test class's fixture (<c>IClassFixture</c>): one Node process for the class, which loads its libraries once and
/// then answers one request a line, in turn.
/// </remarks>
public sealed class CredentialVerifier : IAsyncLifetime
{
    private readonly SemaphoreSlim _turn = new(1, 1);
    private readonly System.Text.StringBuilder _errors = new();
    private Process? _node;

    public ValueTask InitializeAsync()
    {
        var folder = NodePackages.Folder("credential-verifier", "verify.mjs", "@digitalbazaar/vc");
        _node = Process.Start(new ProcessStartInfo("node", [Path.Combine(folder, "verify.mjs")])
        {
            WorkingDirectory = folder,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        }) ?? throw new InvalidOperationException("node did not start.");
        // Read as it comes, so that a chatty stderr never fills its pipe and stalls the verifier.
        _node.ErrorDataReceived += (_, e) =>
        {
            lock (_errors)
            {
                _errors.AppendLine(e.Data);
            }
        };
        _node.BeginErrorReadLine();
        return ValueTask.CompletedTask;
    }

    /// <summary>The verdict: <c>verified</c>, <c>kid</c>, the <c>credential</c> payload, <c>status</c> entries, or an <c>error</c>.</summary>
    public async Task<JsonElement> VerifyAsync(string credential, JsonNode jwks, IReadOnlyDictionary<string, string> statusLists, DateTimeOffset now)
    {
        var node = _node ?? throw new InvalidOperationException("The verifier has not started.");
        var input = new JsonObject
        {
            ["credential"] = credential,
            ["jwks"] = jwks.DeepClone(),
            ["statusLists"] = new JsonObject([.. statusLists.Select(list => KeyValuePair.Create(list.Key, (JsonNode?)list.Value))]),
            ["now"] = now.ToString("O"),
        };
        await _turn.WaitAsync();
        try
        {
            await node.StandardInput.WriteLineAsync(input.ToJsonString());
            await node.StandardInput.FlushAsync();
            var verdict = await node.StandardOutput.ReadLineAsync();
            if (verdict is null)
            {
                await node.WaitForExitAsync();
                lock (_errors)
                {
                    Assert.Fail($"verify.mjs exited {node.ExitCode}: {_errors}");
                }
            }


            return JsonSerializer.Deserialize<JsonElement>(verdict);
        }
        finally
        {
            _turn.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_node is not null)
        {
            // The end of its input ends it; a verifier that does not end is killed.
            _node.StandardInput.Close();
            using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                await _node.WaitForExitAsync(patience.Token);
            }
            catch (OperationCanceledException)
            {
                _node.Kill(entireProcessTree: true);
            }

            _node.Dispose();
        }

        _turn.Dispose();
    }
}
