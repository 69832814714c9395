using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Achievements.Api.Tests.Infrastructure;

/// <summary>
/// A real OpenID Connect provider on loopback: the OpenID Certified <c>oidc-provider</c> npm package run by the machine's
/// Node (tests/oidc-provider/provider.mjs), installed from its lock file on first use. Any login signs in with any
/// password; <c>alice</c> is alice@example.test, and a login starting with <c>admin</c> is in <c>achievements-admins</c>.
/// </summary>
public sealed partial class OidcProvider : IAsyncDisposable
{
    public const string Audience = "https://achievements.test/api";
    public const string ClientId = "achievements-pages";
    public const string AdminGroup = "achievements-admins";

    /// <summary>Where the API tests' code flow "returns": never fetched, only read from the provider's redirect.</summary>
    public const string TestRedirect = "http://127.0.0.1:9/callback";

    private readonly int _port;
    private readonly string _keysFile;
    private readonly string _redirects;
    private readonly int _accessTtl;
    private Process _process;

    private OidcProvider(int port, string keysFile, string redirects, int accessTtl, Process process)
    {
        _port = port;
        _keysFile = keysFile;
        _redirects = redirects;
        _accessTtl = accessTtl;
        _process = process;
    }

    public string Issuer => $"http://127.0.0.1:{_port}";

    /// <summary>Starts a provider with new signing keys, or with <paramref name="sameKeysAs"/>'s keys (another issuer signing with them).</summary>
    public static async Task<OidcProvider> StartAsync(IEnumerable<string>? redirects = null, OidcProvider? sameKeysAs = null, int accessTtlSeconds = 3600)
    {
        var port = FreePort();
        var keysFile = Path.Combine(Path.GetTempPath(), $"achievements-oidc-keys-{Guid.NewGuid():N}.json");
        if (sameKeysAs is not null)
        {
            File.Copy(sameKeysAs._keysFile, keysFile);
        }

        var redirectList = string.Join(',', (redirects ?? []).Append(TestRedirect));
        return new OidcProvider(port, keysFile, redirectList, accessTtlSeconds, await LaunchAsync(port, keysFile, redirectList, accessTtlSeconds));
    }

    /// <summary>
    /// Restarts on the same port and issuer with a new signing key in place of the old ones, as a provider that rotates
    /// its key and retires the old one: tokens signed before no longer verify. Sessions are forgotten.
    /// </summary>
    public async Task RotateKeysAsync()
    {
        await StopAsync();
        File.Delete(_keysFile);
        _process = await LaunchAsync(_port, _keysFile, _redirects, _accessTtl);
    }

