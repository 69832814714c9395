using System.Threading.Channels;
using Microsoft.Extensions.Options;

namespace Achievements.Api.Features.Notifications;

/// <summary><c>Achievements:Webhooks</c>: how notifications are delivered (docs/notifications.md).</summary>
internal sealed class WebhookOptions
{
    /// <summary>Whether the background dispatcher runs; tests switch it off and call <see cref="WebhookDispatcher.RunOnceAsync"/>.</summary>
    public bool Background { get; set; } = true;

    /// <summary>How often the dispatcher looks for work that another instance committed, or whose retry is due.</summary>
    public double PollSeconds { get; set; } = 5;

    /// <summary>Whether a subscription may name a loopback address (and only then <c>http://</c>): tests only.</summary>
    public bool AllowLoopback { get; set; }

    /// <summary>Whether a subscription may reach private networks (10/8, 172.16/12, 192.168/16, 100.64/10, fc00::/7).</summary>
    public bool AllowPrivateNetworks { get; set; }

    /// <summary>How long one request may take, answer included.</summary>
    public double TimeoutSeconds { get; set; } = 10;

    /// <summary>Attempts before a delivery is given up as <c>failed</c>.</summary>
    public int MaxAttempts { get; set; } = 12;

    /// <summary>The first retry's longest wait; each further one doubles it, up to <see cref="RetryCapSeconds"/>.</summary>
    public double RetryBaseSeconds { get; set; } = 60;

    public double RetryCapSeconds { get; set; } = 8 * 3600;

    /// <summary>The least time between two messages to one Slack channel; what arrives meanwhile is posted as one digest.</summary>
    public double SlackIntervalSeconds { get; set; } = 60;

    public TimeSpan Timeout => TimeSpan.FromSeconds(Math.Max(0.1, TimeoutSeconds));

    /// <summary>How long an instance holds a subscription while it sends one request: a killed one loses it after this.</summary>
    public TimeSpan Lease => 2 * Timeout;
}

/// <summary>Wakes this instance's dispatcher when a change with notifications commits. One per app, not static.</summary>
internal sealed class NotificationSignal
{
    private readonly Channel<bool> _woken = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    public void Wake() => _woken.Writer.TryWrite(true);

    /// <summary>Returns when woken or after <paramref name="timeout"/>, whichever is first.</summary>
    public async Task WaitAsync(TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var delay = Task.Delay(timeout, time, wait.Token);
        var woken = _woken.Reader.WaitToReadAsync(wait.Token).AsTask();
        await Task.WhenAny(delay, woken);
        await wait.CancelAsync();
        _woken.Reader.TryRead(out _);
        cancellationToken.ThrowIfCancellationRequested();
    }
}

/// <summary>
/// Runs the dispatcher whenever this instance commits a notification and every few seconds besides: on start, so that
/// what a killed process committed and never sent goes out, and for retries and other instances' commits.
/// </summary>
internal sealed class WebhookWorker(WebhookDispatcher dispatcher, NotificationSignal signal, IOptions<WebhookOptions> options, TimeProvider time, ILogger<WebhookWorker> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Background)
        {
            return;
        }

        var poll = TimeSpan.FromSeconds(Math.Max(0.1, options.Value.PollSeconds));
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await dispatcher.RunOnceAsync(stoppingToken);
                await signal.WaitAsync(poll, time, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                // As the evaluation worker: an exception escaping a BackgroundService stops the host. The rows are
                // durable, so what failed is sent on the next round.
                logger.LogError(exception, "Dispatching notifications failed; retrying in {Poll}", poll);
                await Task.Delay(poll, time, stoppingToken);
            }
        }
    }
}
