using System.IO.Compression;
using System.Text.Json.Nodes;
using Achievements.Api.Infrastructure.Errors;
using Achievements.Api.Infrastructure.Storage;
using Dapper;
using Mediator;
using Microsoft.IdentityModel.Tokens;

namespace Achievements.Api.Features.Credentials;

/// <summary>
/// One revocation status list: a BitstringStatusListCredential (W3C Bitstring Status List 1.0) signed as a VC-JWT,
/// whose bit at a credential's <c>statusListIndex</c> is 1 once it is revoked. List 0 always exists; list n once a
/// credential has been issued with an index in it.
/// </summary>
internal sealed record GetStatusList(long List) : IQuery<StatusListCredential>;

internal sealed record StatusListCredential(string Jwt);

internal static class StatusLists
{
    /// <summary>131,072 entries (16 KiB), the specification's minimum, so a list does not tell how many credentials exist.</summary>
    public const int Size = 131_072;

    public const string Purpose = "revocation";

    /// <summary>The bits, index 0 the most significant bit of the first byte, gzipped, as multibase base64url ('u').</summary>
    public static string Encode(IEnumerable<long> revoked)
    {
        var bits = new byte[Size / 8];
        foreach (var index in revoked)
        {
            bits[index / 8] |= (byte)(0x80 >> (int)(index % 8));
        }

        using var compressed = new MemoryStream();
        using (var gzip = new GZipStream(compressed, CompressionLevel.Optimal))
        {
            gzip.Write(bits);
        }

        return "u" + Base64UrlEncoder.Encode(compressed.ToArray());
    }
}

internal sealed class GetStatusListHandler(IDbConnectionFactory connections, IssuerKeys keys, IssuerUrls urls, TimeProvider time)
    : IQueryHandler<GetStatusList, StatusListCredential>
{
    private const string SelectRevoked = """
        SELECT status_index - @From FROM credentials
        WHERE status_index >= @From AND status_index < @To AND revoked_at IS NOT NULL
        """;

    private const string SelectAnyFrom = "SELECT 1 FROM credentials WHERE status_index >= @From LIMIT 1";

    public async ValueTask<StatusListCredential> Handle(GetStatusList query, CancellationToken cancellationToken)
    {
        var key = await keys.CurrentAsync(cancellationToken);
        var range = new { From = query.List * StatusLists.Size, To = (query.List + 1) * StatusLists.Size };
        await using var connection = await connections.OpenAsync(cancellationToken);
        if (query.List < 0 || (query.List > 0 && await connection.ExecuteScalarAsync<int?>(new CommandDefinition(SelectAnyFrom, range, cancellationToken: cancellationToken)) is null))
        {
            throw new NotFoundException("Status list", query.List.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        var revoked = await connection.QueryAsync<long>(new CommandDefinition(SelectRevoked, range, cancellationToken: cancellationToken));
        var now = time.GetUtcNow();
        var id = urls.StatusList(query.List);
        var payload = new JsonObject
        {
            ["@context"] = new JsonArray(OpenBadges.CredentialsV2),
            ["id"] = id,
            ["type"] = new JsonArray("VerifiableCredential", "BitstringStatusListCredential"),
            ["issuer"] = urls.IssuerId,
            ["validFrom"] = OpenBadges.Timestamp(now),
            ["credentialSubject"] = new JsonObject
            {
                ["id"] = $"{id}#list",
                ["type"] = "BitstringStatusList",
                ["statusPurpose"] = StatusLists.Purpose,
                ["encodedList"] = StatusLists.Encode(revoked),
            },
            ["iss"] = urls.IssuerId,
            ["iat"] = now.ToUnixTimeSeconds(),
            ["nbf"] = now.ToUnixTimeSeconds(),
        };
        return new StatusListCredential(IssuerKeys.Sign(payload, key));
    }
}
