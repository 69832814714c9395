using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Achievements.Api.Features.Audit;
using Achievements.Api.Features.Awards;
using Achievements.Api.Infrastructure.Errors;
using Achievements.Api.Infrastructure.Storage;
using Dapper;
using Mediator;
using Microsoft.Extensions.Options;

namespace Achievements.Api.Features.Credentials;

/// <summary>
/// An employee's award as an Open Badges 3.0 OpenBadgeCredential, signed as a VC-JWT. Downloading the same award at
/// the same tier again gives the same credential id and status index (a new signature and <c>iat</c>); once that
/// credential is revoked, the next download is a new credential. A command though a GET asks for it: the first
/// download allocates the status index, and every download is audited.
/// </summary>
internal sealed record IssueCredential(string EmployeeId, string BadgeKey) : ICommand<IssuedCredential>;

internal sealed record IssuedCredential(string Jwt);

internal sealed class IssueCredentialHandler(IDbConnectionFactory connections, IssuerKeys keys, IssuerUrls urls, IOptions<CredentialOptions> options, AuditTrail audit, TimeProvider time)
    : ICommandHandler<IssueCredential, IssuedCredential>
{
    private const string SelectEmployee = "SELECT 1 FROM employees WHERE id = @EmployeeId";

    private const string SelectBadge = "SELECT 1 FROM badges WHERE key = @BadgeKey AND status <> 'archived'";

    private const string SelectAward = """
        SELECT a.badge_key AS BadgeKey, a.status AS Status, a.tier AS Tier, a.tier_rank AS TierRank, a.awarded_at AS AwardedAt, a.expires_at AS ExpiresAt,
               v.name AS Name, v.description AS Description, v.icon AS Icon, v.metric AS Metric, v.requires AS Requires, v.tiers AS Tiers
        FROM awards a JOIN badge_versions v ON v.badge_key = a.badge_key AND v.version = a.badge_version
        WHERE a.employee_id = @EmployeeId AND a.badge_key = @BadgeKey
        """;

    // The first of the employee's addresses, in a fixed order, so that every download names the same one.
    private const string SelectEmail = """
        SELECT identity_id FROM employee_identities WHERE employee_id = @EmployeeId AND provider = 'email'
        ORDER BY identity_id LIMIT 1
        """;

    private const string SelectLive = """
        SELECT status_index AS StatusIndex, id AS Id, salt AS Salt
        FROM credentials WHERE employee_id = @EmployeeId AND badge_key = @BadgeKey AND tier_rank = @TierRank AND awarded_at = @AwardedAt
          AND revoked_at IS NULL
        """;

    private const string InsertCredential = """
        INSERT INTO credentials (status_index, id, employee_id, badge_key, tier_rank, awarded_at, salt, issued_at)
        VALUES ((SELECT COALESCE(MAX(status_index), -1) + 1 FROM credentials), @Id, @EmployeeId, @BadgeKey, @TierRank, @AwardedAt, @Salt, @Now)
        RETURNING status_index AS StatusIndex, id AS Id, salt AS Salt
        """;

    public async ValueTask<IssuedCredential> Handle(IssueCredential query, CancellationToken cancellationToken)
    {
        var key = await keys.CurrentAsync(cancellationToken);
        var now = time.GetUtcNow();
        await using var connection = await connections.OpenAsync(cancellationToken);
        var (award, credential, email) = await connection.InTransactionAsync(async transaction =>
        {
            // The same turn as CredentialRevocations takes: a revocation either sees this credential or is seen by it.
            await SqlDialect.TakeTurnAsync(connection, transaction, CredentialRevocations.Turn(query.EmployeeId, query.BadgeKey), cancellationToken);
            var award = await LiveAwardAsync(connection, transaction, query, cancellationToken);
            var email = await connection.QuerySingleOrDefaultAsync<string>(new CommandDefinition(SelectEmail, query, transaction, cancellationToken: cancellationToken))
                ?? throw new ConflictException($"Employee '{query.EmployeeId}' has no email identity, and a credential names its holder by email address; an admin adds one (PUT /api/v1/employees/{query.EmployeeId}, identities).");
            var parameters = new { query.EmployeeId, query.BadgeKey, award.TierRank, award.AwardedAt };
            var credential = await connection.QuerySingleOrDefaultAsync<CredentialRow>(new CommandDefinition(SelectLive, parameters, transaction, cancellationToken: cancellationToken));
            var reused = credential is not null;
            if (credential is null)
            {
                // Indexes are handed out in order, one at a time across instances.
                await SqlDialect.TakeTurnAsync(connection, transaction, "credentials.status-index", cancellationToken);
                credential = await connection.QuerySingleAsync<CredentialRow>(new CommandDefinition(InsertCredential, new
                {
                    Id = $"urn:uuid:{Guid.NewGuid()}",
                    query.EmployeeId,
                    query.BadgeKey,
                    award.TierRank,
                    award.AwardedAt,
                    Salt = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)),
                    Now = now,
                }, transaction, cancellationToken: cancellationToken));
            }

            await audit.RecordAsync(connection, transaction, "credential.issued",
                new { credential.Id, credential.StatusIndex, award.Tier, Kid = key.Key.KeyId, Reused = reused }, cancellationToken, query.EmployeeId, query.BadgeKey);
            return (award, credential, email);
        }, cancellationToken);

        var payload = Credential(award, credential, email, now);
        return new IssuedCredential(IssuerKeys.Sign(payload, key));
    }

    /// <summary>
    /// The award a credential may be issued for: active, of a badge not archived. Revoked and expired awards have none
    /// (a credential downloaded before an expiry says so itself, by its validUntil); held ones wait for their review.
    /// </summary>
    private static async Task<AwardToIssue> LiveAwardAsync(System.Data.Common.DbConnection connection, System.Data.Common.DbTransaction transaction, IssueCredential query, CancellationToken cancellationToken)
    {
        if (await connection.ExecuteScalarAsync<int?>(new CommandDefinition(SelectEmployee, query, transaction, cancellationToken: cancellationToken)) is null)
        {
            throw new NotFoundException("Employee", query.EmployeeId);
        }

        if (await connection.ExecuteScalarAsync<int?>(new CommandDefinition(SelectBadge, query, transaction, cancellationToken: cancellationToken)) is null)
        {
            throw new NotFoundException("Badge", query.BadgeKey);
        }

        var award = await connection.QuerySingleOrDefaultAsync<AwardToIssue>(new CommandDefinition(SelectAward, query, transaction, cancellationToken: cancellationToken));
        return award switch
        {
            null or { Status: AwardStatus.Revoked or AwardStatus.Expired } or { Tier: null } => throw new NotFoundException("Award", $"{query.EmployeeId}/{query.BadgeKey}"),
            { Status: AwardStatus.Held } => throw new ConflictException($"The award '{query.EmployeeId}/{query.BadgeKey}' is held while a review of the employee's activity is open; a held award has no credential until the review releases it."),
            _ => award,
        };
    }

    private JsonObject Credential(AwardToIssue award, CredentialRow credential, string email, DateTimeOffset now)
    {
        var validFrom = award.AwardedAt;
        var validUntil = CredentialValidity.Until(award);
        var list = credential.StatusIndex / StatusLists.Size;
        var listUrl = urls.StatusList(list);
        var name = $"{award.Name} ({award.Tier})";
        var payload = new JsonObject
        {
            ["@context"] = new JsonArray([.. OpenBadges.Contexts.Select(c => (JsonNode)c!)]),
            ["id"] = credential.Id,
            ["type"] = new JsonArray("VerifiableCredential", "OpenBadgeCredential"),
            ["issuer"] = IssuerProfile.Of(urls, options.Value),
            ["name"] = name,
            ["validFrom"] = OpenBadges.Timestamp(validFrom),
            ["awardedDate"] = OpenBadges.Timestamp(award.AwardedAt),
            ["credentialSubject"] = new JsonObject
            {
                ["type"] = new JsonArray("AchievementSubject"),
                ["identifier"] = new JsonArray(Identity(email, credential.Salt)),
                ["achievement"] = new JsonObject
                {
                    ["id"] = $"{urls.Badge(award.BadgeKey)}#{award.Tier}",
                    ["type"] = new JsonArray("Achievement"),
                    ["achievementType"] = "Badge",
                    ["name"] = name,
                    ["description"] = award.Description.Length > 0 ? award.Description : name,
                    ["criteria"] = new JsonObject { ["narrative"] = Narrative(award) },
                    ["image"] = new JsonObject
                    {
                        ["id"] = AchievementImage.DataUri(award.Icon, award.Name, award.Tier!, (int)award.TierRank),
                        ["type"] = "Image",
                        ["caption"] = name,
                    },
                },
            },
            ["credentialStatus"] = new JsonObject
            {
                ["id"] = $"{listUrl}#{credential.StatusIndex % StatusLists.Size}",
                ["type"] = "BitstringStatusListEntry",
                ["statusPurpose"] = StatusLists.Purpose,
                ["statusListIndex"] = (credential.StatusIndex % StatusLists.Size).ToString(CultureInfo.InvariantCulture),
                ["statusListCredential"] = listUrl,
            },
            // The JWT's registered claims, mirroring the credential (VC-JOSE-COSE), for JWT libraries that check them.
            ["iss"] = urls.IssuerId,
            ["iat"] = now.ToUnixTimeSeconds(),
            ["nbf"] = validFrom.ToUnixTimeSeconds(),
        };
        if (validUntil is { } until)
        {
            payload.Insert(payload.IndexOf("awardedDate"), "validUntil", OpenBadges.Timestamp(until));
            payload["exp"] = until.ToUnixTimeSeconds();
        }

        return payload;
    }

    /// <summary>
    /// The holder's address, or, with <c>HashIdentity</c>, Open Badges' IdentityHash of it: <c>sha256$</c> and the hex
    /// SHA-256 of the lower-cased address followed by the salt (lower-cased because mail systems ignore case, and a
    /// verifier cannot know how an admin typed it).
    /// </summary>
    private JsonObject Identity(string email, string salt) => options.Value.HashIdentity
        ? new JsonObject
        {
            ["type"] = "IdentityObject",
            ["identityHash"] = $"sha256${Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(email.ToLowerInvariant() + salt)))}",
            ["identityType"] = "emailAddress",
            ["hashed"] = true,
            ["salt"] = salt,
        }
        : new JsonObject
        {
            ["type"] = "IdentityObject",
            ["identityHash"] = email,
            ["identityType"] = "emailAddress",
            ["hashed"] = false,
        };

    /// <summary>What the tier asks for, in Markdown as Open Badges' narrative is: the metric's threshold and every requirement.</summary>
    private static string Narrative(AwardToIssue award)
    {
        var definition = Scoring.BadgeDefinition.FromJsonLists(award.Name, award.Description, award.Icon, award.Metric, award.Requires, award.Tiers);
        var threshold = definition.Tiers[(int)award.TierRank].Threshold.ToString(CultureInfo.InvariantCulture);
        var narrative = new StringBuilder($"Awarded at the **{award.Tier}** tier for reaching {threshold} on `{definition.Metric}`.");
        if (definition.Requires.Count > 0)
        {
            narrative.Append("\n\nEvery one of these must also hold:\n");
            foreach (var requirement in definition.Requires)
            {
                narrative.Append(CultureInfo.InvariantCulture, $"\n- `{requirement}`");
            }
        }

        return narrative.ToString();
    }

    private sealed record CredentialRow
    {
        public long StatusIndex { get; init; }
        public required string Id { get; init; }
        public required string Salt { get; init; }
    }
}

/// <summary>The award and badge version a credential is made from.</summary>
internal sealed record AwardToIssue
{
    public required string BadgeKey { get; init; }
    public required string Status { get; init; }
    public string? Tier { get; init; }
    public long TierRank { get; init; }
    public DateTimeOffset AwardedAt { get; init; }
    public required string Name { get; init; }
    public required string Description { get; init; }
    public required string Icon { get; init; }
    public required string Metric { get; init; }
    public required string Requires { get; init; }
    public required string Tiers { get; init; }

    /// <summary>When the award runs out (its badge version's expiresAfter); null for a badge whose awards never do.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }
}

/// <summary>Until when a credential is valid: the one place that decides <c>validUntil</c> (and <c>exp</c>).</summary>
internal static class CredentialValidity
{
    /// <summary>The award's expiry: a credential never outlives what it attests. None, no <c>validUntil</c>.</summary>
    public static DateTimeOffset? Until(AwardToIssue award) => award.ExpiresAt;
}
