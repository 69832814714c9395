using System.Data.Common;
using System.Text.Json;
using Achievements.Api.Infrastructure.Json;
using Achievements.Api.Infrastructure.Storage;
using FluentValidation;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace Achievements.Api.Infrastructure.Errors;

/// <summary>
/// The one error path: every exception a request raises becomes RFC 9457 problem details here.
/// Endpoints and handlers throw; nothing else writes error JSON.
/// </summary>
internal sealed partial class ProblemDetailsExceptionHandler(IProblemDetailsService problems, ILogger<ProblemDetailsExceptionHandler> logger)
    : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var details = exception switch
        {
            ValidationException validation => Validation(validation),
            UnauthorizedException unauthorized => Problem(StatusCodes.Status401Unauthorized, "Unauthorized", unauthorized.Message),
            NotFoundException notFound => Problem(StatusCodes.Status404NotFound, "Not found", notFound.Message),
            ConflictException conflict => Problem(StatusCodes.Status409Conflict, "Conflict", conflict.Message),
            // A unique key that refused a row a concurrent request wrote first: the same 409 on either store.
            DbException unique when SqlDialect.IsUniqueViolation(unique) =>
                Problem(StatusCodes.Status409Conflict, "Conflict", "Another request made the same change at the same time; nothing was changed by this one."),
            ForbiddenException forbidden => Problem(StatusCodes.Status403Forbidden, "Forbidden", forbidden.Message),
            RuleDiagnosticsException rule => RuleProblem(rule),
            UnprocessableException refused => Unprocessable(refused),
            BadHttpRequestException badRequest => BadRequest(badRequest),
            _ => null,
        };

        if (details is null)
        {
            logger.LogError(exception, "Unhandled exception for {Method} {Path}", httpContext.Request.Method, httpContext.Request.Path);
            details = Problem(StatusCodes.Status500InternalServerError, "Internal error", "The service failed to handle this request; nothing was changed.");
        }

        httpContext.Response.StatusCode = details.Status!.Value;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = details,
            Exception = exception,
        });
    }

    private static ProblemDetails Problem(int status, string title, string detail) =>
        new() { Status = status, Title = title, Detail = detail };

    private static ProblemDetails RuleProblem(RuleDiagnosticsException exception)
    {
        var details = Problem(StatusCodes.Status400BadRequest, "The rule does not compile", "See diagnostics for each problem, with its field and position.");
        details.Extensions["diagnostics"] = exception.Diagnostics;
        return details;
    }

    private static ProblemDetails Unprocessable(UnprocessableException exception)
    {
        var details = Problem(StatusCodes.Status422UnprocessableEntity, "Refused", exception.Message);
        foreach (var (name, value) in exception.Extensions)
        {
            details.Extensions[name] = value;
        }

        return details;
    }

    private static HttpValidationProblemDetails Validation(ValidationException validation)
    {
        var errors = validation.Errors
            .GroupBy(error => JsonFieldName.From(error.PropertyName))
            .ToDictionary(group => group.Key, group => group.Select(error => error.ErrorMessage).Distinct().ToArray());
        return new HttpValidationProblemDetails(errors)
        {
            Status = StatusCodes.Status400BadRequest,
            Title = "The request is not valid",
            Detail = "See errors for each field that needs fixing.",
        };
    }

    /// <summary>"Failed to bind parameter "Nullable`1 since" from "x"." becomes "'x' is not a valid value for since."</summary>
    private static string BindingMessage(string message) =>
        BindingFailure().Match(message) is { Success: true } match
            ? $"'{match.Groups["value"].Value}' is not a valid value for {match.Groups["name"].Value}."
            : message;

    [System.Text.RegularExpressions.GeneratedRegex("^Failed to bind parameter \"(?:.* )?(?<name>\\w+)\" from \"(?<value>.*)\"\\.$")]
    private static partial System.Text.RegularExpressions.Regex BindingFailure();

    private static ProblemDetails BadRequest(BadHttpRequestException exception)
    {
        if (exception.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return Problem(exception.StatusCode, "Request body too large", "The request body is larger than this endpoint accepts.");
        }

        // JsonException and binding messages name our internal types; say where the request went wrong instead.
        var json = exception.InnerException as JsonException;
        var detail = json is null
            ? BindingMessage(exception.Message)
            : $"The request body is not JSON of the shape this endpoint takes (at {json.Path ?? "$"}, line {json.LineNumber + 1}, byte {json.BytePositionInLine}). "
              + "Check for a syntax error, a value of the wrong type, a duplicated or unknown property, or nesting deeper than 32.";
        return Problem(exception.StatusCode, "Malformed request", detail);
    }
}
