using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Achievements.Api.Features.Identities;
using Achievements.Api.Infrastructure.Json;
using Achievements.Api.Infrastructure.Validation;
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
internal abstract record GithubChange;

/// <summary><c>pull_request_review</c> <c>submitted</c> with state <c>approved</c>.</summary>
internal sealed record GithubApproval(string PrId, long ReviewId, GithubAccount Reviewer, DateTimeOffset SubmittedAt) : GithubChange;

/// <summary><c>pull_request_review</c> <c>dismissed</c>: the review no longer approves.</summary>
internal sealed record GithubDismissal(string PrId, long ReviewId) : GithubChange;

/// <summary>
/// <c>pull_request</c> <c>closed</c> with <c>merged: true</c>: its assignees (who shepherded an agent's pull request),
/// the commit it merged as (lower case, when it is a commit id), and the pull request it reverts, if its body says so.
/// </summary>
internal sealed record GithubMerge(
    string PrId,
    long PullRequestId,
    string Repo,
    GithubAccount Author,
    GithubAccount? MergedBy,
    IReadOnlyList<GithubAccount> Assignees,
    DateTimeOffset MergedAt,
    long Additions,
    long Deletions,
    string? MergeCommitSha,
    string? Reverts) : GithubChange;

/// <summary>
/// One commit of a push: its id (lower case), its message, the GitHub login of its author when GitHub knows it, and
/// whether this push is the first to bring it (<c>distinct</c>; a commit pushed to a branch before is not).
/// </summary>
internal sealed record GithubCommit(string Sha, string Message, string? AuthorLogin, DateTimeOffset At, bool Distinct);