    /// <summary>
    /// Signs <paramref name="login"/> in through the authorization-code flow with PKCE as the pages' public client does, following
    /// the provider's own login and consent pages as a browser would, and redeems the code. <paramref name="resource"/> asks
    /// for an access token for another audience (RFC 8707).
    /// </summary>
    public async Task<SignInTokens> SignInAsync(string login, string? resource = null)
    {
        var verifier = Base64Url(RandomNumberGenerator.GetBytes(32));
        var challenge = Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
        var state = Base64Url(RandomNumberGenerator.GetBytes(16));
        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() });
        var query = new Dictionary<string, string>
        {
            ["client_id"] = ClientId,
            ["response_type"] = "code",
            ["redirect_uri"] = TestRedirect,
            ["scope"] = "openid email profile",
            ["code_challenge"] = challenge,
            ["code_challenge_method"] = "S256",
            ["state"] = state,
            ["nonce"] = Base64Url(RandomNumberGenerator.GetBytes(16)),
        };
        if (resource is not null)
        {
            query["resource"] = resource;
        }

        var next = new Uri($"{Issuer}/auth?{string.Join('&', query.Select(p => $"{p.Key}={Uri.EscapeDataString(p.Value)}"))}");
        for (var step = 0; step < 12; step++)
        {
            using var response = await browser.GetAsync(next);
            var page = await response.Content.ReadAsStringAsync();
            if (response.Headers.Location is { } location)
            {
                next = new Uri(next, location);
                if (next.AbsoluteUri.StartsWith(TestRedirect, StringComparison.Ordinal))
                {
                    var returned = System.Web.HttpUtility.ParseQueryString(next.Query);
                    Assert.Equal(state, returned["state"]);
                    return await RedeemAsync(returned["code"] ?? throw new InvalidOperationException($"The provider returned no code: {next}"), verifier, resource);
                }

                continue;
            }

            // The provider's login or consent page: answer it as a person would.
            var action = FormAction().Match(page);
            var prompt = FormPrompt().Match(page);
            if (!action.Success || !prompt.Success)
            {
                throw new InvalidOperationException($"Unexpected page from the provider ({(int)response.StatusCode}): {page[..Math.Min(400, page.Length)]}");
            }

            var fields = new Dictionary<string, string> { ["prompt"] = prompt.Groups[1].Value };
            if (fields["prompt"] == "login")
            {
                fields["login"] = login;
                fields["password"] = "any password";
            }

            using var answer = await browser.PostAsync(new Uri(next, WebUtility.HtmlDecode(action.Groups[1].Value)), new FormUrlEncodedContent(fields));
            next = new Uri(next, answer.Headers.Location ?? throw new InvalidOperationException($"The provider did not redirect after {fields["prompt"]}: {(int)answer.StatusCode}"));
        }

        throw new InvalidOperationException("The code flow did not finish in 12 steps.");
    }

    private async Task<SignInTokens> RedeemAsync(string code, string verifier, string? resource)
    {
        using var client = new HttpClient();
        var form = new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["code"] = code,
            ["redirect_uri"] = TestRedirect,
            ["client_id"] = ClientId,
            ["code_verifier"] = verifier,
        };
        if (resource is not null)
        {
            form["resource"] = resource;
        }

        using var response = await client.PostAsync($"{Issuer}/token", new FormUrlEncodedContent(form));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"The token endpoint answered {(int)response.StatusCode}: {body}");
        using var json = JsonDocument.Parse(body);
        return new SignInTokens(json.RootElement.GetProperty("access_token").GetString()!, json.RootElement.GetProperty("id_token").GetString()!);
    }

    /// <summary>Starts node on the provider script; a start that does not listen in time (two busy cores) is tried again.</summary>
    private static async Task<Process> LaunchAsync(int port, string keysFile, string redirects, int accessTtl)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await LaunchOnceAsync(port, keysFile, redirects, accessTtl);
            }
            catch (InvalidOperationException) when (attempt < 3)
            {
                await Task.Delay(500);
            }
        }
    }

    private static async Task<Process> LaunchOnceAsync(int port, string keysFile, string redirects, int accessTtl)
    {
        var start = new ProcessStartInfo("node", [Path.Combine(Folder(), "provider.mjs")])
        {
            WorkingDirectory = Folder(),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["AUDIENCE"] = Audience;
        start.Environment["CLIENT_ID"] = ClientId;
        start.Environment["KEYS_FILE"] = keysFile;
        start.Environment["REDIRECTS"] = redirects;
        start.Environment["ACCESS_TTL"] = accessTtl.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var process = Process.Start(start) ?? throw new InvalidOperationException("node did not start.");
        var listening = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) =>
        {
            lock (output)
            {
                output.AppendLine(e.Data);
            }

            if (e.Data?.StartsWith("listening ", StringComparison.Ordinal) == true)
            {
                listening.TrySetResult();
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            lock (output)
            {
                output.AppendLine(e.Data);
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var started = await Task.WhenAny(listening.Task, process.WaitForExitAsync(), Task.Delay(TimeSpan.FromSeconds(30)));
        if (started != listening.Task)
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }

            process.Dispose();
            lock (output)
            {
                throw new InvalidOperationException($"The OIDC provider did not start on port {port}: {output}");
            }
        }

        return process;
    }

    private async Task StopAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        File.Delete(_keysFile);
    }

    private static string Folder() => NodePackages.Folder("oidc-provider", "provider.mjs", "oidc-provider");

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    [GeneratedRegex("<form[^>]*action=\"([^\"]+)\"")]
    private static partial Regex FormAction();

    [GeneratedRegex("name=\"prompt\" value=\"([a-z]+)\"")]
    private static partial Regex FormPrompt();
}

/// <summary>What the provider's token endpoint returned: the access token the API reads, and the ID token.</summary>
public sealed record SignInTokens(string AccessToken, string IdToken);
