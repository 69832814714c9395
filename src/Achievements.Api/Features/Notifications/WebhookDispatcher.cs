using System.Data.Common;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Achievements.Api.Infrastructure.Storage;
using Dapper;
using Microsoft.Extensions.Options;
using StandardWebhooks;

namespace Achievements.Api.Features.Notifications;

/// <summary>What one dispatch did: outbox rows fanned out, and notifications delivered.</summary>
internal sealed record DispatchSummary(int FannedOut, int Delivered);

internal static class DeliveryStatus
{
    public const string Pending = "pending";
    public const string Delivered = "delivered";
    public const string Failed = "failed";
    public const string Cancelled = "cancelled";
}

/// <summary>
/// Sends what the outbox holds, never inside the transaction that wrote it: first it fans each outbox row out into one
/// delivery per active subscription that wants its type (and existed when the change was made), then, subscription by
/// subscription, it signs and posts the due deliveries and records each outcome. At least once: a delivery is marked
/// delivered only after its endpoint answered 2xx, so a crash before that sends it again, with the same
/// <c>webhook-id</c> (decision 0020).
/// </summary>
/// <remarks>
/// An instance claims a whole subscription with a lease (<c>claimed_until</c>, taken with <c>FOR UPDATE SKIP LOCKED</c>
/// on PostgreSQL) and renews it before each request, so two instances never post to one endpoint at once, and one that
/// is killed loses its claim when the lease ends. A failure holds the subscription's other deliveries back as long as
/// the failed one waits (they are not counted as attempts): a dead endpoint gets one request per backoff step, not one
/// per event. A Slack subscription gets at most one message per <see cref="WebhookOptions.SlackIntervalSeconds"/>:
/// whatever is due at once is posted as one digest.
/// </remarks>
internal sealed class WebhookDispatcher(IDbConnectionFactory connections, TimeProvider time, IHttpClientFactory clients, WebhookSecrets secrets, IOptions<WebhookOptions> options, ILogger<WebhookDispatcher> logger)
    : IDisposable
{
    public const string HttpClientName = "webhooks";

    private const int FanOutBatch = 1000;

    /// <summary>Deliveries sent to a standard subscription before its claim is given back for the others' turn.</summary>
    private const int StandardBatch = 100;

    /// <summary>The most notifications one Slack digest summarises; a digest's text does not grow with them.</summary>
    private const int DigestLimit = 5000;

    /// <summary>Subscriptions sent to at once: a slow endpoint holds up only its own deliveries.</summary>
    private const int Parallelism = 4;

    /// <summary>How long finished deliveries are listed before they are pruned.</summary>
    private static readonly TimeSpan Kept = TimeSpan.FromDays(30);

    private readonly SemaphoreSlim _gate = new(1, 1);
    private DateTimeOffset? _lastPrune;

    private const string NextOutbox = "SELECT id AS Id, type AS Type, payload AS Payload, created_at AS CreatedAt FROM notification_outbox ORDER BY id LIMIT @Batch";

    private const string ActiveSubscriptions = "SELECT id AS Id, events AS Events, created_at AS CreatedAt FROM webhook_subscriptions WHERE status = 'active'";

    private const string InsertDelivery = """
        INSERT INTO webhook_deliveries (message_id, subscription_id, type, payload, status, attempts, next_attempt_at, created_at, updated_at)
        VALUES (@MessageId, @SubscriptionId, @Type, @Payload, 'pending', 0, @Now, @Now, @Now)
        """;

    private static string DeleteOutbox(SqlDialect sql) => $"DELETE FROM notification_outbox WHERE id {sql.In("@Ids")}";

    // The next subscription with a due delivery that nobody holds. The outer test repeats the inner one, so that a
    // row another statement claimed meanwhile is not claimed again (PostgreSQL rechecks it on the row it locked).
    private static string Claim(SqlDialect sql) => $"""
        UPDATE webhook_subscriptions SET claimed_until = @Until, claim_token = @Token
        WHERE id = (SELECT s.id FROM webhook_subscriptions s
                    WHERE s.status = 'active' AND s.next_send_at <= @Now AND (s.claimed_until IS NULL OR s.claimed_until <= @Now)
                      AND EXISTS (SELECT 1 FROM webhook_deliveries d
                                  WHERE d.subscription_id = s.id AND d.status = 'pending' AND d.next_attempt_at <= @Now)
                    ORDER BY s.next_send_at, s.id LIMIT 1{(sql.IsSqlite ? "" : " FOR UPDATE SKIP LOCKED")})
          AND status = 'active' AND (claimed_until IS NULL OR claimed_until <= @Now)
        RETURNING id AS Id, url AS Url, format AS Format, protected_secret AS ProtectedSecret
        """;

    private const string Renew = "UPDATE webhook_subscriptions SET claimed_until = @Until WHERE id = @Id AND claim_token = @Token";

    private const string Release = "UPDATE webhook_subscriptions SET claimed_until = NULL, claim_token = NULL WHERE id = @Id AND claim_token = @Token";

    private const string Due = """
        SELECT id AS Id, message_id AS MessageId, payload AS Payload, attempts AS Attempts FROM webhook_deliveries
        WHERE subscription_id = @Id AND status = 'pending' AND next_attempt_at <= @Now
        ORDER BY id LIMIT @Limit
        """;

    private const string RecordAttempt = """
        UPDATE webhook_deliveries SET status = @Status, attempts = attempts + 1, next_attempt_at = @Next,
               last_status_code = @Code, last_error = @Error, updated_at = @Now
        WHERE id = @Id AND status = 'pending'
        """;

    private const string HoldBack = "UPDATE webhook_subscriptions SET next_send_at = @Next, updated_at = @Now WHERE id = @Id";

    private const string Disable = """
        UPDATE webhook_subscriptions SET status = 'disabled', disabled_reason = @Reason, updated_at = @Now WHERE id = @Id
        """;

    private const string CancelPending = "UPDATE webhook_deliveries SET status = 'cancelled', updated_at = @Now WHERE subscription_id = @Id AND status = 'pending'";

    private const string Prune = "DELETE FROM webhook_deliveries WHERE status <> 'pending' AND updated_at < @Before";

    /// <summary>Fans out and sends everything due now, and returns when done; the worker calls it, and so can tests.</summary>
    public async Task<DispatchSummary> RunOnceAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var fannedOut = await FanOutAsync(cancellationToken);
            var delivered = await Task.WhenAll(Enumerable.Range(0, Parallelism).Select(_ => SendAsync(cancellationToken)));
            await PruneAsync(cancellationToken);
            return new DispatchSummary(fannedOut, delivered.Sum());
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();

    /// <summary>A new <c>webhook-id</c>: unique, and kept by the delivery for every attempt.</summary>
    private static string NewMessageId() => $"msg_{Guid.CreateVersion7():N}";

    private async Task<int> FanOutAsync(CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var sql = SqlDialect.Of(connection);
        for (var total = 0; ;)
        {
            var count = await connection.InTransactionAsync(async transaction =>
            {
                // One instance fans out at a time, so that no outbox row becomes two deliveries for one subscription.
                await SqlDialect.TakeTurnAsync(connection, transaction, "webhook-fan-out", cancellationToken);
                var rows = (await connection.QueryAsync<OutboxRow>(new CommandDefinition(NextOutbox, new { Batch = FanOutBatch }, transaction, cancellationToken: cancellationToken))).ToList();
                if (rows.Count == 0)
                {
                    return 0;
                }

                var subscriptions = (await connection.QueryAsync<SubscriptionRow>(new CommandDefinition(ActiveSubscriptions, transaction: transaction, cancellationToken: cancellationToken)))
                    .Select(s => (s.Id, s.CreatedAt, Events: JsonSerializer.Deserialize<string[]>(s.Events) ?? []))
                    .ToList();
                var now = time.GetUtcNow();
                var deliveries = rows
                    .SelectMany(row => subscriptions
                        .Where(s => s.CreatedAt <= row.CreatedAt && s.Events.Contains(row.Type, StringComparer.Ordinal))
                        .Select(s => new { MessageId = NewMessageId(), SubscriptionId = s.Id, row.Type, row.Payload, Now = now }))
                    .ToList();
                if (deliveries.Count > 0)
                {
                    await connection.ExecuteAsync(new CommandDefinition(InsertDelivery, deliveries, transaction, cancellationToken: cancellationToken));
                }

                await connection.ExecuteAsync(new CommandDefinition(DeleteOutbox(sql), new { Ids = sql.List(rows.Select(r => r.Id)) }, transaction, cancellationToken: cancellationToken));
                return rows.Count;
            }, cancellationToken);
            total += count;
            if (count < FanOutBatch)
            {
                return total;
            }
        }
    }

    /// <summary>Claims subscriptions with due deliveries one after another until none is left; returns the notifications delivered.</summary>
    private async Task<int> SendAsync(CancellationToken cancellationToken)
    {
        var delivered = 0;
        await using var connection = await connections.OpenAsync(cancellationToken);
        var claim = Claim(SqlDialect.Of(connection));
        while (!cancellationToken.IsCancellationRequested)
        {
            var now = time.GetUtcNow();
            var token = Guid.NewGuid().ToString("N");
            var subscription = await connection.QuerySingleOrDefaultAsync<ClaimedSubscription>(new CommandDefinition(
                claim, new { Now = now, Until = now + options.Value.Lease, Token = token }, cancellationToken: cancellationToken));
            if (subscription is null)
            {
                return delivered;
            }

            subscription = subscription with { Token = token };
            try
            {
                delivered += await SendToAsync(connection, subscription, cancellationToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                // A secret that no longer unprotects, a payload that does not parse: keep it from spinning, and go on
                // with the other subscriptions.
                logger.LogError(exception, "Sending to webhook {Subscription} failed; trying again later", subscription.Id);
                await connection.ExecuteAsync(new CommandDefinition(HoldBack, new { subscription.Id, Next = now + Backoff(1), Now = now }, cancellationToken: cancellationToken));
            }
            finally
            {
                // Even when shutting down: another instance should not wait out the lease.
                await connection.ExecuteAsync(new CommandDefinition(Release, new { subscription.Id, subscription.Token }, cancellationToken: CancellationToken.None));
            }
        }

        return delivered;
    }

    private async Task<int> SendToAsync(DbConnection connection, ClaimedSubscription subscription, CancellationToken cancellationToken)
    {
        var slack = subscription.Format == WebhookFormat.Slack;
        var due = (await connection.QueryAsync<DueDelivery>(new CommandDefinition(
            Due, new { subscription.Id, Now = time.GetUtcNow(), Limit = slack ? DigestLimit : StandardBatch }, cancellationToken: cancellationToken))).ToList();
        var signer = new StandardWebhook(secrets.Unprotect(subscription.ProtectedSecret));
        if (slack)
        {
            // One message for whatever is due: the notification itself when it is alone, a digest of them otherwise.
            var (messageId, body) = due.Count == 1 ? (due[0].MessageId, SlackMessage.Of(due[0].Payload)) : (NewMessageId(), SlackMessage.Digest([.. due.Select(d => d.Payload)]));
            var outcome = await PostAsync(connection, subscription, signer, messageId, body, cancellationToken);
            return outcome is null ? 0 : await RecordAsync(connection, subscription, due, outcome, cancellationToken);
        }

        var delivered = 0;
        foreach (var delivery in due)
        {
            var outcome = await PostAsync(connection, subscription, signer, delivery.MessageId, delivery.Payload, cancellationToken);
            if (outcome is null)
            {
                break;
            }

            delivered += await RecordAsync(connection, subscription, [delivery], outcome, cancellationToken);
            if (!outcome.Delivered)
            {
                break;
            }
        }

        return delivered;
    }

    /// <summary>Signs and posts one body; null when the claim was lost (its lease ran out and another instance took it).</summary>
    private async Task<Outcome?> PostAsync(DbConnection connection, ClaimedSubscription subscription, StandardWebhook signer, string messageId, string body, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var settings = options.Value;
        if (await connection.ExecuteAsync(new CommandDefinition(Renew, new { subscription.Id, subscription.Token, Until = now + settings.Lease }, cancellationToken: cancellationToken)) == 0)
        {
            return null;
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, subscription.Url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("webhook-id", messageId);
        request.Headers.Add("webhook-timestamp", now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
        request.Headers.Add("webhook-signature", signer.Sign(messageId, now, body));
        try
        {
            using var response = await clients.CreateClient(HttpClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            var code = (int)response.StatusCode;
            return new Outcome(code, response.IsSuccessStatusCode ? null : $"The endpoint answered {code} {response.ReasonPhrase}.");
        }
        catch (HttpRequestException exception)
        {
            return new Outcome(null, exception.Message.Length <= 500 ? exception.Message : exception.Message[..500]);
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new Outcome(null, $"No answer within {settings.Timeout.TotalSeconds:0.#} s.");
        }
    }

    /// <summary>Records one request's outcome for the deliveries it carried; returns how many it delivered.</summary>
    private async Task<int> RecordAsync(DbConnection connection, ClaimedSubscription subscription, IReadOnlyList<DueDelivery> deliveries, Outcome outcome, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var settings = options.Value;
        return await connection.InTransactionAsync(async transaction =>
        {
            Task Run(string sql, object parameters) => connection.ExecuteAsync(new CommandDefinition(sql, parameters, transaction, cancellationToken: cancellationToken));
            if (outcome.Delivered)
            {
                await Run(RecordAttempt, deliveries.Select(d => new { d.Id, Status = DeliveryStatus.Delivered, Next = now, outcome.Code, outcome.Error, Now = now }));
                if (subscription.Format == WebhookFormat.Slack)
                {
                    await Run(HoldBack, new { subscription.Id, Next = now + TimeSpan.FromSeconds(Math.Max(0, settings.SlackIntervalSeconds)), Now = now });
                }

                return deliveries.Count;
            }

            if (outcome.Code == 410)
            {
                // Gone: the receiver says it will never want these again. Stop for good; an admin subscribes anew.
                await Run(RecordAttempt, deliveries.Select(d => new { d.Id, Status = DeliveryStatus.Failed, Next = now, outcome.Code, outcome.Error, Now = now }));
                await Run(Disable, new { subscription.Id, Reason = $"The endpoint answered 410 Gone at {UtcTimestampHandler.ToText(now)}.", Now = now });
                await Run(CancelPending, new { subscription.Id, Now = now });
                logger.LogWarning("Webhook {Subscription} answered 410 Gone; it is disabled", subscription.Id);
                return 0;
            }

            var retries = deliveries.Select(d => (d.Id, Attempt: (int)d.Attempts + 1)).Select(d => new
            {
                d.Id,
                Status = d.Attempt >= settings.MaxAttempts ? DeliveryStatus.Failed : DeliveryStatus.Pending,
                Next = now + Backoff(d.Attempt),
                outcome.Code,
                outcome.Error,
                Now = now,
            }).ToList();
            await Run(RecordAttempt, retries);
            var waiting = retries.Where(r => r.Status == DeliveryStatus.Pending).Select(r => r.Next).DefaultIfEmpty(now).Min();
            await Run(HoldBack, new { subscription.Id, Next = waiting, Now = now });
            return 0;
        }, cancellationToken);
    }

    /// <summary>
    /// The wait after the <paramref name="attempt"/>th failure: exponential (the base, doubled each time, up to the
    /// cap) with "equal jitter", between half of it and all of it, so that endpoints that failed together do not
    /// retry together, while each wait is still at least half as long as the schedule says.
    /// </summary>
    internal TimeSpan Backoff(int attempt)
    {
        var settings = options.Value;
        var ceiling = Math.Min(settings.RetryCapSeconds, settings.RetryBaseSeconds * Math.Pow(2, Math.Clamp(attempt - 1, 0, 30)));
        return TimeSpan.FromSeconds(ceiling / 2 + Random.Shared.NextDouble() * ceiling / 2);
    }

    private async Task PruneAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (_lastPrune is { } last && now - last < TimeSpan.FromHours(1))
        {
            return;
        }

        await using var connection = await connections.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(Prune, new { Before = now - Kept }, cancellationToken: cancellationToken));
        _lastPrune = now;
    }

    private sealed record Outcome(int? Code, string? Error)
    {
        public bool Delivered => Code is >= 200 and < 300;
    }

    private sealed record OutboxRow
    {
        public long Id { get; init; }
        public required string Type { get; init; }
        public required string Payload { get; init; }
        public DateTimeOffset CreatedAt { get; init; }
    }

    private sealed record SubscriptionRow
    {
        public long Id { get; init; }
        public required string Events { get; init; }
        public DateTimeOffset CreatedAt { get; init; }
    }

    private sealed record ClaimedSubscription
    {
        public long Id { get; init; }
        public required string Url { get; init; }
        public required string Format { get; init; }
        public required string ProtectedSecret { get; init; }
        public string Token { get; init; } = "";
    }

    private sealed record DueDelivery
    {
        public long Id { get; init; }
        public required string MessageId { get; init; }
        public required string Payload { get; init; }
        public long Attempts { get; init; }
    }
}
