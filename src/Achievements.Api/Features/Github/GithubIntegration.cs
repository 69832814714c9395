using System.Data.Common;
using Dapper;
using Microsoft.AspNetCore.DataProtection;

namespace Achievements.Api.Features.Github;

/// <summary>
/// The GitHub integration: its stored webhook secret, unprotected, and whether unknown logins become employees; and
/// from configuration, what shows AI at work.
/// </summary>
internal sealed record GithubSettings(byte[] Secret, bool AutoCreateEmployees, GithubAiEvidence Ai);

/// <summary>
/// Reads and writes the one GitHub integration row. The webhook secret is protected with ASP.NET Core Data Protection
/// (the key ring is in the database, <c>DatabaseXmlRepository</c>), so the column never holds it in the clear.
/// One per app, built from its own Data Protection provider and the configured tools and agent accounts.
/// </summary>
internal sealed class GithubIntegration(IDataProtectionProvider protection, GithubAiEvidence ai)
{
    public const string WebhookUrl = "/api/v1/webhooks/github";

    // The purpose isolates this secret: a payload protected for anything else cannot be unprotected as it.
    private readonly IDataProtector _protector = protection.CreateProtector("Achievements.Github.WebhookSecret.v1");

    // The tools and agent accounts are configuration, not the stored row: they change with the tools, not with the webhook.
    private readonly GithubAiEvidence _ai = ai;

    private const string Select = "SELECT protected_secret AS ProtectedSecret, auto_create_employees AS AutoCreateEmployees FROM github_integration WHERE id = 1";

    private const string Upsert = """
        INSERT INTO github_integration (id, protected_secret, auto_create_employees, updated_at) VALUES (1, @ProtectedSecret, @AutoCreateEmployees, @Now)
        ON CONFLICT (id) DO UPDATE SET protected_secret = excluded.protected_secret,
            auto_create_employees = excluded.auto_create_employees, updated_at = excluded.updated_at
        """;

    public async Task<GithubSettings?> ReadAsync(DbConnection connection, DbTransaction? transaction, CancellationToken cancellationToken)
    {
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(Select, transaction: transaction, cancellationToken: cancellationToken));
        return row is null ? null : new GithubSettings(System.Text.Encoding.UTF8.GetBytes(_protector.Unprotect(row.ProtectedSecret)), row.AutoCreateEmployees != 0, _ai);
    }

    public Task WriteAsync(DbConnection connection, DbTransaction transaction, string secret, bool autoCreateEmployees, DateTimeOffset now, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(
            Upsert, new { ProtectedSecret = _protector.Protect(secret), AutoCreateEmployees = autoCreateEmployees, Now = now }, transaction, cancellationToken: cancellationToken));

    private sealed record Row
    {
        public required string ProtectedSecret { get; init; }
        public long AutoCreateEmployees { get; init; }
    }
}
