namespace Achievements.Api.Tests.Infrastructure;

/// <summary>The repository the tests run from: the folder with Achievements.sln, above the test binaries.</summary>
public static class Repository
{
    public static string Root { get; } = Find();

    private static string Find()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Achievements.sln")))
            {
                return directory.FullName;
            }
        }

        throw new DirectoryNotFoundException("No Achievements.sln above the test binaries.");
    }
}
