using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Achievements.Api.Tests.Infrastructure;

/// <summary>
/// A webhook endpoint on loopback that verifies every delivery with the <c>standardwebhooks</c> npm package on the
/// machine's Node (tests/webhook-receiver/receiver.mjs): a signer independent of the service's .NET one. Each
/// endpoint is a path of its own, with its own secret and answers; installed from its lock file on first use.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly Process _process;
    private readonly HttpClient _control;

    private WebhookReceiver(Process process, int port)
    {
        _process = process;
        Port = port;
        _control = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
    }

    public int Port { get; }

    public string Url(string endpoint) => $"http://127.0.0.1:{Port}/{endpoint}";

    public static async Task<WebhookReceiver> StartAsync()
    {
        var folder = NodePackages.Folder("webhook-receiver", "receiver.mjs", "standardwebhooks");
        for (var attempt = 1; ; attempt++)
        {
            var port = FreePort();
            var start = new ProcessStartInfo("node", [Path.Combine(folder, "receiver.mjs")])
            {
                WorkingDirectory = folder,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            start.Environment["PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var process = Process.Start(start) ?? throw new InvalidOperationException("node did not start.");
            var listening = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var output = new StringBuilder();
            process.OutputDataReceived += (_, e) =>
            {
                if (e.Data?.StartsWith("listening ", StringComparison.Ordinal) == true)
                {
                    listening.TrySetResult();
                }
            };
            process.ErrorDataReceived += (_, e) =>
            {
                lock (output)
                {
                    output.AppendLine(e.Data);
                }
            };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            if (await Task.WhenAny(listening.Task, process.WaitForExitAsync(), Task.Delay(TimeSpan.FromSeconds(30))) == listening.Task)
            {
                return new WebhookReceiver(process, port);
            }

            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            process.Dispose();
            if (attempt == 3)
            {
                lock (output)
                {
                    throw new InvalidOperationException($"The webhook receiver did not start: {output}");
                }
            }
        }
    }

    /// <summary>
    /// Sets how <paramref name="endpoint"/> verifies and answers: the subscription's <paramref name="secret"/>, the statuses of
    /// its next deliveries (then 200), whether it holds each request open unanswered, and whether it checks signatures at
    /// the delivery's own timestamp (for a service on a fake clock) instead of the real clock.
    /// </summary>
    public async Task ConfigureAsync(string endpoint, string? secret = null, int[]? responses = null, bool? hold = null, bool? trustTimestamp = null)
    {
        var settings = new Dictionary<string, object>();
        if (secret is not null)
        {
            settings["secret"] = secret;
        }

        if (responses is not null)
        {
            settings["responses"] = responses;
        }

        if (hold is not null)
        {
            settings["hold"] = hold;
        }

        if (trustTimestamp is not null)
        {
            settings["trustTimestamp"] = trustTimestamp;
        }

        (await _control.PutAsJsonAsync($"_control/{endpoint}", settings)).EnsureSuccessStatusCode();
    }

    public async Task<IReadOnlyList<ReceivedDelivery>> DeliveriesAsync(string endpoint)
    {
        var state = await _control.GetFromJsonAsync<JsonElement>($"_control/{endpoint}");
        return [.. state.GetProperty("deliveries").EnumerateArray().Select(d => new ReceivedDelivery(
            d.GetProperty("id").GetString()!,
            long.Parse(d.GetProperty("timestamp").GetString()!, System.Globalization.CultureInfo.InvariantCulture),
            d.GetProperty("signature").GetString()!,
            d.GetProperty("body").GetString()!,
            d.GetProperty("verified").GetBoolean(),
            d.GetProperty("error").GetString(),
            d.GetProperty("status").ValueKind == JsonValueKind.Number ? d.GetProperty("status").GetInt32() : null))];
    }

    public async ValueTask DisposeAsync()
    {
        _control.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>One request the receiver got: its Standard Webhooks headers, its body, whether the npm library verified it, and the status it answered (null while held).</summary>
public sealed record ReceivedDelivery(string Id, long Timestamp, string Signature, string Body, bool Verified, string? Error, int? Status)
{
    public JsonElement Json => JsonSerializer.Deserialize<JsonElement>(Body);
}

/// <summary>
/// One receiver for a test class (<c>IClassFixture</c>): starting Node for each test cost more than the test. The
/// class's tests keep apart by using endpoints of their own names; each endpoint has its own secret, answers and log.
/// </summary>
public sealed class WebhookReceiverFixture : IAsyncLifetime
{
    private WebhookReceiver? _receiver;

    public WebhookReceiver Receiver => _receiver ?? throw new InvalidOperationException("The receiver has not started.");

    public async ValueTask InitializeAsync() => _receiver = await WebhookReceiver.StartAsync();

    public async ValueTask DisposeAsync()
    {
        if (_receiver is not null)
        {
            await _receiver.DisposeAsync();
        }
    }
}
