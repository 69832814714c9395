using System.Diagnostics;

namespace Achievements.Api.Tests.Infrastructure;

/// <summary>
/// PostgreSQL's server binaries and how to run them for a throwaway cluster: the tests' <c>PostgresCluster</c> and
/// the benchmarks' server both start theirs through here.
/// </summary>
internal static class PostgresBinaries
{
    /// <summary>The folder with initdb and pg_ctl: on PATH, else Debian's /usr/lib/postgresql/N/bin; null when neither has them.</summary>
    public static string? Find()
    {
        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .FirstOrDefault(folder => File.Exists(Path.Combine(folder, "initdb")) && File.Exists(Path.Combine(folder, "pg_ctl")));
        var debian = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(version => Path.Combine(version, "bin")).Order().LastOrDefault(bin => File.Exists(Path.Combine(bin, "initdb")))
            : null;
        return onPath ?? debian;
    }

    /// <summary>Runs a server program, as the postgres user when this process is root (initdb refuses root).</summary>
    public static void RunPostgres(bool asRoot, string program, IReadOnlyList<string> arguments)
    {
        if (asRoot)
        {
            Run("runuser", ["-u", "postgres", "--", program, .. arguments]);
        }
        else
        {
            Run(program, arguments);
        }
    }

    public static void Run(string program, IReadOnlyList<string> arguments)
    {
        var start = new ProcessStartInfo(program, arguments) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} exited with {process.ExitCode}: {output.Result}{error.Result}");
        }
    }
}
