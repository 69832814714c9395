using System.Text.Json;
using System.Text.Json.Nodes;
using Achievements.Api.Engine.Queue;
using Achievements.Api.Features.Audit;
using Achievements.Api.Infrastructure.Errors;
using Achievements.Api.Infrastructure.Json;
using Achievements.Api.Infrastructure.Storage;
using FluentValidation;
using FluentValidation.Results;
using Mediator;
using Microsoft.Extensions.Options;
using HttpJsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace Achievements.Api.Features.Signals;

/// <summary>How an update's body meets the signal as stored.</summary>
internal enum PolicyEdit
{
    /// <summary>PUT: the body is the whole policy; a policy field left out becomes null (<c>qualify</c>: none).</summary>
    Replace,

    /// <summary>PATCH: the body is a JSON merge patch (RFC 7396) on the signal as GET shows it.</summary>
    MergePatch,
}

/// <summary>
/// Changes a signal's policy: every field of its catalog entry but the fixed ones (<see cref="SignalView.FixedFields"/>),
/// so no policy change can turn spend into an outcome. The body stays JSON until it meets the stored signal:
/// only JSON tells a field left out from one sent as null, which a merge patch needs. Everyone is re-evaluated,
/// since what counts has changed; awards already held stay unless a correction takes them back.
/// </summary>
/// <remarks>
/// The body arrives as a <see cref="JsonElement"/>, not a JsonObject: binding a JsonObject throws a bare
/// ArgumentException on a duplicated property, where a JsonElement is refused as malformed JSON.
/// </remarks>
internal sealed record UpdateSignalPolicy(string Type, JsonElement Body, PolicyEdit Edit) : ICommand<SignalView>;

/// <summary>
/// The signal an update proposes. It exists only once the stored signal is read, so the handler runs this
/// validator itself, for PUT and PATCH alike, and its failures take the one error path.
/// </summary>
internal sealed class UpdateSignalPolicyValidator : AbstractValidator<SignalView>
{
    public UpdateSignalPolicyValidator()
    {
        RuleFor(x => x.Description).MaximumLength(500).Must(TextRules.IsDisplayable).WithMessage(TextRules.DisplayableMessage);
        Include(new SignalPolicyValidator());
    }
}

internal sealed class UpdateSignalPolicyHandler(
    IDbConnectionFactory connections,
    TimeProvider time,
    AuditTrail audit,
    IValidator<SignalView> validator,
    IOptions<HttpJsonOptions> json) : ICommandHandler<UpdateSignalPolicy, SignalView>
{
    // The API's own JSON options, so that the document a patch applies to is the one GET shows.
    private JsonSerializerOptions Json => json.Value.SerializerOptions;

    public async ValueTask<SignalView> Handle(UpdateSignalPolicy command, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var connection = await connections.OpenAsync(cancellationToken);
        return await connection.InTransactionAsync(async transaction =>
        {
            var catalog = await SignalStore.LoadAsync(connection, cancellationToken, transaction);
            var before = catalog.Find(command.Type) ?? throw new NotFoundException("Signal", command.Type);
            var proposed = await ProposedAsync(SignalView.From(before), command, cancellationToken);
            var after = proposed.ApplyPolicyTo(before);
            SignalPolicyCheck.Ensure(after, catalog);

            await SignalStore.UpdatePolicyAsync(connection, after, now, cancellationToken, transaction);
            await audit.RecordAsync(connection, transaction, "signal.policy-changed", new { before = SignalView.From(before), after = SignalView.From(after) }, cancellationToken);
            await EvaluationQueue.EnqueueEveryoneAsync(connection, transaction, now, cancellationToken);
            return SignalView.From(after);
        }, cancellationToken);
    }

    /// <summary>The signal as the edit leaves it, refused with every failure at once: a fixed field changed, an unknown field, an invalid policy.</summary>
    private async Task<SignalView> ProposedAsync(SignalView current, UpdateSignalPolicy command, CancellationToken cancellationToken)
    {
        // Nodes made without the API's options match names exactly, as GET spells them, as RFC 7396 does.
        var shown = JsonObject.Create(JsonSerializer.SerializeToElement(current, Json))!;
        var body = NodeOf(command.Body);
        if ((command.Edit == PolicyEdit.MergePatch ? JsonMergePatch.Apply(shown, body) : Replace(shown, body)) is not JsonObject edited)
        {
            throw new ValidationException([new ValidationFailure("$", "The body is a JSON object of a signal's fields.")]);
        }

        var failures = new List<ValidationFailure>();
        foreach (var field in SignalView.FixedFields.Where(field => !JsonNode.DeepEquals(shown[field], edited[field])))
        {
            failures.Add(new ValidationFailure(field, $"{field} is fixed once a signal exists; leave it out or send it as GET /api/v1/signals shows it."));
        }

        foreach (var field in edited.Select(member => member.Key).Where(name => !shown.ContainsKey(name)).ToList())
        {
            var meant = shown.Select(member => member.Key).FirstOrDefault(name => name.Equals(field, StringComparison.OrdinalIgnoreCase));
            failures.Add(new ValidationFailure(field, meant is null
                ? $"'{field}' is not a field of a signal."
                : $"'{field}' is not a field of a signal; names are case-sensitive: did you mean '{meant}'?"));
            edited.Remove(field);
        }

        var proposed = Read(edited, failures);
        if (proposed is not null)
        {
            failures.AddRange((await validator.ValidateAsync(proposed, cancellationToken)).Errors);
        }

        return failures.Count == 0 ? proposed! : throw new ValidationException(failures);
    }

    /// <summary>PUT's document: the fixed fields as stored, then the body's fields as sent, so that a policy field left out is gone.</summary>
    private static JsonObject? Replace(JsonObject shown, JsonNode? body)
    {
        if (body is not JsonObject fields)
        {
            return null;
        }

        var edited = new JsonObject();
        foreach (var field in SignalView.FixedFields)
        {
            edited[field] = shown[field]?.DeepClone();
        }

        foreach (var (name, value) in fields)
        {
            edited[name] = value?.DeepClone();
        }

        return edited;
    }

    /// <summary>The body as nodes. A JsonElement unescapes its strings only when read, so half a surrogate pair is found here.</summary>
    private static JsonNode? NodeOf(JsonElement body)
    {
        try
        {
            return JsonSerializer.SerializeToNode(body);
        }
        catch (JsonException)
        {
            throw new ValidationException([new ValidationFailure("$", "The body holds a string that is not text: an escape such as \\ud800 is half a character.")]);
        }
    }

    private SignalView? Read(JsonObject edited, List<ValidationFailure> failures)
    {
        try
        {
            return edited.Deserialize<SignalView>(Json);
        }
        catch (JsonException exception)
        {
            var field = exception.Path is { Length: > 2 } path ? path[2..] : "$";
            failures.Add(new ValidationFailure(field, "This value is not of the shape this field takes: check its type and the names of its properties."));
            return null;
        }
    }
}
