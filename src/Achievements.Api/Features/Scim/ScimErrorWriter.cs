using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace Achievements.Api.Features.Scim;

/// <summary>
/// Writes the one error path's problem details as SCIM error bodies under <c>/scim/v2</c> (RFC 7644 §3.12): the
/// Error schema, <c>status</c> as a string, a <c>scimType</c> where one fits, and the problem's detail, because
/// that is what identity providers parse. Everything still flows one way: handlers throw the domain exceptions, the
/// exception handler (and the key check's 401 and 403) make problem details, and only their rendering differs here.
/// </summary>
internal sealed class ScimErrorWriter(IOptions<JsonOptions> json) : IProblemDetailsWriter
{
    public const string PathPrefix = "/scim/v2";

    public bool CanWrite(ProblemDetailsContext context) =>
        context.HttpContext.Request.Path.StartsWithSegments(PathPrefix, StringComparison.OrdinalIgnoreCase);

    public ValueTask WriteAsync(ProblemDetailsContext context)
    {
        var http = context.HttpContext;
        var problem = context.ProblemDetails;
        var status = problem.Status ?? http.Response.StatusCode;
        var error = new ScimError(status.ToString(CultureInfo.InvariantCulture), ScimTypeOf(status, context), DetailOf(problem), problem.Title);
        return new ValueTask(http.Response.WriteAsJsonAsync(error, json.Value.SerializerOptions, ScimSchemas.MediaType, http.RequestAborted));
    }

    /// <summary>
    /// RFC 7644 §3.12's kinds of 400 and 409: a taken userName is <c>uniqueness</c>; a filter this service does not
    /// serve, <c>invalidFilter</c>; a bad PATCH path, <c>invalidPath</c>; a body that is not JSON, <c>invalidSyntax</c>;
    /// any other refused value, <c>invalidValue</c>.
    /// </summary>
    private static string? ScimTypeOf(int status, ProblemDetailsContext context) => status switch
    {
        StatusCodes.Status409Conflict => "uniqueness",
        StatusCodes.Status400BadRequest => context.ProblemDetails switch
        {
            HttpValidationProblemDetails { Errors: var errors } when errors.ContainsKey("filter") => "invalidFilter",
            HttpValidationProblemDetails { Errors: var errors } when errors.Keys.Any(k => k.EndsWith(".path", StringComparison.Ordinal)) => "invalidPath",
            _ when context.Exception is BadHttpRequestException { InnerException: JsonException } => "invalidSyntax",
            _ => "invalidValue",
        },
        _ => null,
    };

    /// <summary>A validation problem's fields and messages in the one detail string SCIM has.</summary>
    private static string? DetailOf(Microsoft.AspNetCore.Mvc.ProblemDetails problem) => problem is HttpValidationProblemDetails validation
        ? string.Join(" ", validation.Errors.SelectMany(field => field.Value.Select(message => $"{field.Key}: {message}")))
        : problem.Detail;

    private sealed record ScimError(
        string Status,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ScimType,
        string? Detail,
        string? Title)
    {
        public IReadOnlyList<string> Schemas { get; } = [ScimSchemas.Error];
    }
}
