using Achievements.Api.Features.Otlp;

namespace Achievements.Api.Tests.Otlp;

/// <summary>Each tool's records, in its own attribute names, as the catalog's signals: what sources.md's table says.</summary>
public sealed class AiToolEventsTests
{
    private static readonly DateTimeOffset At = new(2026, 5, 20, 9, 0, 0, TimeSpan.Zero);

    public static TheoryData<string, string, string> Records => new()
    {
        // record name | attributes (key=value, numbers as numbers) ⇶ events: type and attributes
        { "claude_code.api_request", "user.email=Ada@Example.com model=claude-opus input_tokens=100 output_tokens=20 cache_read_tokens=5 cache_creation_tokens=1 cost_usd=0.5", "tokens.consumed email:ada@example.com {\"tokens\":126,\"model\":\"claude-opus\",\"cost_usd\":0.5}" },
        { "claude_code.api_request", "user.account_uuid=u-1 model=claude-opus input_tokens=10", "tokens.consumed anthropic:u-1 {\"tokens\":10,\"model\":\"claude-opus\"}" },
        { "claude_code.user_prompt", "user.email=a@b.c prompt_length=40", "prompt.sent email:a@b.c {}" },
        { "claude_code.tool_decision", "user.email=a@b.c tool_name=Write decision=reject", "suggestion.shown email:a@b.c {\"suggestion_id\":\"*\",\"lines\":0,\"language\":\"unknown\"}" },
        { "claude_code.tool_decision", "user.email=a@b.c tool_name=Read decision=accept", "" },
        { "gemini_cli.api_response", "user.email=a@b.c model=gemini-2.5-pro input_token_count=90 output_token_count=10 total_token_count=100", "tokens.consumed email:a@b.c {\"tokens\":100,\"model\":\"gemini-2.5-pro\"}" },
        { "gemini_cli.tool_call", "user.email=a@b.c function_name=replace decision=accept metadata.model_added_lines=7", "suggestion.shown email:a@b.c {\"suggestion_id\":\"*\",\"lines\":7,\"language\":\"unknown\"} | suggestion.accepted email:a@b.c {\"suggestion_id\":\"*\",\"lines\":7,\"language\":\"unknown\"}" },
        { "codex.sse_event", "user.account_id=acct-9 event.kind=response.completed model=gpt-5-codex input_token_count=300 output_token_count=50 reasoning_token_count=20", "tokens.consumed openai:acct-9 {\"tokens\":370,\"model\":\"gpt-5-codex\"}" },
        { "codex.tool_decision", "user.email=a@b.c tool_name=apply_patch decision=approved", "suggestion.shown email:a@b.c {\"suggestion_id\":\"*\",\"lines\":0,\"language\":\"unknown\"} | suggestion.accepted email:a@b.c {\"suggestion_id\":\"*\",\"lines\":0,\"language\":\"unknown\"}" },
        // no user, no event: a record about nobody is not used
        { "claude_code.api_request", "model=claude-opus input_tokens=10", "" },
        { "browser.page_view", "user.email=a@b.c", "" },
    };

    [Theory]
    [MemberData(nameof(Records))]
    public void A_tool_s_record_becomes_the_catalog_s_events(string name, string attributes, string expected)
    {
        var record = new OtlpRecord(name, At, null, attributes.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(pair => pair.Split('=', 2))
            .ToDictionary(kv => kv[0], kv => double.TryParse(kv[1], System.Globalization.CultureInfo.InvariantCulture, out var n) ? (object)n : kv[1]));

        var events = AiToolEvents.Of(record);

        var actual = string.Join(" | ", events.Select(e => $"{e.Type} {e.User.Provider}:{e.User.Id} {System.Text.RegularExpressions.Regex.Replace(e.Attributes.ToJsonString(), "\"otlp-[0-9a-f]{32}\"", "\"*\"")}"));
        Assert.Equal(expected, actual);
        Assert.All(events, e => Assert.Equal(At, e.OccurredAt));
    }

    [Fact]
    public void The_same_record_gets_the_same_id_and_a_different_one_another()
    {
        OtlpRecord Request(double tokens) => new("claude_code.api_request", At, null, new Dictionary<string, object> { ["user.email"] = "a@b.c", ["input_tokens"] = tokens });

        Assert.Equal(AiToolEvents.Of(Request(10))[0].Id, AiToolEvents.Of(Request(10))[0].Id);
        Assert.NotEqual(AiToolEvents.Of(Request(10))[0].Id, AiToolEvents.Of(Request(11))[0].Id);
    }
}
