using System.Text.RegularExpressions;
using Achievements.Api.Features.Audit;
using Achievements.Api.Infrastructure.Errors;
using Achievements.Api.Infrastructure.Storage;
using FluentValidation;
using Mediator;

namespace Achievements.Api.Features.Signals;

/// <summary>
/// Adds an organisation's own signal to the catalog. Its kind is fixed at creation: an admin cannot later
/// turn a volume signal into an outcome and so let spend earn badges retroactively.
/// </summary>
internal sealed record CreateSignal(
    string? Type,
    string? Kind,
    string? Description,
    Dictionary<string, string>? Attributes,
    List<string>? Optional,
    List<string>? Signed,
    string? Settlement,
    CorrectedBy? CorrectedBy,
    int? DailyCap,
    IReadOnlyList<QualifyCondition>? Qualify,
    ShippedBy? ShippedBy = null,
    Voices? Voices = null,
    IReadOnlyList<string>? AuthoritativeSources = null,
    Units? Units = null,
    Attribution? Attribution = null) : ICommand<SignalView>, ISignalPolicy;

internal sealed partial class CreateSignalValidator : AbstractValidator<CreateSignal>
{
    // Words the rule language gives a meaning of its own; an attribute named so could not be referred to.
    private static readonly HashSet<string> Reserved =
        ["actor", "and", "or", "not", "in", "where", "true", "false", "exists", "size", "count", "sum", "distinct", "days", "streak", "min", "max", "day", "week"];

    public CreateSignalValidator()
    {
        RuleLevelCascadeMode = CascadeMode.Stop;
        RuleFor(x => x.Type).NotEmpty()
            .Matches(TypePattern()).WithMessage("A signal type is two dot-separated lowercase words, such as 'deploy.succeeded' (a-z, 0-9, '_'; each at most 32 characters).");
        RuleFor(x => x.Kind).Must(kind => SignalDefinition.Kinds.Contains(kind))
            .WithMessage(x => $"'{x.Kind}' is not a signal kind; use outcome, volume, correction or evidence.");
        RuleFor(x => x.Description).NotEmpty().MaximumLength(500).Must(TextRules.IsDisplayable).WithMessage(TextRules.DisplayableMessage);
        RuleFor(x => x.Attributes).NotNull().Must(a => a!.Count <= 32).WithMessage("A signal has at most 32 attributes.");
        RuleFor(x => x.Attributes).Custom((attributes, context) =>
        {
            foreach (var (name, type) in attributes ?? [])
            {
                if (!AttributePattern().IsMatch(name))
                {
                    context.AddFailure($"attributes.{name}", $"'{name}' is not an attribute name: 1-48 characters of a-z, 0-9 and '_', starting with a letter.");
                }
                else if (Reserved.Contains(name))
                {
                    context.AddFailure($"attributes.{name}", $"'{name}' is a word of the rule language; choose another name.");
                }

                if (!AttributeDefinition.Types.Contains(type))
                {
                    context.AddFailure($"attributes.{name}", $"'{type}' is not an attribute type; use int, number, string, bool or string[].");
                }
            }
        });
        // A null in either list is a bad request, not a dictionary lookup of null (which throws: a 500).
        RuleForEach(x => x.Optional).Must((signal, name) => name is not null && signal.Attributes?.ContainsKey(name) == true)
            .WithMessage((_, name) => name is null ? "optional lists attribute names; null is not one." : $"'{name}' is not one of this signal's attributes.");
        RuleForEach(x => x.Signed).Must((signal, name) => name is not null && signal.Attributes?.GetValueOrDefault(name) is "int" or "number")
            .WithMessage((_, name) => name is null ? "signed lists attribute names; null is not one." : $"'{name}' is not a numeric attribute of this signal; only int and number attributes can be signed.");
        Include(new SignalPolicyValidator());
    }

    [GeneratedRegex("^[a-z][a-z0-9_]{0,31}\\.[a-z][a-z0-9_]{0,31}$", RegexOptions.CultureInvariant)]
    private static partial Regex TypePattern();

    [GeneratedRegex("^[a-z][a-z0-9_]{0,47}$", RegexOptions.CultureInvariant)]
    private static partial Regex AttributePattern();
}

internal sealed class CreateSignalHandler(IDbConnectionFactory connections, TimeProvider time, AuditTrail audit) : ICommandHandler<CreateSignal, SignalView>
{
    public async ValueTask<SignalView> Handle(CreateSignal command, CancellationToken cancellationToken)
    {
        var signal = new SignalDefinition(
            command.Type!,
            command.Kind!,
            command.Description!,
            [.. command.Attributes!.Select(a => new AttributeDefinition(
                a.Key, a.Value, command.Optional?.Contains(a.Key) == true, command.Signed?.Contains(a.Key) == true))],
            command.Settlement,
            command.CorrectedBy,
            command.DailyCap,
            command.Qualify ?? [],
            BuiltIn: false)
        {
            ShippedBy = command.ShippedBy,
            Voices = command.Voices,
            AuthoritativeSources = command.AuthoritativeSources ?? [],
            Units = command.Units,
            Attribution = command.Attribution,
        };

        await using var connection = await connections.OpenAsync(cancellationToken);
        return await connection.InTransactionAsync(async transaction =>
        {
            var catalog = await SignalStore.LoadAsync(connection, cancellationToken, transaction);
            if (catalog.Find(signal.Type) is not null)
            {
                throw new ConflictException($"Signal '{signal.Type}' already exists.");
            }

            SignalPolicyCheck.Ensure(signal, catalog);
            await SignalStore.TryInsertAsync(connection, signal, time.GetUtcNow(), cancellationToken, transaction);
            var view = SignalView.From(signal);
            await audit.RecordAsync(connection, transaction, "signal.created", view, cancellationToken);
            return view;
        }, cancellationToken);
    }
}
