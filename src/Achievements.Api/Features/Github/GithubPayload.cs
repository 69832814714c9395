using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Achievements.Api.Features.Identities;
using FluentValidation;
using FluentValidation.Results;

namespace Achievements.Api.Features.Github;

/// <summary>A GitHub account as a payload names it. Its numeric id is what GitHub keeps; a login can be renamed.</summary>
internal sealed record GithubAccount(long Id, string Login, bool IsBot)
{
    public const string Provider = "github";

    public Identity Identity => new(Provider, Id.ToString(CultureInfo.InvariantCulture), Login);
}

/// <summary>What one delivery tells the service, read from the payload; everything else in it is left unread.</summary>
internal abstract record GithubChange(string PrId);

/// <summary><c>pull_request_review</c> <c>submitted</c> with state <c>approved</c>.</summary>
internal sealed record GithubApproval(string PrId, long ReviewId, GithubAccount Reviewer, DateTimeOffset SubmittedAt) : GithubChange(PrId);

/// <summary><c>pull_request_review</c> <c>dismissed</c>: the review no longer approves.</summary>
internal sealed record GithubDismissal(string PrId, long ReviewId) : GithubChange(PrId);

/// <summary><c>pull_request</c> <c>closed</c> with <c>merged: true</c>, and the pull request it reverts, if its body says so.</summary>
internal sealed record GithubMerge(
    string PrId,
    long PullRequestId,
    string Repo,
    GithubAccount Author,
    GithubAccount? MergedBy,
    DateTimeOffset MergedAt,
    long Additions,
    long Deletions,
    string? Reverts) : GithubChange(PrId);

/// <summary>
/// Reads the few fields the mapping needs (docs/sources.md) from a delivery. A payload that lacks one is a 400 naming
/// it; an event or action the service does not use is null.
/// </summary>
internal static partial class GithubPayload
{
    public static GithubChange? Read(string githubEvent, JsonElement payload)
    {
        var action = Action(payload);
        return (githubEvent, action) switch
        {
            ("pull_request_review", "submitted") when string.Equals(Text(payload, "review.state"), "approved", StringComparison.OrdinalIgnoreCase) =>
                new GithubApproval(PrId(payload), Number(payload, "review.id"), Account(payload, "review.user"), Time(payload, "review.submitted_at")),
            ("pull_request_review", "dismissed") => new GithubDismissal(PrId(payload), Number(payload, "review.id")),
            // merge_commit_sha is set on every pull request GitHub test-merged, merged or not: only merged says.
            ("pull_request", "closed") when Find(payload, "pull_request.merged") is { ValueKind: JsonValueKind.True } => Merge(payload),
            _ => null,
        };
    }

    /// <summary>The action as sent, for the delivery's record; "" when there is none.</summary>
    public static string Action(JsonElement payload) => Find(payload, "action") is { ValueKind: JsonValueKind.String } action ? action.GetString()! : "";

    private static GithubMerge Merge(JsonElement payload) => new(
        PrId(payload),
        Number(payload, "pull_request.id"),
        Text(payload, "pull_request.base.repo.full_name"),
        Account(payload, "pull_request.user"),
        Find(payload, "pull_request.merged_by") is { ValueKind: JsonValueKind.Object } ? Account(payload, "pull_request.merged_by") : null,
        Time(payload, "pull_request.merged_at"),
        Number(payload, "pull_request.additions"),
        Number(payload, "pull_request.deletions"),
        Find(payload, "pull_request.body") is { ValueKind: JsonValueKind.String } body && RevertBody().Match(body.GetString()!) is { Success: true } revert
            ? $"{revert.Groups["repo"].Value}#{revert.Groups["number"].Value}"
            : null);

    /// <summary>A pull request is named by its base repository and number: <c>octo-org/web#42</c>.</summary>
    private static string PrId(JsonElement payload) =>
        $"{Text(payload, "pull_request.base.repo.full_name")}#{Number(payload, "pull_request.number")}";

    private static GithubAccount Account(JsonElement payload, string path) =>
        new(Number(payload, $"{path}.id"), Text(payload, $"{path}.login"), Find(payload, $"{path}.type") is { ValueKind: JsonValueKind.String } type && type.GetString() == "Bot");

    private static JsonElement? Find(JsonElement payload, string path)
    {
        var element = payload;
        foreach (var name in path.Split('.'))
        {
            if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(name, out element))
            {
                return null;
            }
        }

        return element;
    }

    private static string Text(JsonElement payload, string path) =>
        Find(payload, path) is { ValueKind: JsonValueKind.String } value && value.GetString() is { Length: > 0 and <= 1000 } text && TextRules.IsDisplayable(text)
            ? text
            : throw Missing(path, "a string");

    private static long Number(JsonElement payload, string path) =>
        Find(payload, path) is { ValueKind: JsonValueKind.Number } value && value.TryGetInt64(out var number) && number >= 0
            ? number
            : throw Missing(path, "a whole number");

    private static DateTimeOffset Time(JsonElement payload, string path) =>
        Find(payload, path) is { ValueKind: JsonValueKind.String } value && Events.Rfc3339.TryParse(value.GetString(), out var at)
            ? at
            : throw Missing(path, "an RFC 3339 time");

    private static ValidationException Missing(string path, string what) =>
        new([new ValidationFailure(path, $"The payload's {path} must be {what}.")]);

    // What GitHub's Revert button writes at the start of the new pull request's body.
    [GeneratedRegex(@"\AReverts (?<repo>[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+)#(?<number>[0-9]{1,10})\b", RegexOptions.CultureInvariant)]
    private static partial Regex RevertBody();
}
