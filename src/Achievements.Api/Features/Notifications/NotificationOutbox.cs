using System.Text.Json;
using Achievements.Api.Infrastructure.Storage;
using Dapper;

namespace Achievements.Api.Features.Notifications;

/// <summary>The events a webhook can subscribe to. Adding one is a line here, and one where its change is written.</summary>
internal static class NotificationType
{
    public const string AwardGranted = "award.granted";
    public const string AwardUpgraded = "award.upgraded";
    public const string AwardDowngraded = "award.downgraded";
    public const string AwardRevoked = "award.revoked";
    public const string AwardRestored = "award.restored";
    public const string AwardExpired = "award.expired";
    public const string FlagRaised = "flag.raised";

    public static readonly IReadOnlyList<string> All = [AwardGranted, AwardUpgraded, AwardDowngraded, AwardRevoked, AwardRestored, AwardExpired, FlagRaised];

    /// <summary>
    /// The event the award ledger's action (<c>AwardAction</c>, by value: this folder must not import Awards) is told
    /// as. A hold and its release are a review's own steps, not a change of what the employee holds, so they are not
    /// told: a hold that ends in a confirmed flag is told as <c>award.revoked</c>.
    /// </summary>
    public static string? OfAwardAction(string action) => action switch
    {
        "granted" => AwardGranted,
        "upgraded" => AwardUpgraded,
        "downgraded" => AwardDowngraded,
        "revoked" => AwardRevoked,
        "restored" => AwardRestored,
        "expired" => AwardExpired,
        _ => null,
    };
}

/// <summary>
/// What an award notification says: <c>tier</c> is the tier held after the change (null once revoked) and
/// <c>previousTier</c> the one held before (null for a grant or a restore).
/// </summary>
internal sealed record AwardNotice(string Employee, string Badge, string? Tier, string? PreviousTier, string? Reason);

/// <summary>What a <c>flag.raised</c> notification says.</summary>
internal sealed record FlagNotice(long Flag, string Detector, IReadOnlyList<string> Employees, double Score, DateTime WindowStart, DateTime WindowEnd);

/// <summary>A delivery's body, as every format starts from it.</summary>
internal sealed record NotificationBody<T>(string Type, DateTime Timestamp, T Data);

/// <summary>
/// Writes what must be told into the outbox, in the transaction of the change itself: a change that rolls back
/// leaves no notification, and one that commits leaves a durable row that the dispatcher sends however the process
/// ends afterwards. One row per change, whoever subscribes: the dispatcher fans it out (decision 0020).
/// </summary>
internal sealed class NotificationOutbox(NotificationSignal signal)
{
    private const string Insert = "INSERT INTO notification_outbox (type, payload, created_at) VALUES (@Type, @Payload, @Now)";

    /// <summary>An award changed as the ledger's <paramref name="action"/>; <paramref name="tier"/> is the tier the ledger recorded for it.</summary>
    public Task AwardChangedAsync(WriteScope write, string employeeId, string badgeKey, string action, string? tier, string? previousTier, string? reason, DateTimeOffset now)
    {
        if (NotificationType.OfAwardAction(action) is not { } type)
        {
            return Task.CompletedTask;
        }

        // The ledger records a revocation and an expiry with the tier that ended: that is the previous tier, and none is
        // held now.
        var notice = type is NotificationType.AwardRevoked or NotificationType.AwardExpired
            ? new AwardNotice(employeeId, badgeKey, null, tier, reason)
            : new AwardNotice(employeeId, badgeKey, tier, previousTier, reason);
        return WriteAsync(write, type, notice, now);
    }

    public Task FlagRaisedAsync(WriteScope write, FlagNotice flag, DateTimeOffset now) =>
        WriteAsync(write, NotificationType.FlagRaised, flag, now);

    private async Task WriteAsync<T>(WriteScope write, string type, T data, DateTimeOffset now)
    {
        var payload = JsonSerializer.Serialize(new NotificationBody<T>(type, now.UtcDateTime, data), JsonSerializerOptions.Web);
        await write.Connection.ExecuteAsync(write.Command(Insert, new { Type = type, Payload = payload, Now = now }));
        // This instance sends at once; the others find the row on their next poll.
        write.AfterCommit.Add(signal.Wake);
    }
}
