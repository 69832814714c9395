using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Achievements.Api.Engine.Ingestion;
using Achievements.Api.Engine.Queue;
using Achievements.Api.Features.Audit;
using Achievements.Api.Features.Employees;
using Achievements.Api.Features.Events;
using Achievements.Api.Features.Identities;
using Achievements.Api.Infrastructure.Errors;
using Achievements.Api.Infrastructure.Storage;
using Achievements.Api.Infrastructure.Telemetry;
using Dapper;
using FluentValidation;
using FluentValidation.Results;
using Mediator;

namespace Achievements.Api.Features.Github;

/// <summary>
/// One webhook delivery as GitHub sent it: the raw body (the signature covers its bytes) and the three headers that
/// say what it is, who signed it and which delivery it is.
/// </summary>
internal sealed record ReceiveGithubDelivery(string? Event, string? Delivery, string? Signature, byte[] Body) : ICommand<GithubDeliveryResult>;

/// <summary>What a delivery became: a ping, a duplicate, ignored, or the events it stored, held or withdrew.</summary>
internal sealed record GithubDeliveryResult(
    string Delivery,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? Ping = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? Duplicate = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? Ignored = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<AttributedResult>? Events = null)
{
    /// <summary>202: the delivery was taken in, and evaluation follows through the queue; 200 for a ping or a duplicate.</summary>
    [JsonIgnore]
    public bool Accepted => Ping is null && Duplicate is null;
}

