using System.Text.RegularExpressions;
using System.Xml.Linq;
using Achievements.Api.Tests.Infrastructure;

namespace Achievements.Api.Tests.Architecture;

/// <summary>
/// The PostgreSQL pass (Achievements.Api.Tests.Postgres) compiles these sources again but leaves out the tests that never
/// reach a store, which would only run twice. Leaving one out is safe only while it stays that way.
/// </summary>
public sealed partial class SuiteTests
{
    private static readonly string Tests = Path.Combine(Repository.Root, "tests");

    [Fact]
    public void A_test_file_the_postgres_pass_leaves_out_starts_no_app_and_opens_no_database()
    {
        var leftOut = LeftOutOfThePostgresPass();

        Assert.NotEmpty(leftOut);
        foreach (var file in leftOut)
        {
            var path = Path.GetFullPath(Path.Combine(Tests, "Achievements.Api.Tests.Postgres", file));
            Assert.True(File.Exists(path), $"{file} is left out of the PostgreSQL pass but does not exist.");
            var store = ReachesTheStore().Match(File.ReadAllText(path));
            Assert.False(store.Success, $"{file} is left out of the PostgreSQL pass but reaches the store ({store.Value}): take it off the list in Achievements.Api.Tests.Postgres.csproj.");
        }
    }

    private static List<string> LeftOutOfThePostgresPass() =>
    [
        .. XDocument.Load(Path.Combine(Tests, "Achievements.Api.Tests.Postgres", "Achievements.Api.Tests.Postgres.csproj"))
            .Descendants("StoreIndependentTests")
            .Select(item => (string)item.Attribute("Include")!),
    ];

    /// <summary>What a test uses to reach the test process's store: an app, a child service process, or the store itself.</summary>
    [GeneratedRegex(@"\b(AchievementsApp|RateLimitedApp|ChildService|TestStore|PostgresCluster|IDbConnectionFactory)\b")]
    private static partial Regex ReachesTheStore();
}
