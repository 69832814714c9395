using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;

namespace Achievements.Api.Tests.Infrastructure;

/// <summary>
/// The built service as a real child process on a loopback port, so that a test can kill it the way an
/// operating system would (SIGKILL) and start it again on the same database file.
/// </summary>
public sealed class ChildService : IAsyncDisposable
{
    public const string AdminKey = "child-admin-key-0123456789";

    private readonly Process _process;

    private ChildService(Process process, Uri address)
    {
        _process = process;
        Address = address;
    }

    public Uri Address { get; }

    /// <summary>Starts the service on <paramref name="databasePath"/>, with <paramref name="settings"/> as further environment variables.</summary>
    public static async Task<ChildService> StartAsync(string databasePath, IReadOnlyDictionary<string, string>? settings = null)
    {
        var port = FreePort();
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "Achievements.Api.dll")])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["Achievements__Database__Provider"] = TestStore.Provider;
        start.Environment["ConnectionStrings__Achievements"] = TestStore.ConnectionString(databasePath);
        start.Environment["Achievements__AdminKey"] = AdminKey;
        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        start.Environment["Achievements__Evaluation__IntervalSeconds"] = "0.2";
        start.Environment["Achievements__RateLimits__Enabled"] = "false";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (name, value) in settings ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("The service did not start.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var service = new ChildService(process, new Uri($"http://127.0.0.1:{port}/"));
        using var probe = service.Client();
        for (var deadline = DateTime.UtcNow.AddSeconds(40); DateTime.UtcNow < deadline; await Task.Delay(100))
        {
            try
            {
                if ((await probe.GetAsync(new Uri("health", UriKind.Relative))).StatusCode == HttpStatusCode.OK)
                {
                    return service;
                }
            }
            catch (HttpRequestException)
            {
            }
        }

        throw new TimeoutException("The service did not become healthy.");
    }

    public HttpClient Client(string? key = null)
    {
        var client = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(30) };
        if (key is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        return client;
    }

    /// <summary>Puts <paramref name="people"/> in the directory as an admin, so that their reviews vouch (only people vouch).</summary>
    public async Task PutPeopleAsync(params string[] people)
    {
        using var admin = Client(AdminKey);
        foreach (var person in people)
        {
            (await admin.PutAsync($"/api/v1/employees/{person}", Problem.JsonBody(new { displayName = person }))).EnsureSuccessStatusCode();
        }
    }

    /// <summary>SIGKILL: no shutdown hooks, no flushing, exactly as a crash.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            await KillAsync();
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
