using System.Text.Json;
using Achievements.Api.Infrastructure.Storage;
using Dapper;
using FluentValidation;
using Mediator;

namespace Achievements.Api.Features.Gaming;

/// <summary>The detectors' findings for admins, newest first, optionally by status.</summary>
internal sealed record ListFlags(string? Status) : IQuery<IReadOnlyList<Flag>>;

internal sealed record Flag(long Id, IReadOnlyList<string> Employees, string Detector, double Score, FlagWindow Window, JsonElement Evidence, string Status, string? Note, DateTimeOffset CreatedAt, DateTimeOffset? ResolvedAt);

internal sealed record FlagWindow(DateTimeOffset Start, DateTimeOffset End);

internal sealed record FlagRow
{
    public long Id { get; init; }
    public required string Detector { get; init; }
    public required string Employees { get; init; }
    public double Score { get; init; }
    public DateTimeOffset WindowStart { get; init; }
    public DateTimeOffset WindowEnd { get; init; }
    public required string Evidence { get; init; }
    public required string Status { get; init; }
    public string? Note { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? ResolvedAt { get; init; }

    public const string Columns = """
        id AS Id, detector AS Detector, employees AS Employees, score AS Score, window_start AS WindowStart, window_end AS WindowEnd,
        evidence AS Evidence, status AS Status, note AS Note, created_at AS CreatedAt, resolved_at AS ResolvedAt
        """;

    public IReadOnlyList<string> Members => JsonSerializer.Deserialize<string[]>(Employees) ?? [];

    public Flag ToFlag() => new(Id, Members, Detector, Score, new FlagWindow(WindowStart, WindowEnd), JsonSerializer.Deserialize<JsonElement>(Evidence), Status, Note, CreatedAt, ResolvedAt);
}

internal sealed class ListFlagsValidator : AbstractValidator<ListFlags>
{
    public ListFlagsValidator() =>
        RuleFor(x => x.Status).Must(s => s is null or "open" or "dismissed" or "confirmed").WithMessage("status is open, dismissed or confirmed.");
}

internal sealed class ListFlagsHandler(IDbConnectionFactory connections) : IQueryHandler<ListFlags, IReadOnlyList<Flag>>
{
    private const string SelectFlags = $"""
        SELECT {FlagRow.Columns} FROM flags
        WHERE @Status IS NULL OR status = @Status
        ORDER BY id DESC
        LIMIT 500
        """;

    public async ValueTask<IReadOnlyList<Flag>> Handle(ListFlags query, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<FlagRow>(new CommandDefinition(SelectFlags, query, cancellationToken: cancellationToken));
        return [.. rows.Select(r => r.ToFlag())];
    }
}
