using System.Text.Json;
using System.Text.RegularExpressions;
using Achievements.Api.Infrastructure.Storage;
using Dapper;
using FluentValidation;
using Mediator;

namespace Achievements.Api.Features.Scim;

/// <summary>
/// <c>GET /scim/v2/Users</c>: the provisioned users in id order, a page at a time (RFC 7644 §3.4.2.4: startIndex is
/// 1-based, below 1 means 1; a negative count means 0), optionally filtered by <c>userName eq "…"</c> (matched without
/// regard to case) or <c>externalId eq "…"</c>, which is how identity providers look a person up before creating them.
/// </summary>
internal sealed record ListScimUsers(string? Filter, int? StartIndex, int? Count) : IQuery<ScimUserPage>;

internal sealed record ScimUserPage(int TotalResults, int StartIndex, IReadOnlyList<ScimUser> Users);

/// <summary>The one filter shape served: an attribute, <c>eq</c>, and a JSON string (RFC 7644 §3.4.2.2).</summary>
internal sealed partial record ScimFilter(string Attribute, string Value)
{
    public const string Rule = "Only the filters 'userName eq \"…\"' and 'externalId eq \"…\"' are supported.";

    public static ScimFilter? Parse(string? filter)
    {
        if (filter is null || Shape().Match(filter) is not { Success: true } match)
        {
            return null;
        }

        try
        {
            var value = JsonSerializer.Deserialize<string>(match.Groups["value"].Value)!;
            var attribute = match.Groups["attribute"].Value.Equals("userName", StringComparison.OrdinalIgnoreCase) ? "userName" : "externalId";
            return new ScimFilter(attribute, value);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    // Attribute names and operators are case-insensitive (RFC 7643 §2.1, RFC 7644 §3.4.2.2); a name may carry its schema.
    [GeneratedRegex("""^\s*(?:urn:ietf:params:scim:schemas:core:2\.0:User:)?(?<attribute>userName|externalId)\s+eq\s+(?<value>"(?:[^"\\]|\\.)*")\s*$""", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Shape();
}

internal sealed class ListScimUsersValidator : AbstractValidator<ListScimUsers>
{
    public ListScimUsersValidator() =>
        RuleFor(x => x.Filter).Must(filter => ScimFilter.Parse(filter) is not null).When(x => x.Filter is not null).WithMessage(ScimFilter.Rule);
}

internal sealed class ListScimUsersHandler(IDbConnectionFactory connections) : IQueryHandler<ListScimUsers, ScimUserPage>
{
    /// <summary>A page holds at most this many; ServiceProviderConfig says so as filter.maxResults.</summary>
    public const int MaxResults = 200;

    public const int DefaultCount = 100;

    private const string Where = """
        WHERE scim_user_name IS NOT NULL
          AND (@UserName IS NULL OR lower(scim_user_name) = lower(@UserName))
          AND (@ExternalId IS NULL OR external_id = @ExternalId)
        """;

    private const string CountUsers = $"SELECT COUNT(*) FROM employees {Where}";

    private const string SelectPage = $"SELECT {ScimUsers.Columns} FROM employees {Where} ORDER BY id LIMIT @Count OFFSET @Offset";

    public async ValueTask<ScimUserPage> Handle(ListScimUsers query, CancellationToken cancellationToken)
    {
        var filter = ScimFilter.Parse(query.Filter);
        var startIndex = Math.Max(query.StartIndex ?? 1, 1);
        var count = Math.Clamp(query.Count ?? DefaultCount, 0, MaxResults);
        var parameters = new
        {
            UserName = filter?.Attribute == "userName" ? filter.Value : null,
            ExternalId = filter?.Attribute == "externalId" ? filter.Value : null,
            Count = count,
            Offset = startIndex - 1,
        };

        await using var connection = await connections.OpenAsync(cancellationToken);
        var total = await connection.ExecuteScalarAsync<long>(new CommandDefinition(CountUsers, parameters, cancellationToken: cancellationToken));
        var rows = count == 0
            ? []
            : (await connection.QueryAsync<ScimUsers.UserRow>(new CommandDefinition(SelectPage, parameters, cancellationToken: cancellationToken))).ToList();
        var users = rows.Count == 0 ? [] : await ScimUsers.WithEmailsAsync(connection, null, rows, cancellationToken);
        return new ScimUserPage((int)total, startIndex, users);
    }
}
