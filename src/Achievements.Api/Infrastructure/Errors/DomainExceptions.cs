namespace Achievements.Api.Infrastructure.Errors;

/// <summary>Something the caller named does not exist. Becomes a 404 problem details.</summary>
internal sealed class NotFoundException(string what, string id)
    : Exception($"{what} '{id}' was not found.");

/// <summary>The request collides with what is stored (a taken key, a stale version). Becomes a 409.</summary>
internal sealed class ConflictException(string message) : Exception(message);
