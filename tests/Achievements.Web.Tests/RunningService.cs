using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Achievements.Web.Tests;

/// <summary>
/// The built service as a child process on a free loopback port, with its own temporary SQLite file and a
/// known admin key. A real socket, not the in-memory test server, because the browser has to reach it.
/// </summary>
public sealed class RunningService : IAsyncDisposable
{
    public const string AdminKey = "web-test-admin-key-0123456789";

    private readonly Process _process;
    private readonly string _databasePath;
    private readonly StringBuilder _output = new();

    private RunningService(Process process, string databasePath, Uri baseAddress)
    {
        _process = process;
        _databasePath = databasePath;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public string Output
    {
        get { lock (_output) { return _output.ToString(); } }
    }

    /// <summary>Starts the service on <paramref name="port"/> (a free one when null), with <paramref name="settings"/> added to its environment.</summary>
    public static async Task<RunningService> StartAsync(IReadOnlyDictionary<string, string>? settings = null, int? port = null)
    {
        port ??= FreePort();
        var databasePath = Path.Combine(Path.GetTempPath(), $"achievements-web-{Guid.NewGuid():N}.db");
        var start = new ProcessStartInfo(DotnetHost(), [Path.Combine(AppContext.BaseDirectory, "Achievements.Api.dll")])
        {
            // The service serves its pages from wwwroot under its content root: the project folder, as with dotnet run.
            WorkingDirectory = ApiProjectFolder(),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["ConnectionStrings__Achievements"] = $"Data Source={databasePath}";
        start.Environment["Achievements__AdminKey"] = AdminKey;
        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["Achievements__Evaluation__IntervalSeconds"] = "0.2";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (name, value) in settings ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("The service did not start.");
        var service = new RunningService(process, databasePath, new Uri($"http://127.0.0.1:{port}/"));
        process.OutputDataReceived += (_, e) => service.Record(e.Data);
        process.ErrorDataReceived += (_, e) => service.Record(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await service.WaitUntilHealthyAsync();
        return service;
    }

    private void Record(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    private async Task WaitUntilHealthyAsync()
    {
        using var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(40);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The service exited with {_process.ExitCode}:\n{Output}");
            }

            try
            {
                if ((await client.GetAsync(new Uri("health", UriKind.Relative))).StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"The service did not become healthy:\n{Output}");
    }

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    private static string ApiProjectFolder()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            var candidate = Path.Combine(folder.FullName, "src", "Achievements.Api");
            if (Directory.Exists(Path.Combine(candidate, "wwwroot")))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException("src/Achievements.Api/wwwroot was not found above the test output folder.");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            File.Delete(_databasePath + suffix);
        }
    }
}