internal sealed class ReceiveGithubDeliveryHandler(IDbConnectionFactory connections, TimeProvider time, IngestTurns turns, GithubIntegration integration, AuditTrail audit, ServiceTelemetry telemetry)
    : ICommandHandler<ReceiveGithubDelivery, GithubDeliveryResult>
{
    public const string Source = "github";

    /// <summary>Statuses a delivery gives its facts besides ingestion's and <see cref="AttributedResult"/>'s.</summary>
    public const string Held = "held";
    public const string Withdrawn = "withdrawn";
    public const string NotHeld = "not-held";
    public const string Bot = "bot";

    private const string RecordDelivery = """
        INSERT INTO github_deliveries (delivery_id, event, action, received_at) VALUES (@Delivery, @Event, @Action, @Now)
        ON CONFLICT (delivery_id) DO NOTHING
        """;

    private const string HoldApproval = """
        INSERT INTO github_approvals (review_id, pr_id, reviewer_id, reviewer_login, submitted_at, received_at)
        VALUES (@ReviewId, @PrId, @ReviewerId, @ReviewerLogin, @SubmittedAt, @Now)
        ON CONFLICT (review_id) DO NOTHING
        """;

    private const string Dismiss = "DELETE FROM github_approvals WHERE review_id = @ReviewId";

    // The merge takes the approvals that arrived before it and were not dismissed; they leave the table as events.
    private const string TakeApprovals = """
        DELETE FROM github_approvals WHERE pr_id = @PrId
        RETURNING review_id AS ReviewId, reviewer_id AS ReviewerId, reviewer_login AS ReviewerLogin, submitted_at AS SubmittedAt
        """;

    // An organisation that turns autoCreateEmployees on trusts its GitHub organisation's accounts: they are people.
    private const string CreateEmployee = $"""
        INSERT INTO employees (id, display_name, is_bot, created_at, updated_at, added_by) VALUES (@Id, @Login, 0, @Now, @Now, '{AddedBy.Github}')
        ON CONFLICT (id) DO NOTHING
        """;

    public async ValueTask<GithubDeliveryResult> Handle(ReceiveGithubDelivery command, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var settings = await integration.ReadAsync(connection, null, cancellationToken)
            ?? throw new UnauthorizedException("No GitHub webhook secret is configured here, so no delivery can be verified.");
        if (!WebhookSignature.Matches(settings.Secret, command.Body, command.Signature))
        {
            throw new UnauthorizedException("X-Hub-Signature-256 is missing or is not the HMAC-SHA256 of the body with the configured secret.");
        }

        var delivery = DeliveryHeaders(command);
        if (command.Event == "ping")
        {
            return new GithubDeliveryResult(delivery, Ping: true);
        }

        JsonElement payload;
        try
        {
            payload = JsonSerializer.Deserialize<JsonElement>(command.Body);
        }
        catch (JsonException)
        {
            throw Invalid("body", "The payload is not JSON: set the webhook's content type to application/json.");
        }

        var change = GithubPayload.Read(command.Event!, payload);
        var trailers = change is GithubPush push ? TrailersIn(push, settings.Ai) : null;
        if (change is null || trailers is { Count: 0 })
        {
            return new GithubDeliveryResult(delivery, Ignored: true);
        }

        var now = time.GetUtcNow();
        var result = await turns.InTransactionAsync(connection, async transaction =>
        {
            var recorded = await connection.ExecuteAsync(new CommandDefinition(
                RecordDelivery, new { Delivery = delivery, command.Event, Action = GithubPayload.Action(payload), Now = now }, transaction, cancellationToken: cancellationToken));
            if (recorded == 0)
            {
                return new GithubDeliveryResult(delivery, Duplicate: true);
            }

            var events = change switch
            {
                GithubApproval approval => [await HoldAsync(connection, transaction, approval, now, cancellationToken)],
                GithubDismissal dismissal => [await DismissAsync(connection, transaction, dismissal, cancellationToken)],
                GithubMerge merge => await MergeAsync(connection, transaction, merge, settings, now, cancellationToken),
                GithubPush push => await PushAsync(connection, transaction, push, trailers!, settings, now, cancellationToken),
                _ => throw new InvalidOperationException($"Unknown change {change.GetType().Name}."),
            };
            return new GithubDeliveryResult(delivery, Events: events);
        }, cancellationToken);
        telemetry.EventsIngested(Source, result.Events?.Select(e => e.Status) ?? []);
        return result;
    }

    private static string DeliveryHeaders(ReceiveGithubDelivery command)
    {
        if (string.IsNullOrEmpty(command.Event))
        {
            throw Invalid("x-github-event", "X-GitHub-Event must name the event, such as pull_request.");
        }

        return command.Delivery is { Length: >= 1 and <= 128 } delivery && delivery.All(c => c is >= ' ' and <= '~')
            ? delivery
            : throw Invalid("x-github-delivery", "X-GitHub-Delivery must be the delivery's id, 1-128 printable ASCII characters.");
    }

    private static ValidationException Invalid(string field, string message) => new([new ValidationFailure(field, message)]);

    private static string ReviewEventId(long reviewId) => $"review-{reviewId.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>An approval counts only with its merge (the corroborated-outcomes policy), so it waits for it here.</summary>
    private static async Task<AttributedResult> HoldAsync(DbConnection connection, DbTransaction transaction, GithubApproval approval, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var id = ReviewEventId(approval.ReviewId);
        if (approval.Reviewer.IsBot)
        {
            return new AttributedResult("review.approved", id, Bot);
        }

        var held = await connection.ExecuteAsync(new CommandDefinition(
            HoldApproval,
            new
            {
                ReviewId = id,
                approval.PrId,
                ReviewerId = approval.Reviewer.Identity.Id,
                ReviewerLogin = approval.Reviewer.Login,
                approval.SubmittedAt,
                Now = now,
            },
            transaction,
            cancellationToken: cancellationToken));
        return new AttributedResult("review.approved", id, held == 1 ? Held : EventResult.DuplicateStatus);
    }

    private static async Task<AttributedResult> DismissAsync(DbConnection connection, DbTransaction transaction, GithubDismissal dismissal, CancellationToken cancellationToken)
    {
        var id = ReviewEventId(dismissal.ReviewId);
        var removed = await connection.ExecuteAsync(new CommandDefinition(Dismiss, new { ReviewId = id }, transaction, cancellationToken: cancellationToken));
        return new AttributedResult("review.approved", id, removed == 1 ? Withdrawn : NotHeld);
    }

    /// <summary>
    /// The merge, the approvals it was waiting for (one per reviewer, the earliest) and, for a revert, the correction;
    /// stored when their people are employees, held until they are otherwise.
    /// </summary>
    private async Task<IReadOnlyList<AttributedResult>> MergeAsync(
        DbConnection connection,
        DbTransaction transaction,
        GithubMerge merge,
        GithubSettings settings,
        DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        // An agent's pull request is its shepherd's work, and the shepherd is never their own reviewer.
        var shepherd = settings.Ai.IsAgent(merge.Author) ? await ShepherdAsync(connection, transaction, merge, settings, cancellationToken) : null;
        var owner = shepherd ?? merge.Author;

        var approvals = (await connection.QueryAsync<ApprovalRow>(new CommandDefinition(TakeApprovals, new { merge.PrId }, transaction, cancellationToken: cancellationToken)))
            .Where(a => a.ReviewerId != merge.Author.Identity.Id && a.ReviewerId != owner.Identity.Id)
            .GroupBy(a => a.ReviewerId, StringComparer.Ordinal)
            .Select(reviews => reviews.OrderBy(a => a.SubmittedAt).ThenBy(a => a.ReviewId, StringComparer.Ordinal).First())
            .OrderBy(a => a.SubmittedAt)
            .ToList();
        var results = new List<AttributedResult>();
        var events = new List<AttributedEvent>();
        if (owner.IsBot)
        {
            // A bot's work never counts, and neither does approving it.
            results.Add(new AttributedResult("pr.merged", MergeEventId(merge), Bot));
            results.AddRange(approvals.Select(a => new AttributedResult("review.approved", a.ReviewId, Bot)));
        }
        else
        {
            events.Add(MergedEvent(merge, owner, approvals));
            events.AddRange(approvals.Select(a => ApprovedEvent(merge, owner, a)));
            if (shepherd is not null)
            {
                events.Add(AgentEvidence(merge, shepherd));
            }
        }

        if (merge.Reverts is not null)
        {
            if (await RevertedEventAsync(connection, transaction, merge, settings, cancellationToken) is { } reverted)
            {
                events.Add(reverted);
            }
            else
            {
                results.Add(new AttributedResult("pr.reverted", RevertEventId(merge), Bot));
            }
        }

        if (settings.AutoCreateEmployees)
        {
            await CreateEmployeesAsync(connection, transaction, events.SelectMany(e => e.Everyone), now, cancellationToken);
        }

        results.AddRange(await HeldEvents.AttributeAsync(connection, transaction, Source, events, now, cancellationToken));
        return results;
    }

    private static string MergeEventId(GithubMerge merge) => $"merge-{merge.PullRequestId.ToString(CultureInfo.InvariantCulture)}";

    private static string RevertEventId(GithubMerge merge) => $"revert-{merge.PullRequestId.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>
    /// The merge, as its owner's: the author's, or the shepherd's of an agent's pull request. GitHub's additions and
    /// deletions count moved and whitespace-only lines as any others, so the merge reports no <c>lines_moved</c>.
    /// </summary>
    private static AttributedEvent MergedEvent(GithubMerge merge, GithubAccount owner, IReadOnlyList<ApprovalRow> approvals)
    {
        var attributes = new JsonObject
        {
            ["pr_id"] = merge.PrId,
            ["repo"] = merge.Repo,
            ["lines_added"] = merge.Additions,
            ["lines_deleted"] = merge.Deletions,
            ["merged_by"] = merge.MergedBy?.Login ?? "",
        };
        if (merge.MergeCommitSha is not null)
        {
            attributes[BuiltInSignals.MergeFacts.Commit] = merge.MergeCommitSha;
        }

        return new()
        {
            Id = MergeEventId(merge),
            Type = "pr.merged",
            Actor = owner.Identity,
            OccurredAt = merge.MergedAt,
            Attributes = attributes,
            Voices = new() { ["reviewers"] = [.. approvals.Select(a => a.Reviewer)] },
        };
    }

    private static AttributedEvent ApprovedEvent(GithubMerge merge, GithubAccount owner, ApprovalRow approval) => new()
    {
        Id = approval.ReviewId,
        Type = "review.approved",
        Actor = approval.Reviewer,
        OccurredAt = approval.SubmittedAt,
        Attributes = new JsonObject { ["pr_id"] = merge.PrId },
        People = new() { ["author"] = owner.Identity },
    };

    /// <summary>That an agent account opened the pull request: evidence, carried by its shepherd, that AI took part in it.</summary>
    private static AttributedEvent AgentEvidence(GithubMerge merge, GithubAccount shepherd)
    {
        var (signal, pull, _, tool, kind) = BuiltInSignals.Evidence;
        return new()
        {
            Id = $"evidence-agent-{merge.PullRequestId.ToString(CultureInfo.InvariantCulture)}",
            Type = signal,
            Actor = shepherd.Identity,
            OccurredAt = merge.MergedAt,
            Attributes = new JsonObject { [pull] = merge.PrId, [tool] = merge.Author.Login, [kind] = BuiltInSignals.EvidenceKinds.AgentAccount },
        };
    }

    /// <summary>
    /// Who shepherded an agent's pull request: the first assignee who is an employee, else whoever merged it if they
    /// are one; with <c>autoCreateEmployees</c> on and neither mapped, the first of them (who becomes one). Bots and
    /// agents shepherd nothing. Null when no one is left: the pull request stays the agent's.
    /// </summary>
    private static async Task<GithubAccount?> ShepherdAsync(DbConnection connection, DbTransaction transaction, GithubMerge merge, GithubSettings settings, CancellationToken cancellationToken)
    {
        GithubAccount[] people = [.. merge.Assignees.Append(merge.MergedBy).OfType<GithubAccount>().Where(a => !a.IsBot && !settings.Ai.IsAgent(a)).DistinctBy(a => a.Id)];
        if (people.Length == 0)
        {
            return null;
        }

        var mapped = await IdentityMap.ResolveAsync(connection, transaction, people.Select(p => p.Identity), cancellationToken);
        return people.FirstOrDefault(p => mapped.ContainsKey(p.Identity)) ?? (settings.AutoCreateEmployees ? people[0] : null);
    }

    /// <summary>One AI tool a commit's trailers name.</summary>
    private sealed record Trailer(GithubCommit Commit, string Tool);

    private static List<Trailer> TrailersIn(GithubPush push, GithubAiEvidence ai) =>
        [.. push.Commits.SelectMany(commit => ai.ToolsIn(commit.Message).Select(tool => new Trailer(commit, tool)))];

    /// <summary>
    /// One <c>ai.evidence</c> per commit and tool its trailers name, naming the commit and, when the push merged one
    /// pull request, that pull request. Each is its author's when their login maps to an employee, else the pusher's,
    /// held until mapped like anyone's; a bot pusher carries none.
    /// </summary>
    private async Task<IReadOnlyList<AttributedResult>> PushAsync(
        DbConnection connection,
        DbTransaction transaction,
        GithubPush push,
        IReadOnlyList<Trailer> trailers,
        GithubSettings settings,
        DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        // A push names commit authors by login alone (no user id), so an author is theirs only once a login maps them.
        var authors = await IdentityMap.ResolveAsync(
            connection, transaction, trailers.Select(t => t.Commit.AuthorLogin).OfType<string>().Select(LoginOnly), cancellationToken);
        var (signal, pull, commitSha, tool, kind) = BuiltInSignals.Evidence;
        var results = new List<AttributedResult>();
        var events = new List<AttributedEvent>();
        foreach (var (commit, name) in trailers)
        {
            var id = $"evidence-{commit.Sha}-{name}" + (push.MergedNumber is { } number ? $"-pr-{number.ToString(CultureInfo.InvariantCulture)}" : "");
            var author = commit.AuthorLogin is { } login && !string.Equals(login, push.Sender.Login, StringComparison.OrdinalIgnoreCase) && authors.ContainsKey(LoginOnly(login))
                ? LoginOnly(login)
                : null;
            var actor = author ?? (push.Sender.IsBot ? null : push.Sender.Identity);
            if (actor is null)
            {
                results.Add(new AttributedResult(signal, id, Bot));
                continue;
            }

            var attributes = new JsonObject { [commitSha] = commit.Sha, [tool] = name, [kind] = BuiltInSignals.EvidenceKinds.CoAuthorTrailer };
            if (push.MergedPrId is { } prId)
            {
                attributes[pull] = prId;
            }

            events.Add(new AttributedEvent { Id = id, Type = signal, Actor = actor, OccurredAt = commit.At, Attributes = attributes });
        }

        if (settings.AutoCreateEmployees)
        {
            await CreateEmployeesAsync(connection, transaction, events.SelectMany(e => e.Everyone), now, cancellationToken);
        }

        results.AddRange(await HeldEvents.AttributeAsync(connection, transaction, Source, events, now, cancellationToken));
        return results;
    }

    // No GitHub user id is 0-length, so this identity is found by its login or not at all.
    private static Identity LoginOnly(string login) => new(GithubAccount.Provider, "", login);

    /// <summary>
    /// A correction needs an employee to carry it, though it changes only the reverted author's standing: the revert's
    /// author, or whoever merged the revert when that author is a bot or unmapped. Null when both are bots.
    /// </summary>
    private static async Task<AttributedEvent?> RevertedEventAsync(DbConnection connection, DbTransaction transaction, GithubMerge merge, GithubSettings settings, CancellationToken cancellationToken)
    {
        GithubAccount[] people = [.. new[] { merge.Author, merge.MergedBy }.OfType<GithubAccount>().Where(a => !a.IsBot)];
        if (people.Length == 0)
        {
            return null;
        }

        var mapped = await IdentityMap.ResolveAsync(connection, transaction, people.Select(p => p.Identity), cancellationToken);
        var actor = settings.AutoCreateEmployees ? people[0] : people.FirstOrDefault(p => mapped.ContainsKey(p.Identity)) ?? people[0];
        return new AttributedEvent
        {
            Id = RevertEventId(merge),
            Type = "pr.reverted",
            Actor = actor.Identity,
            OccurredAt = merge.MergedAt,
            Attributes = new JsonObject { ["pr_id"] = merge.Reverts },
        };
    }

    /// <summary>
    /// With <c>autoCreateEmployees</c> on, an unknown GitHub account becomes an employee named by its login, lowercased.
    /// An employee id that is taken already is not claimed: that one waits for an admin, as without the option.
    /// </summary>
    private async Task CreateEmployeesAsync(DbConnection connection, DbTransaction transaction, IEnumerable<Identity> people, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var list = people.Distinct().ToList();
        var mapped = await IdentityMap.ResolveAsync(connection, transaction, list, cancellationToken);
        foreach (var identity in list.Where(i => !mapped.ContainsKey(i)))
        {
            var id = identity.Login?.ToLowerInvariant();
            if (!EmployeeId.IsValid(id)
                || await connection.ExecuteAsync(new CommandDefinition(CreateEmployee, new { Id = id, identity.Login, Now = now }, transaction, cancellationToken: cancellationToken)) == 0)
            {
                continue;
            }

            await IdentityMap.TryAddAsync(connection, transaction, id!, identity, cancellationToken);
            // Another source's events may name the same id as a reviewer: those reviews vouch from the next pass.
            await EvaluationQueue.EnqueueEveryoneAtNextPassAsync(connection, transaction, cancellationToken);
            await audit.RecordAsync(connection, transaction, "employee.created", new { DisplayName = identity.Login, IsBot = false, Identities = new[] { identity } }, cancellationToken, id, actor: Source);
        }
    }

    private sealed record ApprovalRow
    {
        public required string ReviewId { get; init; }
        public required string ReviewerId { get; init; }
        public required string ReviewerLogin { get; init; }
        public required DateTimeOffset SubmittedAt { get; init; }

        public Identity Reviewer => new(GithubAccount.Provider, ReviewerId, ReviewerLogin);
    }
}
