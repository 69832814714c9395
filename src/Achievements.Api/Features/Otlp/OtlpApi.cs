using System.IO.Compression;
using Achievements.Api.Infrastructure.Auth;
using Mediator;
using Microsoft.AspNetCore.Mvc;

namespace Achievements.Api.Features.Otlp;

/// <summary>
/// OTLP/HTTP at the paths an exporter appends to <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>: <c>/v1/logs</c> and
/// <c>/v1/metrics</c>, in JSON or protobuf, gzip or not, authenticated by a source key in
/// <c>Authorization: Bearer</c> (what <c>OTEL_EXPORTER_OTLP_HEADERS</c> sends).
/// </summary>
internal static class OtlpApi
{
    /// <summary>4 MiB on the wire, and 16 MiB once decompressed: an exporter's batch is far smaller.</summary>
    public const long MaxBodyBytes = 4 * 1024 * 1024;

    private const long MaxDecompressedBytes = 16 * 1024 * 1024;

    private const string Json = "application/json";

    private const string Protobuf = "application/x-protobuf";

    public static WebApplication MapOtlpApi(this WebApplication app)
    {
        foreach (var signal in new[] { OtlpSignal.Logs, OtlpSignal.Metrics })
        {
            app.MapPost($"/v1/{signal.Name}", async (HttpContext http, IMediator mediator, CancellationToken ct) =>
                {
                    var protobuf = EncodingOf(http.Request);
                    var body = await ReadAsync(http.Request, ct);
                    var receipt = await mediator.Send(new ReceiveTelemetry(Caller.From(http.User).Subject!, signal, body, protobuf), ct);
                    var response = receipt.Response(signal);
                    return protobuf
                        ? Results.Bytes(response.Protobuf(), Protobuf)
                        : Results.Json(response.Json(), contentType: Json);
                })
                .RequireAuthorization(ApiKeyAuthentication.SourcePolicy)
                .WithMetadata(new RequestSizeLimitAttribute(MaxBodyBytes))
                .WithTags("OpenTelemetry")
                .WithName($"Otlp{char.ToUpperInvariant(signal.Name[0])}{signal.Name[1..]}")
                .WithSummary($"OTLP/HTTP {signal.Name} from AI coding tools (JSON or protobuf, gzip accepted), as attributed events.");
        }

        return app;
    }

    private static bool EncodingOf(HttpRequest request)
    {
        var type = request.ContentType?.Split(';')[0].Trim();
        return type switch
        {
            _ when string.Equals(type, Protobuf, StringComparison.OrdinalIgnoreCase) => true,
            _ when string.Equals(type, Json, StringComparison.OrdinalIgnoreCase) => false,
            _ => throw new BadHttpRequestException($"OTLP/HTTP bodies are {Protobuf} or {Json}, not '{type}'.", StatusCodes.Status415UnsupportedMediaType),
        };
    }

    private static async Task<byte[]> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var encoding = request.Headers.ContentEncoding.ToString().Trim();
        await using var buffer = new MemoryStream();
        if (encoding.Length == 0 || encoding.Equals("identity", StringComparison.OrdinalIgnoreCase))
        {
            await request.Body.CopyToAsync(buffer, cancellationToken);
            return buffer.ToArray();
        }

        if (!encoding.Equals("gzip", StringComparison.OrdinalIgnoreCase))
        {
            throw new BadHttpRequestException($"Content-Encoding is gzip or none, not '{encoding}'.", StatusCodes.Status415UnsupportedMediaType);
        }

        try
        {
            await using var gzip = new GZipStream(request.Body, CompressionMode.Decompress);
            var chunk = new byte[81920];
            int read;
            while ((read = await gzip.ReadAsync(chunk, cancellationToken)) > 0)
            {
                if (buffer.Length + read > MaxDecompressedBytes)
                {
                    throw new BadHttpRequestException("The body is larger than this endpoint accepts once decompressed.", StatusCodes.Status413PayloadTooLarge);
                }

                await buffer.WriteAsync(chunk.AsMemory(0, read), cancellationToken);
            }
        }
        catch (InvalidDataException)
        {
            throw new BadHttpRequestException("The body is not gzip, though Content-Encoding says it is.", StatusCodes.Status400BadRequest);
        }

        return buffer.ToArray();
    }
}
