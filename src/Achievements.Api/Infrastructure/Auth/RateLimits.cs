using System.Globalization;
using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Mvc;

namespace Achievements.Api.Infrastructure.Auth;

/// <summary>One token bucket: a steady rate and how much may arrive at once.</summary>
internal sealed class RateLimit
{
    public double PerSecond { get; set; }

    public int Burst { get; set; }
}

/// <summary>
/// Request limits (<c>Achievements:RateLimits:*</c>): per key for authenticated callers, per address for
/// anonymous ones. Sources get more room because editors post every suggestion they show.
/// </summary>
internal sealed class RateLimitOptions
{
    public bool Enabled { get; set; } = true;

    public RateLimit Source { get; set; } = new() { PerSecond = 50, Burst = 100 };

    public RateLimit Key { get; set; } = new() { PerSecond = 20, Burst = 40 };

    public RateLimit Anonymous { get; set; } = new() { PerSecond = 20, Burst = 40 };
}

internal static class RateLimits
{
    public static IServiceCollection AddAchievementsRateLimits(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection("Achievements:RateLimits").Get<RateLimitOptions>() ?? new RateLimitOptions();
        return services.AddRateLimiter(limiter =>
        {
            limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
            {
                if (!options.Enabled || context.Request.Path.StartsWithSegments("/health"))
                {
                    return RateLimitPartition.GetNoLimiter("unlimited");
                }

                // By key, or by signed-in person (who may have no role yet: an unmapped person is refused, and limited).
                if (context.User.FindFirstValue(Caller.KeyIdClaim) is { } keyId)
                {
                    return Bucket($"key:{keyId}", context.User.IsInRole(ApiRole.Source.Name()) ? options.Source : options.Key);
                }

                return Bucket($"address:{context.Connection.RemoteIpAddress}", options.Anonymous);
            });
            limiter.OnRejected = async (rejected, cancellationToken) =>
            {
                var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)) : 1;
                var http = rejected.HttpContext;
                http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
                http.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
                await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = http,
                    ProblemDetails = new ProblemDetails
                    {
                        Type = "https://tools.ietf.org/html/rfc6585#section-4",
                        Status = StatusCodes.Status429TooManyRequests,
                        Title = "Too many requests",
                        Detail = $"This key or address is over its request rate; retry after {retryAfter} s.",
                    },
                });
            };
        });
    }

    private static RateLimitPartition<string> Bucket(string partition, RateLimit limit) =>
        RateLimitPartition.GetTokenBucketLimiter(partition, _ =>
        {
            // Refill in tenths of a second where the rate allows, so a steady client never waits a whole second;
            // slower rates refill one token at a time.
            var perSecond = Math.Max(0.1, limit.PerSecond);
            var (tokens, period) = perSecond >= 10
                ? ((int)Math.Round(perSecond / 10), TimeSpan.FromMilliseconds(100))
                : (1, TimeSpan.FromSeconds(1 / perSecond));
            return new TokenBucketRateLimiterOptions
            {
                TokenLimit = Math.Max(1, limit.Burst),
                TokensPerPeriod = tokens,
                ReplenishmentPeriod = period,
                QueueLimit = 0,
                AutoReplenishment = true,
            };
        });
}
