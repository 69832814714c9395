using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Achievements.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;

namespace Achievements.Api.Tests.Features;

/// <summary>Open Badges 3.0 credentials, checked by an independent verifier (<see cref="CredentialVerifier"/>).</summary>
public sealed class CredentialsTests(CredentialVerifier verifier) : IClassFixture<CredentialVerifier>
{
    private const string PublicUrl = "https://achievements.test";
    private const string Credential = "/api/v1/employees/ada/badges/merge-master/credential";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>The service with a public address, and any other settings a test names.</summary>
    private sealed class CredentialsApp(params (string Key, string Value)[] settings) : AchievementsApp
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("Achievements:PublicUrl", PublicUrl);
            foreach (var (key, value) in settings)
            {
                builder.UseSetting(key, value);
            }
        }
    }

    private static async Task<CredentialsApp> WithBronzeAsync(params (string Key, string Value)[] settings)
    {
        var app = new CredentialsApp(settings);
        var response = await app.Admin().PutAsync("/api/v1/employees/ada", Problem.JsonBody(new
        {
            displayName = "Ada",
            identities = new[] { new { provider = "email", id = "Ada@Example.test" } },
        }), Ct);
        Assert.True(response.IsSuccessStatusCode);
        await new Personas(app).HonestDeveloper("ada", pullRequests: 12).SendAsync();
        await app.EvaluateAsync();
        Assert.Equal("bronze", await app.TierOfAsync("ada", "merge-master"));
        return app;
    }

    private static async Task<string> DownloadAsync(HttpClient client)
    {
        var response = await client.GetAsync(Credential, Ct);
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {body}");
        Assert.Equal("application/vc+jwt", response.Content.Headers.ContentType?.MediaType);
        return body;
    }

    /// <summary>What a verifier does: fetches the issuer's JWKS and the credential's status list, then verifies.</summary>
    private async Task<JsonElement> VerifyAsync(AchievementsApp app, string jwt)
    {
        var client = app.Anonymous();
        var jwks = await client.GetAsync("/.well-known/jwks.json", Ct);
        Assert.Equal("application/jwk-set+json", jwks.Content.Headers.ContentType?.MediaType);
        var lists = new Dictionary<string, string>();
        if (Payload(jwt)?["credentialStatus"]?["statusListCredential"]?.GetValue<string>() is { } url)
        {
            var list = await client.GetAsync(new Uri(url).PathAndQuery, Ct);
            Assert.Equal(HttpStatusCode.OK, list.StatusCode);
            Assert.Equal("application/vc+jwt", list.Content.Headers.ContentType?.MediaType);
            lists[url] = await list.Content.ReadAsStringAsync(Ct);
        }

        return await verifier.VerifyAsync(jwt, JsonNode.Parse(await jwks.Content.ReadAsStringAsync(Ct))!, lists, app.Clock.GetUtcNow());
    }

    private static JsonNode? Payload(string jwt)
    {
        var parts = jwt.Split('.');
        return parts.Length == 3 ? JsonNode.Parse(Microsoft.IdentityModel.Tokens.Base64UrlEncoder.DecodeBytes(parts[1])) : null;
    }

    private static JsonNode Header(string jwt) => JsonNode.Parse(Microsoft.IdentityModel.Tokens.Base64UrlEncoder.DecodeBytes(jwt.Split('.')[0]))!;

    private static void AssertVerified(JsonElement verdict) =>
        Assert.True(verdict.GetProperty("verified").GetBoolean(), verdict.ToString());

    [Fact]
    public async Task An_employee_downloads_a_credential_that_an_independent_verifier_accepts()
    {
        await using var app = await WithBronzeAsync();
        var jwt = await DownloadAsync(await app.ClientFor("employee", "ada"));

        var verdict = await VerifyAsync(app, jwt);
        AssertVerified(verdict);
        var header = Header(jwt);
        Assert.Equal("RS256", (string?)header["alg"]);
        Assert.Equal("vc+jwt", (string?)header["typ"]);
        Assert.Equal((string?)header["kid"], verdict.GetProperty("kid").GetString());
        Assert.False(verdict.GetProperty("status")[0].GetProperty("revoked").GetBoolean());

        var credential = verdict.GetProperty("credential");
        Assert.Equal($"{PublicUrl}/api/v1/issuer", credential.GetProperty("issuer").GetProperty("id").GetString());
        Assert.StartsWith("urn:uuid:", credential.GetProperty("id").GetString(), StringComparison.Ordinal);
        Assert.Equal(AchievementsApp.Start, credential.GetProperty("validFrom").GetDateTimeOffset());
        var identity = credential.GetProperty("credentialSubject").GetProperty("identifier")[0];
        Assert.Equal("Ada@Example.test", identity.GetProperty("identityHash").GetString());
        Assert.False(identity.GetProperty("hashed").GetBoolean());
        var achievement = credential.GetProperty("credentialSubject").GetProperty("achievement");
        Assert.Equal("Merge Master (bronze)", achievement.GetProperty("name").GetString());
        Assert.Contains("**bronze**", achievement.GetProperty("criteria").GetProperty("narrative").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("data:image/svg+xml;base64,", achievement.GetProperty("image").GetProperty("id").GetString(), StringComparison.Ordinal);

        // The issuer the credential names answers at its id.
        var issuer = await (await app.Anonymous().GetAsync(new Uri(credential.GetProperty("issuer").GetProperty("id").GetString()!).PathAndQuery, Ct)).JsonAsync();
        Assert.Equal($"{PublicUrl}/api/v1/issuer", issuer.GetProperty("id").GetString());
        Assert.Equal("Profile", issuer.GetProperty("type")[0].GetString());

        // An admin downloads the same credential: same id and status entry, signed again.
        var again = Payload(await DownloadAsync(app.Admin()))!;
        Assert.Equal(credential.GetProperty("id").GetString(), (string?)again["id"]);
        Assert.Equal(credential.GetProperty("credentialStatus").GetProperty("statusListIndex").GetString(), (string?)again["credentialStatus"]!["statusListIndex"]);
    }

    [Fact]
    public async Task A_tampered_credential_fails_verification()
    {
        await using var app = await WithBronzeAsync();
        var jwt = await DownloadAsync(app.Admin());
        var parts = jwt.Split('.');
        var payload = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(Microsoft.IdentityModel.Tokens.Base64UrlEncoder.DecodeBytes(parts[1])).Replace("bronze", "silver", StringComparison.Ordinal));
        var tampered = $"{parts[0]}.{Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Encode(payload)}.{parts[2]}";

        var verdict = await VerifyAsync(app, tampered);
        Assert.False(verdict.GetProperty("verified").GetBoolean());
        Assert.Contains("signature", verdict.GetProperty("error").GetString(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_revoked_award_credential_verifies_as_revoked_and_a_restore_needs_a_new_download()
    {
        await using var app = await WithBronzeAsync();
        var self = await app.ClientFor("employee", "ada");
        var before = await DownloadAsync(self);
        AssertVerified(await VerifyAsync(app, before));

        Assert.Equal(HttpStatusCode.NoContent, (await app.Admin().PostJsonAsync("/api/v1/employees/ada/badges/merge-master/revoke", new { reason = "Shared account" })).StatusCode);
        var revoked = await VerifyAsync(app, before);
        Assert.False(revoked.GetProperty("verified").GetBoolean());
        Assert.True(revoked.GetProperty("status")[0].GetProperty("revoked").GetBoolean(), revoked.ToString());
        await Problem.AssertAsync(await self.GetAsync(Credential, Ct), HttpStatusCode.NotFound);

        Assert.Equal(HttpStatusCode.NoContent, (await app.Admin().PostJsonAsync("/api/v1/employees/ada/badges/merge-master/restore", new { })).StatusCode);
        Assert.False((await VerifyAsync(app, before)).GetProperty("verified").GetBoolean());
        var after = await DownloadAsync(self);
        AssertVerified(await VerifyAsync(app, after));
        Assert.NotEqual((string?)Payload(before)!["id"], (string?)Payload(after)!["id"]);
        Assert.NotEqual((string?)Payload(before)!["credentialStatus"]!["statusListIndex"], (string?)Payload(after)!["credentialStatus"]!["statusListIndex"]);

        var audit = await app.Admin().GetStringAsync("/api/v1/audit", Ct);
        Assert.Contains("credential.issued", audit, StringComparison.Ordinal);
        Assert.Contains("credential.revoked", audit, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_downgrade_revokes_the_credential_of_the_tier_taken_back_and_the_tier_kept_downloads_anew()
    {
        await using var app = new CredentialsApp();
        await app.Admin().PutAsync("/api/v1/employees/ada", Problem.JsonBody(new { displayName = "Ada", identities = new[] { new { provider = "email", id = "ada@example.test" } } }), Ct);
        await app.Admin().PostJsonAsync("/api/v1/badges", new
        {
            key = "two-tier",
            name = "Two tier",
            icon = "2",
            metric = "count(pr.merged, 365d)",
            tiers = new[] { new { name = "bronze", threshold = 8 }, new { name = "silver", threshold = 10 } },
        });
        await (await app.Admin().PostJsonAsync("/api/v1/badges/two-tier/publish", new { })).JsonAsync();
        var events = new Personas(app);
        for (var i = 0; i < 10; i++)
        {
            events.PrMerged("ada", AchievementsApp.Start.AddDays(-20 - i), reviewers: [$"reviewer-{i % 3 + 1}", $"reviewer-{(i + 1) % 3 + 1}"], prId: $"ada-{i}");
        }

        var source = await events.SendAsync();
        await app.EvaluateAsync();
        const string TwoTier = "/api/v1/employees/ada/badges/two-tier/credential";
        var silver = await (await app.Admin().GetAsync(TwoTier, Ct)).Content.ReadAsStringAsync(Ct);
        Assert.Equal("Two tier (silver)", (string?)Payload(silver)!["name"]);

        await new Personas(app).PrReverted("ops", AchievementsApp.Start, "ada-1").SendAsync(source);
        await app.EvaluateAsync();
        Assert.Equal("bronze", await app.TierOfAsync("ada", "two-tier"));

        var verdict = await VerifyAsync(app, silver);
        Assert.True(verdict.GetProperty("status")[0].GetProperty("revoked").GetBoolean(), verdict.ToString());
        var bronze = await (await app.Admin().GetAsync(TwoTier, Ct)).Content.ReadAsStringAsync(Ct);
        Assert.Equal("Two tier (bronze)", (string?)Payload(bronze)!["name"]);
        AssertVerified(await VerifyAsync(app, bronze));
    }

    [Fact]
    public async Task An_expiring_award_gives_a_credential_valid_until_its_expiry_and_an_expired_one_gives_none()
    {
        await using var app = new CredentialsApp();
        await app.Admin().PutAsync("/api/v1/employees/ada", Problem.JsonBody(new { displayName = "Ada", identities = new[] { new { provider = "email", id = "ada@example.test" } } }), Ct);
        await app.Admin().PostJsonAsync("/api/v1/badges", new
        {
            key = "yearly",
            name = "Yearly",
            icon = "Y",
            metric = "count(pr.merged, 365d)",
            tiers = new[] { new { name = "bronze", threshold = 8 } },
            expiresAfter = "30d",
        });
        await (await app.Admin().PostJsonAsync("/api/v1/badges/yearly/publish", new { })).JsonAsync();
        await new Personas(app).HonestDeveloper("ada", pullRequests: 12).SendAsync();
        await app.EvaluateAsync();
        const string Yearly = "/api/v1/employees/ada/badges/yearly/credential";
        var jwt = await (await app.Admin().GetAsync(Yearly, Ct)).Content.ReadAsStringAsync(Ct);

        var payload = Payload(jwt)!;
        var validUntil = DateTimeOffset.Parse((string)payload["validUntil"]!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(DateTimeOffset.Parse((string)payload["validFrom"]!, System.Globalization.CultureInfo.InvariantCulture).AddDays(30), validUntil);
        Assert.Equal(validUntil.ToUnixTimeSeconds(), (long)payload["exp"]!);
        AssertVerified(await VerifyAsync(app, jwt));

        app.Clock.Advance(TimeSpan.FromDays(31));
        var expired = await VerifyAsync(app, jwt);
        Assert.False(expired.GetProperty("verified").GetBoolean());
        Assert.Contains("validUntil", expired.GetProperty("error").GetString(), StringComparison.Ordinal);
        await app.EvaluateAsync();
        await Problem.AssertAsync(await app.Admin().GetAsync(Yearly, Ct), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_rotated_key_signs_new_credentials_and_old_ones_keep_verifying()
    {
        await using var app = await WithBronzeAsync();
        var old = await DownloadAsync(app.Admin());
        var oldKid = (string?)Header(old)["kid"];

        var rotated = await app.Admin().PostAsync("/api/v1/issuer/keys", null, Ct);
        var newKey = await rotated.JsonAsync(HttpStatusCode.Created);
        Assert.NotEqual(oldKid, newKey.GetProperty("kid").GetString());
        Assert.False(newKey.TryGetProperty("d", out _), "The rotation's answer must carry only the public key.");

        var fresh = await DownloadAsync(app.Admin());
        Assert.Equal(newKey.GetProperty("kid").GetString(), (string?)Header(fresh)["kid"]);
        AssertVerified(await VerifyAsync(app, fresh));
        AssertVerified(await VerifyAsync(app, old));

        var jwks = await (await app.Anonymous().GetAsync("/.well-known/jwks.json", Ct)).JsonAsync();
        Assert.Equal([oldKid, newKey.GetProperty("kid").GetString()], jwks.GetProperty("keys").EnumerateArray().Select(k => k.GetProperty("kid").GetString()));
        Assert.All(jwks.GetProperty("keys").EnumerateArray(), key => Assert.False(key.TryGetProperty("d", out _)));
    }

    [Fact]
    public async Task The_generated_key_is_generated_once_and_signs_after_a_restart()
    {
        var database = AchievementsApp.NewDatabasePath();
        try
        {
            string kid;
            await using (var first = new AchievementsApp(database))
            {
                kid = (await (await first.Anonymous().GetAsync("/.well-known/jwks.json", Ct)).JsonAsync()).GetProperty("keys")[0].GetProperty("kid").GetString()!;
            }

            // The restarted app unprotects the stored key to sign the status list, rather than generating another.
            await using var second = new AchievementsApp(database);
            var list = await second.Anonymous().GetStringAsync("/api/v1/status-lists/0", Ct);
            Assert.Equal(kid, (string?)Header(list)["kid"]);
            var keys = (await (await second.Anonymous().GetAsync("/.well-known/jwks.json", Ct)).JsonAsync()).GetProperty("keys");
            Assert.Equal(kid, Assert.Single(keys.EnumerateArray()).GetProperty("kid").GetString());
        }
        finally
        {
            AchievementsApp.DeleteDatabase(database);
        }
    }

    [Fact]
    public async Task A_hashed_identity_names_the_holder_by_a_salted_sha256_of_their_address()
    {
        await using var app = await WithBronzeAsync(("Achievements:Credentials:HashIdentity", "true"));
        var jwt = await DownloadAsync(app.Admin());
        var verdict = await VerifyAsync(app, jwt);
        AssertVerified(verdict);

        var identity = verdict.GetProperty("credential").GetProperty("credentialSubject").GetProperty("identifier")[0];
        Assert.True(identity.GetProperty("hashed").GetBoolean());
        var salt = identity.GetProperty("salt").GetString()!;
        var expected = "sha256$" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("ada@example.test" + salt)));
        Assert.Equal(expected, identity.GetProperty("identityHash").GetString());
        Assert.DoesNotContain("example.test", jwt.Split('.')[1], StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("xample.test", Payload(jwt)!.ToJsonString(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_configured_key_signs_with_its_kid_and_is_rotated_in_configuration()
    {
        using var rsa = RSA.Create(2048);
        await using var app = await WithBronzeAsync(("Achievements:Credentials:SigningKey", rsa.ExportPkcs8PrivateKeyPem()), ("Achievements:Credentials:SigningKeyId", "issuer-2026"));
        var jwt = await DownloadAsync(app.Admin());
        Assert.Equal("issuer-2026", (string?)Header(jwt)["kid"]);
        AssertVerified(await VerifyAsync(app, jwt));
        await Problem.AssertAsync(await app.Admin().PostAsync("/api/v1/issuer/keys", null, Ct), HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Only_the_employee_and_admins_download_and_only_a_live_award_has_a_credential()
    {
        await using var app = await WithBronzeAsync();
        await app.PutEmployeeAsync("bob", "Bob");
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.Anonymous().GetAsync(Credential, Ct)).StatusCode);
        await Problem.AssertAsync(await (await app.ClientFor("employee", "bob")).GetAsync(Credential, Ct), HttpStatusCode.Forbidden);
        await Problem.AssertAsync(await (await app.ClientFor("viewer")).GetAsync(Credential, Ct), HttpStatusCode.Forbidden);

        await Problem.AssertAsync(await app.Admin().GetAsync("/api/v1/employees/nobody/badges/merge-master/credential", Ct), HttpStatusCode.NotFound);
        await Problem.AssertAsync(await app.Admin().GetAsync("/api/v1/employees/ada/badges/no-such-badge/credential", Ct), HttpStatusCode.NotFound);
        // Bob has no award, and no email identity either: the missing award is what he is told.
        await Problem.AssertAsync(await app.Admin().GetAsync("/api/v1/employees/bob/badges/merge-master/credential", Ct), HttpStatusCode.NotFound);
        await Problem.AssertAsync(await app.Anonymous().GetAsync("/api/v1/status-lists/7", Ct), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_held_award_has_no_credential_while_its_review_is_open()
    {
        await using var app = new CredentialsApp();
        await app.Admin().PutAsync("/api/v1/employees/ann", Problem.JsonBody(new { displayName = "Ann", identities = new[] { new { provider = "email", id = "ann@example.test" } } }), Ct);
        // Ann and Ben approve each other's pull requests and nobody else's: a review ring holds their awards.
        var events = new Personas(app);
        for (var i = 0; i < 12; i++)
        {
            events.ReviewApproved("ann", Personas.Now.AddDays(-8 - i).AddHours(-(i % 5)), "ben");
            events.ReviewApproved("ben", Personas.Now.AddDays(-8 - i).AddHours(-(i % 5)), "ann");
        }

        await events.SendAsync();
        await app.EvaluateAsync();
        Assert.Equal("held", (await app.ProgressAsync("ann", "trusted-reviewer")).GetProperty("status").GetString());

        var problem = await Problem.AssertAsync(await app.Admin().GetAsync("/api/v1/employees/ann/badges/trusted-reviewer/credential", Ct), HttpStatusCode.Conflict);
        Assert.Contains("held", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_configured_key_too_short_for_RS256_stops_the_service_at_start()
    {
        using var rsa = RSA.Create(1024);
        await using var app = new CredentialsApp(("Achievements:Credentials:SigningKey", rsa.ExportPkcs8PrivateKeyPem()));
        var refused = Assert.ThrowsAny<Exception>(() => app.CreateClient());
        Assert.Contains("1024-bit", refused.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_employee_without_an_email_identity_is_told_what_is_missing()
    {
        await using var app = new CredentialsApp();
        await app.PutEmployeeAsync("ada", "Ada");
        await new Personas(app).HonestDeveloper("ada", pullRequests: 12).SendAsync();
        await app.EvaluateAsync();
        var problem = await Problem.AssertAsync(await app.Admin().GetAsync(Credential, Ct), HttpStatusCode.Conflict);
        Assert.Contains("email", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }
}
