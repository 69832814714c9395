using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Metadata;

namespace Achievements.Api.Infrastructure.Errors;

/// <summary>
/// Answers an over-long declared body with 413 before anything reads it. Kestrel enforces the same limits
/// on the bytes actually sent (chunked bodies included); this makes the refusal the same on every server.
/// </summary>
internal static class RequestBodyLimit
{
    /// <summary>Every endpoint but event ingestion takes at most 64 KiB.</summary>
    public const long DefaultBytes = 64 * 1024;

    public static IApplicationBuilder UseRequestBodyLimit(this IApplicationBuilder app) =>
        app.Use((context, next) =>
        {
            var limit = context.GetEndpoint()?.Metadata.GetMetadata<IRequestSizeLimitMetadata>()?.MaxRequestBodySize ?? DefaultBytes;
            if (context.Request.ContentLength > limit)
            {
                throw new BadHttpRequestException("The request body is too large.", StatusCodes.Status413PayloadTooLarge);
            }

            if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
            {
                feature.MaxRequestBodySize = limit;
            }

            return next(context);
        });
}
