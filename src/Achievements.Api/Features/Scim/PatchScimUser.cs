using System.Text.Json;
using Achievements.Api.Features.Audit;
using Achievements.Api.Features.Awards;
using Achievements.Api.Infrastructure.Errors;
using Achievements.Api.Infrastructure.Storage;
using FluentValidation;
using FluentValidation.Results;
using Mediator;

namespace Achievements.Api.Features.Scim;

/// <summary>
/// <c>PATCH /scim/v2/Users/{id}</c> (RFC 7644 §3.5.2). Both shapes identity providers send are taken: Entra ID's
/// <c>{"op":"Replace","path":"active","value":"False"}</c> (capitalised op, booleans as strings) and Okta's
/// <c>{"op":"replace","value":{"active":false}}</c> (no path, the attributes in the value). Attributes the service does
/// not keep (a title, a phone number, the given name) are ignored, as they are on create and replace.
/// </summary>
internal sealed record PatchScimUser(string Id, IReadOnlyList<ScimPatchOperation>? Operations) : ICommand<ScimUser>;

internal sealed record ScimPatchOperation(string? Op, string? Path, JsonElement Value);

internal sealed class PatchScimUserValidator : AbstractValidator<PatchScimUser>
{
    public PatchScimUserValidator()
    {
        RuleFor(x => x.Operations).NotEmpty().WithMessage("'Operations' must list at least one operation.")
            .Must(operations => operations!.Count <= MaxOperations).WithMessage($"A patch has at most {MaxOperations} operations.");
        RuleForEach(x => x.Operations).ChildRules(operation => operation.RuleFor(o => o.Op)
                .Must(op => op is not null && Ops.Contains(op, StringComparer.OrdinalIgnoreCase))
                .WithMessage("'op' must be 'add', 'replace' or 'remove'."));
    }

    public const int MaxOperations = 100;

    private static readonly string[] Ops = ["add", "replace", "remove"];
}

internal sealed class PatchScimUserHandler(IDbConnectionFactory connections, TimeProvider time, AuditTrail audit, DirectoryChanges directory) : ICommandHandler<PatchScimUser, ScimUser>
{
    public async ValueTask<ScimUser> Handle(PatchScimUser command, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var now = time.GetUtcNow();
        return await connection.InTransactionAsync(async (transaction, afterCommit) =>
        {
            var write = new WriteScope(connection, transaction, afterCommit, cancellationToken);
            var user = await ScimUsers.FindAsync(connection, transaction, command.Id, cancellationToken) ?? throw new NotFoundException("User", command.Id);
            var patched = Apply(user, command.Operations!);
            var invalid = new ScimUserWriteValidator().Validate(patched);
            if (!invalid.IsValid)
            {
                throw new ValidationException(invalid.Errors);
            }

            await ScimUsers.EnsureUniqueAsync(write, patched.UserName!, command.Id);
            await ScimUsers.SaveAsync(write, audit, directory, command.Id, patched, "scim.user.patched", now);
            return (await ScimUsers.FindAsync(connection, transaction, command.Id, cancellationToken))!;
        }, cancellationToken);
    }

    /// <summary>The user as the operations leave them, in order; a value of the wrong kind fails the whole patch.</summary>
    internal static ReplaceScimUser Apply(ScimUser user, IReadOnlyList<ScimPatchOperation> operations)
    {
        var state = new ReplaceScimUser(user.Id, user.UserName, user.ExternalId, user.DisplayName, user.Team, user.Active, Email: null);
        var failures = new List<ValidationFailure>();
        for (var i = 0; i < operations.Count; i++)
        {
            var operation = operations[i];
            var remove = string.Equals(operation.Op, "remove", StringComparison.OrdinalIgnoreCase);
            if (operation.Path is null)
            {
                if (remove)
                {
                    failures.Add(new($"operations[{i}].path", "A remove needs a path (RFC 7644 §3.5.2.2)."));
                }
                else if (operation.Value.ValueKind != JsonValueKind.Object)
                {
                    failures.Add(new($"operations[{i}].value", "Without a path, the value must be an object of attributes, such as {\"active\":false}."));
                }
                else
                {
                    foreach (var (path, value) in Flatten(operation.Value))
                    {
                        state = Set(state, path, value, i, failures);
                    }
                }
            }
            else
            {
                state = remove ? Remove(state, operation.Path, i, failures) : Set(state, operation.Path, operation.Value, i, failures);
            }
        }

        return failures.Count == 0 ? state : throw new ValidationException(failures);
    }

