namespace Achievements.Api.Tests.Infrastructure;

/// <summary>Events as sources send them, valid unless a test changes them.</summary>
public static class SampleEvents
{
    public static string Rfc3339(DateTimeOffset at) => at.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);

    public static Dictionary<string, object?> PrMerged(string id, string actor, DateTimeOffset at, string reviewer = "reviewer-1", int linesAdded = 80) => new()
    {
        ["id"] = id,
        ["type"] = "pr.merged",
        ["actor"] = actor,
        ["occurredAt"] = Rfc3339(at),
        ["attributes"] = new Dictionary<string, object?>
        {
            ["pr_id"] = $"pr-{id}",
            ["repo"] = "web",
            ["lines_added"] = linesAdded,
            ["lines_deleted"] = 3,
            ["merged_by"] = reviewer,
            ["reviewers"] = new[] { reviewer },
        },
    };

    public static Dictionary<string, object?> TokensConsumed(string id, string actor, DateTimeOffset at, long tokens = 1200) => new()
    {
        ["id"] = id,
        ["type"] = "tokens.consumed",
        ["actor"] = actor,
        ["occurredAt"] = Rfc3339(at),
        ["attributes"] = new Dictionary<string, object?> { ["tokens"] = tokens, ["model"] = "large-model" },
    };

    public static object Batch(params object[] events) => new { events };
}
