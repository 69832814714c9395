namespace Achievements.Api.Tests.Infrastructure;

/// <summary>
/// The real payloads beside the repository (<c>../shared/fixtures</c> seen from its root), read at test time and never
/// copied in: each folder's PROVENANCE.md says where its files come from. <c>ACHIEVEMENTS_FIXTURES</c> names another
/// place, for a clone that does not sit beside them (<c>.ci/run</c> sets it from the clone's origin).
/// </summary>
public static class SharedFixtures
{
    public static string Root { get; } = Find();

    public static byte[] Read(params string[] path) => File.ReadAllBytes(Path.Combine([Root, .. path]));

    private static string Find()
    {
        if (Environment.GetEnvironmentVariable("ACHIEVEMENTS_FIXTURES") is { Length: > 0 } configured)
        {
            return Directory.Exists(configured) ? Path.GetFullPath(configured) : throw new DirectoryNotFoundException($"ACHIEVEMENTS_FIXTURES names {configured}, which does not exist.");
        }

        var fixtures = Path.GetFullPath(Path.Combine(Repository.Root, "..", "shared", "fixtures"));
        return Directory.Exists(fixtures) ? fixtures : throw new DirectoryNotFoundException($"The shared fixtures are not at {fixtures}.");
    }
}