    /// <summary>An object of attributes as (path, value): <c>name</c> and the enterprise extension are opened one level.</summary>
    private static IEnumerable<(string Path, JsonElement Value)> Flatten(JsonElement attributes)
    {
        foreach (var attribute in attributes.EnumerateObject())
        {
            if (attribute.Value.ValueKind == JsonValueKind.Object
                && (attribute.NameEquals("name") || attribute.Name.Equals(ScimSchemas.EnterpriseUser, StringComparison.OrdinalIgnoreCase)))
            {
                var separator = attribute.NameEquals("name") ? "." : ":";
                foreach (var inner in attribute.Value.EnumerateObject())
                {
                    yield return ($"{attribute.Name}{separator}{inner.Name}", inner.Value);
                }
            }
            else
            {
                yield return (attribute.Name, attribute.Value);
            }
        }
    }

    /// <summary>A path without the core schema's prefix, lower case; the enterprise department is <c>department</c>.</summary>
    private static string Normalise(string path)
    {
        var lower = path.Trim().ToLowerInvariant();
        const string core = "urn:ietf:params:scim:schemas:core:2.0:user:";
        const string enterprise = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:user:";
        return lower.StartsWith(core, StringComparison.Ordinal) ? lower[core.Length..]
            : lower.StartsWith(enterprise, StringComparison.Ordinal) ? "enterprise:" + lower[enterprise.Length..]
            : lower;
    }

    private static ReplaceScimUser Set(ReplaceScimUser state, string path, JsonElement value, int index, List<ValidationFailure> failures)
    {
        var field = $"operations[{index}].value";
        switch (Normalise(path))
        {
            case "active":
                if (Flag(value) is { } active)
                {
                    return state with { Active = active };
                }

                failures.Add(new(field, $"'active' must be true or false (or \"True\" or \"False\"), not {value.GetRawText()}."));
                return state;
            case "username":
                return Text(value, field, "userName", failures, out var userName) ? state with { UserName = userName } : state;
            case "externalid":
                return Text(value, field, "externalId", failures, out var externalId) ? state with { ExternalId = externalId } : state;
            case "displayname" or "name.formatted":
                return Text(value, field, "name.formatted", failures, out var displayName) ? state with { DisplayName = displayName } : state;
            case "enterprise:department":
                return Text(value, field, "department", failures, out var team) ? state with { Team = team } : state;
            case var emails when emails.StartsWith("emails", StringComparison.Ordinal):
                return PrimaryEmail(value) is { } email ? state with { Email = email } : state;
            default:
                // Not kept by this service: ignored, as on create and replace.
                return state;
        }
    }

    private static ReplaceScimUser Remove(ReplaceScimUser state, string path, int index, List<ValidationFailure> failures)
    {
        switch (Normalise(path))
        {
            case "externalid":
                return state with { ExternalId = null };
            case "enterprise:department":
                return state with { Team = null };
            case "active" or "username" or "displayname" or "name.formatted" or "name":
                failures.Add(new($"operations[{index}].path", $"'{path}' is required and cannot be removed; replace it instead."));
                return state;
            default:
                return state;
        }
    }

    /// <summary>A boolean, or the strings Entra ID sends for one ("True", "False").</summary>
    private static bool? Flag(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.String when bool.TryParse(value.GetString(), out var flag) => flag,
        _ => null,
    };

    private static bool Text(JsonElement value, string field, string attribute, List<ValidationFailure> failures, out string? text)
    {
        text = value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            _ => null,
        };
        if (value.ValueKind is JsonValueKind.String or JsonValueKind.Null)
        {
            return true;
        }

        failures.Add(new(field, $"'{attribute}' must be a string, not {value.GetRawText()}."));
        return false;
    }

    /// <summary>An address (<c>emails[type eq "work"].value</c>), or the primary (else first) of a list of emails.</summary>
    private static string? PrimaryEmail(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Array => value.EnumerateArray()
            .Where(e => e.ValueKind == JsonValueKind.Object && e.TryGetProperty("value", out var v) && v.ValueKind == JsonValueKind.String)
            .OrderByDescending(e => e.TryGetProperty("primary", out var p) && p.ValueKind == JsonValueKind.True)
            .Select(e => e.GetProperty("value").GetString())
            .FirstOrDefault(),
        _ => null,
    };
}
