namespace Achievements.Api.Infrastructure.Errors;

/// <summary>The request does not prove who sent it (a webhook without a valid signature). Becomes a 401.</summary>
internal sealed class UnauthorizedException(string message) : Exception(message);

/// <summary>Something the caller named does not exist. Becomes a 404 problem details.</summary>
internal sealed class NotFoundException(string what, string id)
    : Exception($"{what} '{id}' was not found.");

/// <summary>The request collides with what is stored (a taken key, a stale version). Becomes a 409.</summary>
internal sealed class ConflictException(string message) : Exception(message);

/// <summary>The caller's role may do this in general, but not to this resource (another employee's progress). A 403.</summary>
internal sealed class ForbiddenException(string message) : Exception(message);

/// <summary>The request is well-formed but the service refuses it in its current state (a gate). A 422.</summary>
internal sealed class UnprocessableException(string message, IReadOnlyDictionary<string, object?> extensions) : Exception(message)
{
    public IReadOnlyDictionary<string, object?> Extensions { get; } = extensions;
}
