using Achievements.Api.Infrastructure.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Achievements.Api.Features.Signals;

internal static class ReasonsApi
{
    public static RouteGroupBuilder MapReasonsApi(this RouteGroupBuilder api)
    {
        // A fixed table of the scoring library's, read like the signal catalog; no store, so no message to send.
        api.MapGet("/reasons", Ok<IReadOnlyDictionary<string, ReasonSentence>> () => TypedResults.Ok(ReasonSentences.All))
            .RequireAuthorization(ApiKeyAuthentication.AnyKeyPolicy)
            .WithTags("Reasons")
            .WithName("ListReasonSentences")
            .WithSummary("Each reason an event does not count (or waits), as a sentence for one event and for several, with {what} and {threshold} to fill in.");

        return api;
    }
}
