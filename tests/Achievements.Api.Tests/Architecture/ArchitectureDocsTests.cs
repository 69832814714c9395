using System.Text.RegularExpressions;
using Achievements.Api.Tests.Infrastructure;

namespace Achievements.Api.Tests.Architecture;

/// <summary>What docs/architecture.md lists of the code (folders, their layers, migrations), read beside the code itself.</summary>
/// <remarks>
/// The layered folders are those of Features/, named bare (<c>Awards</c>), and those of Engine/, named with their
/// parent (<c>Engine/History</c>): the engine's host and the use cases are one graph without cycles.
/// </remarks>
public sealed partial class ArchitectureDocsTests
{
    private static readonly string Root = RepositoryRoot();
    private static readonly string Service = Path.Combine(Root, "src", "Achievements.Api");
    private static readonly string Doc = File.ReadAllText(Path.Combine(Root, "docs", "architecture.md"));
    private const string Layers = "### Folders of Features/ and Engine/, and their layers";

    [Fact]
    public void The_layer_diagram_names_every_feature_and_engine_folder_and_no_other()
    {
        var layers = Section(Layers).Split('\n')
            .Where(line => LayerLine().IsMatch(line))
            .SelectMany(line => WithoutParentheses(LayerLine().Replace(line, "")).Split(' ', StringSplitOptions.RemoveEmptyEntries));

        Assert.Equal(FeatureFolders(), layers.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void The_layer_table_names_every_feature_and_engine_folder_and_no_other()
    {
        var listed = FeatureTable().SelectMany(row => row.Folders).Order(StringComparer.Ordinal);

        Assert.Equal(FeatureFolders(), listed);
    }

    /// <summary>Each folder's imports of other feature folders are in its row, and each of them is in a lower layer.</summary>
    [Fact]
    public void A_feature_folder_uses_only_the_folders_its_row_names_and_they_are_in_lower_layers()
    {
        var layerOf = Section(Layers).Split('\n')
            .Select(line => LayerLine().Match(line) is { Success: true } m ? (Layer: int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), Folders: WithoutParentheses(line[m.Length..])) : default)
            .Where(x => x.Folders is not null)
            .SelectMany(x => x.Folders!.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(folder => (folder, x.Layer)))
            .ToDictionary(x => x.folder, x => x.Layer, StringComparer.Ordinal);
        var uses = FeatureTable().SelectMany(row => row.Folders.Select(folder => (folder, row.Uses))).ToDictionary(x => x.folder, x => x.Uses, StringComparer.Ordinal);

        var wrong = FeatureFolders()
            .SelectMany(folder => FeatureImports(PathOf(folder)).Where(used => used != folder).Select(used => (folder, used)))
            .Where(x => !uses[x.folder].Contains(x.used) || layerOf[x.used] >= layerOf[x.folder])
            .Select(x => $"{x.folder} uses {x.used} (layers {layerOf[x.folder]} and {layerOf[x.used]}; its row says: {string.Join(", ", uses[x.folder])})")
            .ToList();
        Assert.Empty(wrong);
    }

    [Fact]
    public void The_table_of_the_services_folders_names_every_folder_and_no_other()
    {
        string[] ignored = ["bin", "obj", "Properties"];
        var folders = Directory.EnumerateDirectories(Service)
            .Select(path => Path.GetFileName(path))
            .Where(name => !ignored.Contains(name))
            .Select(name => $"{name}/")
            .Concat(Directory.EnumerateDirectories(Path.Combine(Service, "Infrastructure")).Select(path => $"Infrastructure/{Path.GetFileName(path)}/"))
            .Order(StringComparer.Ordinal);

        Assert.Equal(folders, ServiceTable().Select(row => row.Folder).Order(StringComparer.Ordinal));
    }

    /// <summary>Infrastructure sits below the features, except in the files its row names (the composition root among them).</summary>
    [Fact]
    public void Infrastructure_imports_a_feature_folder_only_in_the_files_its_row_names()
    {
        var wrong = ServiceTable()
            .Where(row => row.Folder.StartsWith("Infrastructure/", StringComparison.Ordinal))
            .SelectMany(row => Directory.EnumerateFiles(Path.Combine(Service, row.Folder), "*.cs")
                .Where(file => FeatureImports(file).Any())
                .Where(file => !row.Uses.Contains($"`{Path.GetFileName(file)}`", StringComparison.Ordinal))
                .Select(file => $"{row.Folder}{Path.GetFileName(file)} imports {string.Join(", ", FeatureImports(file))}, but its row says: {row.Uses}"))
            .ToList();
        Assert.Empty(wrong);
    }

    [Fact]
    public void The_migration_table_lists_every_script_of_both_stores_and_no_other()
    {
        var rows = MigrationTable();
        var migrations = Path.Combine(Service, "Infrastructure", "Storage", "Migrations");

        Assert.Equal(Scripts(migrations), rows.Select(row => row.Sqlite).OfType<string>());
        Assert.Equal(Scripts(Path.Combine(migrations, "Postgres")), rows.Select(row => row.Postgres).OfType<string>().Distinct());
    }

    private static IEnumerable<string> Scripts(string folder) =>
        Directory.EnumerateFiles(folder, "*.sql").Select(path => Path.GetFileName(path)).Order(StringComparer.Ordinal);

    /// <summary>The folders of Features/ (bare) and of Engine/ (<c>Engine/History</c>).</summary>
    private static List<string> FeatureFolders() =>
        [.. Directory.EnumerateDirectories(Path.Combine(Service, "Features")).Select(path => Path.GetFileName(path))
            .Concat(Directory.EnumerateDirectories(Path.Combine(Service, "Engine")).Select(path => $"Engine/{Path.GetFileName(path)}"))
            .Order(StringComparer.Ordinal)];

    private static string PathOf(string folder) =>
        folder.StartsWith("Engine/", StringComparison.Ordinal) ? Path.Combine(Service, "Engine", folder["Engine/".Length..]) : Path.Combine(Service, "Features", folder);

    /// <summary>The feature and engine folders a file, or every file of a folder, imports with a using directive or names in full.</summary>
    private static IEnumerable<string> FeatureImports(string path) =>
        (Directory.Exists(path) ? Directory.EnumerateFiles(path, "*.cs", SearchOption.AllDirectories) : [path])
            .SelectMany(file => FeatureReference().Matches(File.ReadAllText(file)).Select(m => m.Groups[1].Value == "Engine" ? $"Engine/{m.Groups[2].Value}" : m.Groups[2].Value))
            .Distinct(StringComparer.Ordinal);

    /// <summary>The table under "Folders of Features/": folders in the first column, the feature folders they use in the second.</summary>
    private static List<(string[] Folders, HashSet<string> Uses)> FeatureTable()
    {
        var known = FeatureFolders();
        return [.. Rows(Section(Layers))
            .Where(cells => cells.Length == 2 && cells[0] != "Folder")
            .Select(cells => (Names(cells[0], known), Names(cells[1], known).ToHashSet(StringComparer.Ordinal)))];
    }

    private static List<(string Folder, string Uses)> ServiceTable() =>
        [.. Rows(Section("### Folders of the service"))
            .Where(cells => cells.Length == 3 && cells[0] != "Folder")
            .Select(cells => (cells[0].Trim('`'), cells[2]))];

    private static List<(string? Sqlite, string? Postgres)> MigrationTable() =>
        [.. Rows(Section("### Storage"))
            .Where(cells => cells.Length == 3 && cells[1].EndsWith(".sql`", StringComparison.Ordinal))
            .Select(cells => (Script(cells[0]), Script(cells[1])))];

    private static string? Script(string cell) => cell.StartsWith('`') && cell.EndsWith(".sql`", StringComparison.Ordinal) ? cell.Trim('`') : null;

    /// <summary>The words of a cell that are feature or engine folders, outside parentheses (which say what is used, in words).</summary>
    private static string[] Names(string cell, List<string> known) =>
        [.. FolderName().Matches(WithoutParentheses(cell)).Select(m => m.Value).Where(known.Contains)];

    private static string WithoutParentheses(string text) => Parenthesised().Replace(text, "");

    /// <summary>The table rows of a section: the cells of each line that starts with a pipe, after the separator row.</summary>
    private static IEnumerable<string[]> Rows(string section) =>
        section.Split('\n')
            .Select(line => line.Trim())
            .Where(line => line.StartsWith('|') && !line.StartsWith("|---", StringComparison.Ordinal))
            .Select(line => line.Trim('|').Split('|').Select(cell => cell.Trim()).ToArray());

    /// <summary>From a heading to the next heading of the same or a higher level.</summary>
    private static string Section(string heading)
    {
        var start = Doc.IndexOf($"\n{heading}\n", StringComparison.Ordinal);
        Assert.True(start >= 0, $"docs/architecture.md has no heading \"{heading}\".");
        var level = heading.TakeWhile(c => c == '#').Count();
        var next = Regex.Match(Doc[(start + heading.Length + 2)..], $@"\n#{{1,{level}}} ");
        return next.Success ? Doc.Substring(start, heading.Length + 2 + next.Index) : Doc[start..];
    }

    [GeneratedRegex(@"^layer (\d+)\s+")]
    private static partial Regex LayerLine();

    [GeneratedRegex(@"\([^()]*\)")]
    private static partial Regex Parenthesised();

    [GeneratedRegex(@"\bAchievements\.Api\.(Features|Engine)\.([A-Za-z]+)\b")]
    private static partial Regex FeatureReference();

    [GeneratedRegex(@"(?:Engine/)?[A-Za-z]+")]
    private static partial Regex FolderName();

    private static string RepositoryRoot() => Repository.Root;
}
