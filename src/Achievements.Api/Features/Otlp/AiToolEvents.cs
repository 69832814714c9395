using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Achievements.Api.Infrastructure.Validation;

namespace Achievements.Api.Features.Otlp;

/// <summary>Whom an AI tool's record is about: an identity provider and its id (an email address, an account id).</summary>
internal sealed record ToolUser(string Provider, string Id);

/// <summary>One event an AI tool's telemetry becomes: of a catalog signal, about a tool user, with an id derived from the record.</summary>
internal sealed record ToolEvent(string Id, string Type, ToolUser User, DateTimeOffset OccurredAt, JsonObject Attributes);

/// <summary>
/// What AI coding tools report over OpenTelemetry, as the catalog's signals. Everything a tool says about its own
/// user is attribution: spend (<c>tokens.consumed</c>), prompts (<c>prompt.sent</c>), edits offered and accepted
/// (<c>suggestion.shown</c>, <c>suggestion.accepted</c>). An accepted edit counts only once it ships in its author's
/// reviewed, merged pull request (the signal's policy), so nothing here can earn on its own.
/// </summary>
internal static class AiToolEvents
{
    /// <summary>The tools' edit tools: a decision about one of them is a suggested edit, any other tool call is not.</summary>
    private static readonly HashSet<string> EditTools = new(StringComparer.OrdinalIgnoreCase)
    {
        "Edit", "MultiEdit", "Write", "NotebookEdit", "replace", "write_file", "edit", "apply_patch",
    };

    /// <summary>The events a record becomes: none for a record no mapping uses, or one without a user or a time.</summary>
    public static IReadOnlyList<ToolEvent> Of(OtlpRecord record)
    {
        if (UserOf(record) is not { } user || record.Time is not { } at)
        {
            return [];
        }

        return record.Name switch
        {
            "claude_code.api_request" => Spend(record, user, at, record.Number("input_tokens"), record.Number("output_tokens"), record.Number("cache_read_tokens"), record.Number("cache_creation_tokens")),
            "gemini_cli.api_response" => Spend(record, user, at, record.Number("total_token_count")
                ?? (record.Number("input_token_count") ?? 0) + (record.Number("output_token_count") ?? 0) + (record.Number("thoughts_token_count") ?? 0) + (record.Number("tool_token_count") ?? 0)),
            "codex.sse_event" or "codex.api_request" => Spend(record, user, at, record.Number("input_token_count"), record.Number("output_token_count"), record.Number("reasoning_token_count"), record.Number("tool_token_count")),
            "claude_code.user_prompt" or "gemini_cli.user_prompt" or "codex.user_prompt" => [Prompt(record, user, at)],
            "claude_code.tool_decision" or "codex.tool_decision" => Decision(record, user, at, record.Text("tool_name"), record.Text("decision")),
            "gemini_cli.tool_call" => Decision(record, user, at, record.Text("function_name"), record.Text("decision"), record.Number("metadata.model_added_lines") ?? record.Number("model_added_lines")),
            // Metrics, read only as increments (delta temporality): Refusal names the cumulative ones.
            _ when record.Cumulative || record.Value is not { } value || !double.IsFinite(value) || value <= 0 => [],
            "claude_code.token.usage" or "gemini_cli.token.usage" => Spend(record, user, at, aggregate: true, record.Value),
            "claude_code.lines_of_code.count" when record.Text("type") == "added" => [LinesAccepted(record, user, at, record.Value.Value)],
            _ => [],
        };
    }

    /// <summary>
    /// Why a record a mapping reads cannot be used, or null: a metric the service reads as increments sent as running
    /// totals (cumulative temporality), which would count every earlier export again; or text its
    /// <paramref name="events"/> would store that the service stores nowhere (a control character), refused here
    /// because an unmapped user's events are held as sent.
    /// </summary>
    public static string? Refusal(OtlpRecord record, IReadOnlyList<ToolEvent> events) =>
        record.Cumulative && DeltaMetrics.Contains(record.Name)
            ? $"{record.Name} is cumulative; set OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE=delta"
            : events.Select(Unstorable).OfType<string>().FirstOrDefault() is { } why ? $"{record.Name}'s {why}" : null;

    private static string? Unstorable(ToolEvent e) =>
        StorableText.Problem(e.User.Id) is { } problem
            ? $"user {problem}"
            : e.Attributes.Select(a => a.Value is JsonValue value && value.TryGetValue<string>(out var text) && StorableText.Problem(text) is { } p ? $"{a.Key} {p}" : null)
                .OfType<string>().FirstOrDefault();

    /// <summary>The metrics a mapping reads, each as the increment since the tool's last export.</summary>
    private static readonly HashSet<string> DeltaMetrics = new(StringComparer.Ordinal)
    {
        "claude_code.token.usage", "gemini_cli.token.usage", "claude_code.lines_of_code.count",
    };

