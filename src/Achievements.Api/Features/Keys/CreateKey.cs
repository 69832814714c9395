using Achievements.Api.Infrastructure.Auth;
using Achievements.Api.Infrastructure.Storage;
using Dapper;
using FluentValidation;
using Mediator;

namespace Achievements.Api.Features.Keys;

/// <summary>Creates a key with one role. The secret is in the response and nowhere else, ever.</summary>
internal sealed record CreateKey(string? Role, string? Subject) : ICommand<CreatedKey>;

internal sealed record CreatedKey(string Id, string Key, string Role, string? Subject);

internal sealed class CreateKeyValidator : AbstractValidator<CreateKey>
{
    public CreateKeyValidator()
    {
        RuleLevelCascadeMode = CascadeMode.Stop;
        RuleFor(x => x.Role)
            .Must(role => ApiRoles.Parse(role) is not null)
            .WithMessage(x => $"'{x.Role}' is not a role; use one of {string.Join(", ", ApiRoles.Names)}.");

        // A source key's subject is the source name that its events are stored under.
        When(x => x.Role == "source", () => RuleFor(x => x.Subject)
            .NotEmpty().WithMessage("A source key needs a subject: the source's name, such as 'github'.")
            .Matches("^[a-z0-9][a-z0-9._-]{0,63}$").WithMessage("A source name is 1-64 characters of a-z, 0-9, '.', '_' or '-', starting with a letter or digit."));

        // An employee key's subject is the employee it speaks for.
        When(x => x.Role == "employee", () => RuleFor(x => x.Subject)
            .NotEmpty().WithMessage("An employee key needs a subject: the employee's id.")
            .Must(EmployeeId.IsValid!).WithMessage(EmployeeId.Rule));

        // A SCIM key's subject, like an admin's or a viewer's, is a label: the identity provider it was made for.
        When(x => x.Role is "admin" or "viewer" or "scim", () => RuleFor(x => x.Subject)
            .Must(subject => subject is null || (subject.Length <= 200 && TextRules.IsDisplayable(subject)))
            .WithMessage("A subject is a label of at most 200 characters without control characters."));
    }
}

internal sealed class CreateKeyHandler(IDbConnectionFactory connections, TimeProvider time) : ICommandHandler<CreateKey, CreatedKey>
{
    private const string InsertKey = """
        INSERT INTO api_keys (id, secret_hash, role, subject, created_at)
        VALUES (@Id, @SecretHash, @Role, @Subject, @CreatedAt)
        """;

    public async ValueTask<CreatedKey> Handle(CreateKey command, CancellationToken cancellationToken)
    {
        var (id, key, hash) = ApiKeySecrets.Generate();
        await using var connection = await connections.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            InsertKey,
            new { Id = id, SecretHash = hash, command.Role, command.Subject, CreatedAt = time.GetUtcNow() },
            cancellationToken: cancellationToken));
        return new CreatedKey(id, key, command.Role!, command.Subject);
    }
}
