using System.Text.RegularExpressions;
using Achievements.Api.Infrastructure.Errors;
using Achievements.Api.Infrastructure.Storage;
using FluentValidation;
using FluentValidation.Results;
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
    List<QualifyCondition>? Qualify) : ICommand<SignalView>;

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
            .WithMessage(x => $"'{x.Kind}' is not a signal kind; use outcome, volume or correction.");
        RuleFor(x => x.Description).NotEmpty().MaximumLength(500).Must(TextRules.IsDisplayable).WithMessage(TextRules.DisplayableMessage);
        RuleFor(x => x.Attributes).NotNull().Must(a => a!.Count <= 32).WithMessage("A signal has at most 32 attributes.");
        RuleForEach(x => x.Attributes).ChildRules(attribute =>
        {
            attribute.RuleFor(a => a.Key).Matches(AttributePattern())
                .WithMessage(a => $"'{a.Key}' is not an attribute name: 1-48 characters of a-z, 0-9 and '_', starting with a letter.")
                .Must(name => !Reserved.Contains(name)).WithMessage(a => $"'{a.Key}' is a word of the rule language; choose another name.");
            attribute.RuleFor(a => a.Value).Must(type => AttributeDefinition.Types.Contains(type))
                .WithMessage(a => $"'{a.Value}' is not an attribute type; use int, number, string, bool or string[].");
        }).OverridePropertyName("attributes");
        RuleForEach(x => x.Optional).Must((signal, name) => signal.Attributes?.ContainsKey(name) == true)
            .WithMessage((_, name) => $"'{name}' is not one of this signal's attributes.");
        RuleForEach(x => x.Signed).Must((signal, name) => signal.Attributes?.GetValueOrDefault(name) is "int" or "number")
            .WithMessage((_, name) => $"'{name}' is not a numeric attribute of this signal; only int and number attributes can be signed.");
        RuleFor(x => x.Settlement).Must(s => s is null || PolicyDuration.IsValid(s)).WithMessage(PolicyDuration.Rule);
        RuleFor(x => x.DailyCap).InclusiveBetween(1, 100_000);
        RuleFor(x => x.CorrectedBy).Must((signal, _) => signal.Kind == SignalDefinition.Outcome)
            .When(x => x.CorrectedBy is not null).WithMessage("Only outcome signals are corrected.");
        RuleFor(x => x.CorrectedBy!.On).Must((signal, on) => signal.Attributes?.ContainsKey(on) == true)
            .When(x => x.CorrectedBy is not null).WithMessage("correctedBy.on must name one of this signal's attributes.");
        RuleForEach(x => x.Qualify).ChildRules(condition =>
        {
            condition.RuleFor(c => c.Name).NotEmpty().Matches("^[a-z0-9][a-z0-9-]{0,47}$")
                .WithMessage("A condition name is 1-48 characters of a-z, 0-9 and '-'.");
            condition.RuleFor(c => c.Condition).NotEmpty().MaximumLength(4000);
        });
    }

    [GeneratedRegex("^[a-z][a-z0-9_]{0,31}\\.[a-z][a-z0-9_]{0,31}$", RegexOptions.CultureInvariant)]
    private static partial Regex TypePattern();

    [GeneratedRegex("^[a-z][a-z0-9_]{0,47}$", RegexOptions.CultureInvariant)]
    private static partial Regex AttributePattern();
}

internal sealed class CreateSignalHandler(IDbConnectionFactory connections, TimeProvider time) : ICommandHandler<CreateSignal, SignalView>
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
            BuiltIn: false);

        await using var connection = await connections.OpenAsync(cancellationToken);
        return await connection.InTransactionAsync(async transaction =>
        {
            var catalog = await SignalCatalog.LoadAsync(connection, cancellationToken, transaction);
            if (catalog.Find(signal.Type) is not null)
            {
                throw new ConflictException($"Signal '{signal.Type}' already exists.");
            }

            CheckCorrection(signal, catalog);
            await SignalCatalog.TryInsertAsync(connection, signal, time.GetUtcNow(), cancellationToken, transaction);
            return SignalView.From(signal);
        }, cancellationToken);
    }

    private static void CheckCorrection(SignalDefinition signal, SignalCatalog catalog)
    {
        if (signal.CorrectedBy is not { } correction)
        {
            return;
        }

        var corrector = catalog.Find(correction.Signal);
        string? problem = corrector switch
        {
            null => $"'{correction.Signal}' is not a signal in the catalog.",
            { Kind: not SignalDefinition.Correction } => $"'{correction.Signal}' is a {corrector.Kind} signal; a correction must be of kind correction.",
            _ when corrector.Attribute(correction.On) is null => $"'{correction.Signal}' has no attribute '{correction.On}' to match on.",
            _ => null,
        };
        if (problem is not null)
        {
            throw new ValidationException([new ValidationFailure("correctedBy", problem)]);
        }
    }
}
