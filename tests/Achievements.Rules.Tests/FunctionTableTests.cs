using System.Text.RegularExpressions;

namespace Achievements.Rules.Tests;

/// <summary>docs/rules.md lists what <see cref="FunctionTable"/> holds, so a new function cannot ship undocumented.</summary>
public sealed partial class FunctionTableTests
{
    private static readonly string Rules = File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", "rules.md"));

    [Fact]
    public void The_aggregations_table_of_the_docs_lists_the_aggregations_of_the_function_table_in_order()
    {
        var section = Rules[Rules.IndexOf("### Aggregations", StringComparison.Ordinal)..];
        section = section[..section.IndexOf("\n#", StringComparison.Ordinal)];
        var documented = AggregationRow().Matches(section).Select(m => m.Groups["name"].Value);

        Assert.Equal(FunctionTable.Aggregations.Select(f => f.Name), documented);
    }

    [Fact]
    public void Every_function_of_the_table_is_shown_called_in_the_docs()
    {
        var undocumented = FunctionTable.Names.Where(name => !Rules.Contains($"`{name}(", StringComparison.Ordinal));

        Assert.Empty(undocumented);
    }

    [GeneratedRegex(@"^\| `(?<name>[a-z]+)\(", RegexOptions.Multiline)]
    private static partial Regex AggregationRow();

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Achievements.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("Achievements.sln not found above " + AppContext.BaseDirectory);
    }
}
