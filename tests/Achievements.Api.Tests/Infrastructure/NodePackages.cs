using System.Diagnostics;

namespace Achievements.Api.Tests.Infrastructure;

/// <summary>
/// The tests' Node programs under tests/ (the OIDC provider, the credential verifier, the webhook receiver): found above the test binaries,
/// and their npm packages installed from the lock file on first use (node_modules is never committed).
/// </summary>
public static class NodePackages
{
    private static readonly Lock InstallTurn = new();

    /// <summary>
    /// tests/<paramref name="name"/>, with its packages installed: <paramref name="entry"/> is its script, and
    /// <paramref name="package"/> one of its packages, installed when its package.json is there.
    /// </summary>
    public static string Folder(string name, string entry, string package)
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "tests", name);
            if (File.Exists(Path.Combine(candidate, entry)))
            {
                EnsureInstalled(candidate, name, package);
                return candidate;
            }
        }

        throw new InvalidOperationException($"tests/{name} was not found above the test binaries.");
    }

    /// <summary>Runs <c>npm ci</c> once when node_modules is missing; two test processes may ask at once.</summary>
    private static void EnsureInstalled(string folder, string name, string package)
    {
        lock (InstallTurn)
        {
            // The other test project's process may be installing: the lock file's exclusive handle is the turn.
            FileStream? turn = null;
            while (turn is null)
            {
                try
                {
                    turn = new FileStream(Path.Combine(Path.GetTempPath(), $"achievements-{name}-install.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
                }
                catch (IOException)
                {
                    Thread.Sleep(200);
                }
            }

            using var held = turn;
            if (File.Exists(Path.Combine(folder, "node_modules", package, "package.json")))
            {
                return;
            }

            var install = Process.Start(new ProcessStartInfo("npm", ["ci", "--no-audit", "--no-fund"]) { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true })!;
            var errors = install.StandardError.ReadToEndAsync();
            install.StandardOutput.ReadToEnd();
            install.WaitForExit();
            if (install.ExitCode != 0)
            {
                throw new InvalidOperationException($"npm ci in {folder} failed: {errors.Result}");
            }
        }
    }
}