    /// <summary>
    /// The user a record is about, from the resource or record attributes: an email address is the same person in
    /// every tool; an account id is the provider's (Claude Code's <c>user.account_uuid</c>, Codex's <c>user.account_id</c>).
    /// </summary>
    private static ToolUser? UserOf(OtlpRecord record) =>
        record.Text("user.email") is { Length: > 0 } email ? new("email", email.Trim().ToLowerInvariant())
        : record.Text("user.account_uuid") is { Length: > 0 } uuid ? new("anthropic", uuid)
        : record.Text("user.account_id") is { Length: > 0 } account ? new(record.Name.StartsWith("codex.", StringComparison.Ordinal) ? "openai" : "account", account)
        : null;

    private static IReadOnlyList<ToolEvent> Spend(OtlpRecord record, ToolUser user, DateTimeOffset at, params double?[] counts) =>
        Spend(record, user, at, aggregate: false, counts);

    /// <summary>
    /// Spend: a request's tokens from a log event, or a token metric's increment (<paramref name="aggregate"/>), which
    /// repeats the requests' tokens when the tool also exports its logs and counts only where it does not (SpendReports).
    /// </summary>
    private static IReadOnlyList<ToolEvent> Spend(OtlpRecord record, ToolUser user, DateTimeOffset at, bool aggregate, params double?[] counts)
    {
        var tokens = counts.Sum(c => c ?? 0);
        if (tokens <= 0)
        {
            return [];
        }

        var attributes = new JsonObject { ["tokens"] = (long)Math.Round(tokens), ["model"] = record.Text("model") ?? "" };
        if (aggregate)
        {
            attributes["aggregate"] = true;
        }

        if (record.Number("cost_usd") is { } cost && double.IsFinite(cost) && cost >= 0)
        {
            attributes["cost_usd"] = cost;
        }

        return [new ToolEvent(IdOf(record), "tokens.consumed", user, at, attributes)];
    }

    private static ToolEvent Prompt(OtlpRecord record, ToolUser user, DateTimeOffset at) =>
        new(IdOf(record), "prompt.sent", user, at, []);

    /// <summary>
    /// A decision about an edit tool: the edit was offered (<c>suggestion.shown</c>), and accepted when the decision
    /// says so, with the lines the model added where the tool reports them (Gemini CLI's <c>model_added_lines</c>).
    /// Claude Code and Codex report no line count with a decision, so their acceptances have no lines and count for
    /// nothing: the policy asks for at least one line, and for the pull request that shipped it.
    /// </summary>
    private static IReadOnlyList<ToolEvent> Decision(OtlpRecord record, ToolUser user, DateTimeOffset at, string? tool, string? decision, double? addedLines = null)
    {
        if (tool is null || !EditTools.Contains(tool))
        {
            return [];
        }

        var id = IdOf(record);
        var language = record.Text("language") ?? "unknown";
        var lines = addedLines is { } added && double.IsFinite(added) && added > 0 ? (long)added : 0;
        var shown = new ToolEvent($"{id}-shown", "suggestion.shown", user, at, new JsonObject { ["suggestion_id"] = id, ["lines"] = lines, ["language"] = language });
        if (decision is not ("accept" or "approved" or "auto_accept" or "accepted"))
        {
            return [shown];
        }

        var accepted = new JsonObject { ["suggestion_id"] = id, ["lines"] = lines, ["language"] = language };
        return [shown, new ToolEvent($"{id}-accepted", "suggestion.accepted", user, at, accepted)];
    }

    /// <summary>
    /// Lines Claude Code's edits added since its last export (<c>claude_code.lines_of_code.count</c>, type
    /// <c>added</c>): its only report of how much of an edit it wrote, since its edit decisions carry no lines. One
    /// export's lines are one accepted suggestion, which counts only as far as its author's reviewed, merged pull
    /// requests added lines (the signal's policy).
    /// </summary>
    private static ToolEvent LinesAccepted(OtlpRecord record, ToolUser user, DateTimeOffset at, double lines)
    {
        var id = IdOf(record);
        return new ToolEvent($"{id}-accepted", "suggestion.accepted", user, at, new JsonObject { ["suggestion_id"] = id, ["lines"] = (long)Math.Round(lines), ["language"] = record.Text("language") ?? "unknown" });
    }

    /// <summary>
    /// An id from the record's content: a retried export sends the same records, which get the same ids and are
    /// duplicates, not a second count. The tool's own ids (a prompt or request id) are used where it sends them.
    /// </summary>
    private static string IdOf(OtlpRecord record)
    {
        var content = new StringBuilder(record.Name).Append('|').Append(record.Time?.UtcTicks);
        if (record.Value is { } increment)
        {
            // A data point's increment is part of what it says (a log record has none, and its ids stay as they were).
            content.Append("|value=").Append(increment.ToString("R", CultureInfo.InvariantCulture));
        }

        foreach (var (key, value) in record.Attributes.OrderBy(a => a.Key, StringComparer.Ordinal))
        {
            content.Append('|').Append(key).Append('=').Append(Convert.ToString(value, CultureInfo.InvariantCulture));
        }

        return $"otlp-{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(content.ToString())))[..32]}";
    }
}
