using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Achievements.Api.Features.Notifications;

/// <summary>
/// Notifications as Slack incoming-webhook messages: <c>text</c> (what Slack shows in alerts) and <c>blocks</c>
/// (mrkdwn sections). One notification is one line; many due at once are one digest, which counts them by type and
/// by badge and tier and quotes the first few, so that a badge published to 5,000 people is one message, not 5,000.
/// </summary>
internal static class SlackMessage
{
    /// <summary>The notifications a digest quotes line by line.</summary>
    public const int Quoted = 10;

    public static string Of(string payload)
    {
        var line = Line(Parse(payload));
        return Message(line, [Section(line)]);
    }

    public static string Digest(IReadOnlyList<string> payloads)
    {
        var notices = payloads.Select(Parse).ToList();
        var byType = notices.GroupBy(n => n.Type).OrderBy(g => Order(g.Key)).ToList();
        var total = Count(notices.Count);
        var summary = $"{total} notifications: {string.Join(", ", byType.Select(g => $"{Count(g.Count())} {Label(g.Key)}"))}";
        var blocks = new List<JsonObject> { Section($"*{Escape(summary)}*") };
        foreach (var type in byType)
        {
            var breakdown = type.Key == NotificationType.FlagRaised
                ? string.Join(", ", type.GroupBy(n => Text(n.Data, "detector") ?? "").OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{Count(g.Count())} {Escape(g.Key)}"))
                : string.Join("; ", type.GroupBy(n => Text(n.Data, "badge") ?? "").OrderBy(g => g.Key, StringComparer.Ordinal).Select(badge =>
                    $"*{Escape(badge.Key)}*: " + string.Join(", ", badge.GroupBy(n => Text(n.Data, "tier") ?? Text(n.Data, "previousTier")).OrderBy(g => g.Key, StringComparer.Ordinal)
                        .Select(tier => $"{Count(tier.Count())} {Escape(tier.Key ?? "no tier")}"))));
            blocks.Add(Section($"{Count(type.Count())} {Label(type.Key)} — {breakdown}"));
        }

        var quoted = string.Join("\n", notices.Take(Quoted).Select(Line));
        blocks.Add(Section(notices.Count > Quoted ? $"{quoted}\n…and {Count(notices.Count - Quoted)} more." : quoted));
        return Message(summary, blocks);
    }

    private static (string Type, JsonElement Data) Parse(string payload)
    {
        var body = JsonSerializer.Deserialize<JsonElement>(payload);
        return (body.GetProperty("type").GetString()!, body.GetProperty("data"));
    }

    /// <summary>One notification as a mrkdwn line.</summary>
    private static string Line((string Type, JsonElement Data) notice)
    {
        var data = notice.Data;
        string E(string name) => Escape(Text(data, name) ?? "");
        var because = Text(data, "reason") is { Length: > 0 } reason ? $": {Escape(reason)}" : "";
        return notice.Type switch
        {
            NotificationType.AwardGranted => $"🏅 *{E("employee")}* earned *{E("badge")}* ({E("tier")})",
            NotificationType.AwardUpgraded => $"⬆️ *{E("employee")}* moved up to {E("tier")} in *{E("badge")}* (from {E("previousTier")})",
            NotificationType.AwardDowngraded => $"⬇️ *{E("employee")}*'s *{E("badge")}* went down to {E("tier")} (from {E("previousTier")}){because}",
            NotificationType.AwardRevoked => $"✖️ *{E("employee")}*'s *{E("badge")}* ({E("previousTier")}) was revoked{because}",
            NotificationType.AwardRestored => $"↩️ *{E("employee")}*'s *{E("badge")}* ({E("tier")}) was restored",
            NotificationType.FlagRaised => $"🚩 Flag {data.GetProperty("flag").GetInt64()}: *{E("detector")}* flagged {Escape(string.Join(", ", data.GetProperty("employees").EnumerateArray().Select(e => e.GetString())))} (score {data.GetProperty("score").GetDouble().ToString("0.00", CultureInfo.InvariantCulture)})",
            _ => Escape(notice.Type),
        };
    }

    private static string Label(string type) => type switch
    {
        NotificationType.AwardGranted => "awards granted",
        NotificationType.AwardUpgraded => "upgraded",
        NotificationType.AwardDowngraded => "downgraded",
        NotificationType.AwardRevoked => "revoked",
        NotificationType.AwardRestored => "restored",
        NotificationType.FlagRaised => "flags raised",
        _ => type,
    };

    private static int Order(string type) => NotificationType.All.ToList().IndexOf(type);

    private static string? Text(JsonElement data, string name) =>
        data.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static string Count(int count) => count.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>The three characters Slack's mrkdwn reserves, as its documentation says to escape them.</summary>
    private static string Escape(string text) => text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);

    private static JsonObject Section(string mrkdwn) => new()
    {
        ["type"] = "section",
        ["text"] = new JsonObject { ["type"] = "mrkdwn", ["text"] = mrkdwn },
    };

    private static string Message(string text, IEnumerable<JsonObject> blocks) =>
        new JsonObject { ["text"] = text, ["blocks"] = new JsonArray([.. blocks]) }.ToJsonString();
}