/// <summary>
/// <c>push</c> with commits: the repository, who pushed, the commits whose id and message could be read, and the
/// number of the pull request the push merged when exactly one of its commits is GitHub's "Merge pull request #N".
/// </summary>
internal sealed record GithubPush(string Repo, GithubAccount Sender, IReadOnlyList<GithubCommit> Commits, long? MergedNumber) : GithubChange
{
    public string? MergedPrId => MergedNumber is { } number ? $"{Repo}#{number.ToString(CultureInfo.InvariantCulture)}" : null;
}

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
            // A push carries no action; one without commits (a deleted branch, a tag) says nothing about anyone's work.
            ("push", _) when Find(payload, "commits") is { ValueKind: JsonValueKind.Array } commits && commits.GetArrayLength() > 0 => Push(payload, commits),
            _ => null,
        };
    }

    /// <summary>The action as sent, for the delivery's record; "" when there is none.</summary>
    public static string Action(JsonElement payload) => Storable(Find(payload, "action")) ?? "";

    private static GithubMerge Merge(JsonElement payload) => new(
        PrId(payload),
        Number(payload, "pull_request.id"),
        Text(payload, "pull_request.base.repo.full_name"),
        Account(payload, "pull_request.user"),
        Find(payload, "pull_request.merged_by") is { ValueKind: JsonValueKind.Object } ? Account(payload, "pull_request.merged_by") : null,
        Find(payload, "pull_request.assignees") is { ValueKind: JsonValueKind.Array } assignees
            ? [.. assignees.EnumerateArray().Select((assignee, i) => User(assignee, $"pull_request.assignees[{i}]"))]
            : [],
        Time(payload, "pull_request.merged_at"),
        Number(payload, "pull_request.additions"),
        Number(payload, "pull_request.deletions"),
        // Only merged says a pull request merged (above); then merge_commit_sha is the commit it merged as, which
        // evidence about that commit (a squash merge's co-author trailers) names.
        CommitId(Find(payload, "pull_request.merge_commit_sha")),
        Storable(Find(payload, "pull_request.body")) is { } body && RevertBody().Match(body) is { Success: true } revert
            ? $"{revert.Groups["repo"].Value}#{revert.Groups["number"].Value}"
            : null);

    /// <summary>
    /// The commits a push names, with <c>repository.full_name</c> and <c>sender</c>. A commit whose id is not a commit id
    /// or whose message is not text is left out: it can be evidence of nothing.
    /// </summary>
    private static GithubPush Push(JsonElement payload, JsonElement commits)
    {
        GithubCommit[] read = [.. commits.EnumerateArray().Select((commit, i) => (Commit: commit, At: $"commits[{i}]"))
            .Where(c => CommitId(Find(c.Commit, "id")) is not null && Storable(Find(c.Commit, "message")) is not null)
            .Select(c => new GithubCommit(
                CommitId(Find(c.Commit, "id"))!,
                Storable(Find(c.Commit, "message"))!,
                // The author's GitHub login, when their commit e-mail belongs to an account; the git name is not a login.
                Storable(Find(c.Commit, "author.username")) is { Length: > 0 and <= 100 } login && TextRules.IsDisplayable(login) ? login : null,
                Time(c.Commit, "timestamp", c.At),
                Find(c.Commit, "distinct") is not { ValueKind: JsonValueKind.False }))];
        // A push's commits carry no parents, so which commit a merge brought in cannot be told when one push merges
        // several. A merge commit this push did not bring (main merged into a branch) merged nothing here.
        long[] merged = [.. read.Where(c => c.Distinct).Select(c => MergeCommit().Match(c.Message)).Where(m => m.Success).Select(m => long.Parse(m.Groups["number"].Value, CultureInfo.InvariantCulture)).Distinct()];
        return new(Text(payload, "repository.full_name"), Account(payload, "sender"), read, merged.Length == 1 ? merged[0] : null);
    }

    /// <summary>A full commit id, lower case as GitHub writes them; null for anything else.</summary>
    private static string? CommitId(JsonElement? value) =>
        Storable(value) is { } sha && CommitSha().IsMatch(sha) ? sha.ToLowerInvariant() : null;

    /// <summary>A pull request is named by its base repository and number: <c>octo-org/web#42</c>.</summary>
    private static string PrId(JsonElement payload) =>
        $"{Text(payload, "pull_request.base.repo.full_name")}#{Number(payload, "pull_request.number")}";

    private static GithubAccount Account(JsonElement payload, string path) =>
        Find(payload, path) is { ValueKind: JsonValueKind.Object } user ? User(user, path) : throw Missing($"{path}.id", "a whole number");

    /// <summary>A user object, named <paramref name="at"/> in errors.</summary>
    private static GithubAccount User(JsonElement user, string at) =>
        new(Number(user, "id", at), Text(user, "login", at), Storable(Find(user, "type")) == "Bot");

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

    /// <summary>
    /// A string value as text the service can store; null for anything else, so that a lone surrogate, bytes that are not
    /// UTF-8 or a control character is as absent as a missing field (a 400 naming it where the field is needed).
    /// </summary>
    private static string? Storable(JsonElement? value) =>
        value is { } element && JsonText.Of(element) is { } text && StorableText.IsStorable(text) ? text : null;

    // at: where the element read from is in the payload (an array item's path), for the error; null for the payload itself.
    private static string Where(string path, string? at) => at is null ? path : $"{at}.{path}";

    private static string Text(JsonElement payload, string path, string? at = null) =>
        Storable(Find(payload, path)) is { Length: > 0 and <= 1000 } text && TextRules.IsDisplayable(text)
            ? text
            : throw Missing(Where(path, at), "a string");

    private static long Number(JsonElement payload, string path, string? at = null) =>
        Find(payload, path) is { ValueKind: JsonValueKind.Number } value && value.TryGetInt64(out var number) && number >= 0
            ? number
            : throw Missing(Where(path, at), "a whole number");

    private static DateTimeOffset Time(JsonElement payload, string path, string? at = null) =>
        Events.Rfc3339.TryParse(Storable(Find(payload, path)), out var time)
            ? time
            : throw Missing(Where(path, at), "an RFC 3339 time");

    private static ValidationException Missing(string path, string what) =>
        new([new ValidationFailure(path, $"The payload's {path} must be {what}.")]);

    // What GitHub's Revert button writes at the start of the new pull request's body.
    [GeneratedRegex(@"\AReverts (?<repo>[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+)#(?<number>[0-9]{1,10})\b", RegexOptions.CultureInvariant)]
    private static partial Regex RevertBody();

    // What GitHub writes as the first line of the commit its merge button makes (not for squash or rebase merges).
    [GeneratedRegex(@"\AMerge pull request #(?<number>[0-9]{1,10}) from \S", RegexOptions.CultureInvariant)]
    private static partial Regex MergeCommit();

    [GeneratedRegex("^[0-9a-fA-F]{40}$", RegexOptions.CultureInvariant)]
    private static partial Regex CommitSha();
}
