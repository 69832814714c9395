using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Achievements.Api.Tests.Infrastructure;
using ArchUnitNET.Loader;
using static ArchUnitNET.Fluent.Slices.SliceRuleDefinition;
using Assembly = System.Reflection.Assembly;

namespace Achievements.Api.Tests.Architecture;

/// <summary>The structure the code promises in docs/architecture.md, checked on the compiled assemblies and the sources.</summary>
public sealed class ArchitectureTests
{
    private static readonly Assembly Api = typeof(Program).Assembly;
    private static readonly Assembly Scoring = typeof(CountingPolicy).Assembly;
    private static readonly Assembly Rules = typeof(Achievements.Rules.RuleCompiler).Assembly;

    private static readonly ArchUnitNET.Domain.Architecture Service = new ArchLoader().LoadAssemblies(Api, Scoring, Rules).Build();

    /// <summary>Every namespace of the service is a slice: feature folders, the engine's folders, infrastructure and the simulation.</summary>
    [Fact]
    public void No_two_folders_of_the_service_import_each_other_in_circles()
    {
        var rule = Slices().Matching("Achievements.Api.(**)").Should().BeFreeOfCycles();
        Assert.True(rule.HasNoViolations(Service), string.Join(Environment.NewLine, rule.Evaluate(Service).Where(r => !r.Passed).Select(r => r.Description)));
    }

    /// <summary>
    /// Infrastructure (auth, errors, storage, telemetry) sits below everything the service does: it may not use the
    /// engine's host or a feature, except in the composition root, which registers and maps them all.
    /// </summary>
    [Fact]
    public void Infrastructure_uses_no_feature_and_no_engine_folder_but_in_the_composition_root()
    {
        var offending = Service.Types
            .Where(type => InNamespace(type.Namespace.FullName, "Achievements.Api.Infrastructure"))
            .Where(type => !type.FullName.StartsWith("Achievements.Api.Infrastructure.ServiceSetup", StringComparison.Ordinal))
            .SelectMany(type => type.Dependencies
                .Select(dependency => dependency.Target)
                .Where(target => InNamespace(target.Namespace.FullName, "Achievements.Api.Features") || InNamespace(target.Namespace.FullName, "Achievements.Api.Engine"))
                .Select(target => $"{type.FullName} uses {target.FullName}"))
            .Distinct()
            .ToList();
        Assert.Empty(offending);
    }

    private static bool InNamespace(string name, string parent) =>
        name == parent || name.StartsWith(parent + ".", StringComparison.Ordinal);

    /// <summary>No I/O, no web, no storage: its references are the rule language and the runtime.</summary>
    [Fact]
    public void The_scoring_engine_references_the_rule_language_and_nothing_else_of_ours_or_of_storage_and_web()
    {
        var references = Scoring.GetReferencedAssemblies().Select(a => a.Name!).ToList();
        Assert.Contains("Achievements.Rules", references);
        Assert.DoesNotContain(references, name => name is "Achievements.Api" or "Dapper" or "Microsoft.Data.Sqlite" || name.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal) || name.StartsWith("SQLitePCL", StringComparison.Ordinal));
    }

    public static TheoryData<string> Assemblies => ["Achievements.Api", "Achievements.Scoring", "Achievements.Rules"];

    /// <summary>Tests run many apps in one process, and production may run several: shared state belongs to a per-app service.</summary>
    [Theory]
    [MemberData(nameof(Assemblies))]
    public void No_static_field_holds_a_concurrent_collection_a_weak_table_or_a_lock(string assembly)
    {
        System.Type[] forbidden = [typeof(ConcurrentDictionary<,>), typeof(ConditionalWeakTable<,>), typeof(Lock), typeof(SemaphoreSlim), typeof(object)];
        var offending = new[] { Api, Scoring, Rules }.Single(a => a.GetName().Name == assembly).GetTypes()
            .SelectMany(type => type.GetFields(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly).Select(field => (type, field)))
            .Where(x => !x.field.IsLiteral && forbidden.Any(f => f == (x.field.FieldType.IsGenericType ? x.field.FieldType.GetGenericTypeDefinition() : x.field.FieldType)))
            .Select(x => $"{x.type.FullName}.{x.field.Name}")
            .ToList();
        Assert.Empty(offending);
    }

    /// <summary>Award rows change in one place, with their history, audit entry and the directory's invalidation.</summary>
    [Fact]
    public void Award_rows_are_written_in_one_file()
    {
        var writes = new Regex(@"\b(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+awards\b", RegexOptions.IgnoreCase);
        var writers = Directory.EnumerateFiles(Path.Combine(RepositoryRoot(), "src"), "*.cs", SearchOption.AllDirectories)
            .Where(path => !path.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Where(path => writes.IsMatch(File.ReadAllText(path)))
            .Select(path => Path.GetRelativePath(RepositoryRoot(), path).Replace(Path.DirectorySeparatorChar, '/'))
            .ToList();
        Assert.Equal(["src/Achievements.Api/Features/Awards/AwardLedger.cs"], writers);
    }

    [Fact]
    public void Every_reason_an_event_does_not_count_is_explained_in_the_api_docs()
    {
        var reasons = typeof(ExclusionReason).GetFields().Select(field => (string)field.GetRawConstantValue()!);
        var docs = File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", "api.md"));

        Assert.All(reasons, reason => Assert.Contains($"| `{reason}` |", docs, StringComparison.Ordinal));
    }

    private static string RepositoryRoot() => Repository.Root;
}
