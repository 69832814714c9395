using System.Net;
using System.Text.Json;
using Achievements.Api.Tests.Infrastructure;

namespace Achievements.Api.Tests.Features;

public sealed class ReasonSentencesTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    // Every code the scoring library can report: its exclusion reasons, and the names of the built-in qualify conditions.
    private static IEnumerable<string> EveryReason =>
        typeof(ExclusionReason).GetFields().Select(constant => (string)constant.GetRawConstantValue()!)
            .Concat(BuiltInSignals.All.SelectMany(signal => signal.Qualify).Select(condition => condition.Name))
            .Distinct();

    [Fact]
    public async Task Every_reason_the_scoring_library_reports_is_served_as_a_sentence_for_one_and_for_several()
    {
        await using var app = new AchievementsApp();
        var response = await (await app.ClientFor("employee", "ada")).GetAsync("/api/v1/reasons", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var served = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(await response.Content.ReadAsStringAsync(Ct))!;
        Assert.All(EveryReason, reason =>
        {
            Assert.True(served.TryGetValue(reason, out var sentence), $"no sentence for {reason}");
            Assert.StartsWith("{what} ", sentence.GetProperty("one").GetString(), StringComparison.Ordinal);
            Assert.StartsWith("{what} ", sentence.GetProperty("other").GetString(), StringComparison.Ordinal);
        });
    }
}
