using FluentValidation;
using Mediator;

namespace Achievements.Api.Infrastructure.Validation;

/// <summary>
/// Runs every validator of a message before its handler, and checks every string it carries can be stored
/// (<see cref="StorableText"/>): one check for every field, path and query parameter, so that no validator can forget
/// one. Failures throw into the one error path.
/// </summary>
internal sealed class ValidationBehavior<TMessage, TResponse>(IEnumerable<IValidator<TMessage>> validators)
    : IPipelineBehavior<TMessage, TResponse>
    where TMessage : notnull, IMessage
{
    public async ValueTask<TResponse> Handle(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken)
    {
        var failures = StorableText.FailuresIn(message);
        foreach (var validator in validators)
        {
            var result = await validator.ValidateAsync(message, cancellationToken);
            failures.AddRange(result.Errors);
        }

        if (failures.Count > 0)
        {
            throw new ValidationException(failures);
        }

        return await next(message, cancellationToken);
    }
}
