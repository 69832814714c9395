using System.Text.Json;
using Achievements.Api.Features.Signals;
using Achievements.Api.Simulation;
using Mediator;

namespace Achievements.Api.Tests.Simulation;

/// <summary>The simulate command guards the promise: it passes an honest organisation and fails as soon as a farmer wins.</summary>
public sealed class SimulateCommandTests
{
    /// <summary>A year of the smallest organisation, simulated once for the tests that read its table (a year takes a while).</summary>
    private static readonly Lazy<Task<(int Code, string Output)>> SmallYear = new(() => SimulateAsync(["--employees", "140", "--days", "365", "--seed", "3"], cancellationToken: CancellationToken.None));

    [Fact]
    public async Task A_small_organisation_keeps_the_promise_and_prints_its_table()
    {
        var (code, output) = await SmallYear.Value;

        Assert.Equal(SimulateCommand.Success, code);
        Assert.Contains("persona", output);
        Assert.Contains("self-merger", output);
        Assert.Contains("honest-strong", output);
        Assert.Contains("merge-master:", output);
        Assert.Contains("Verdict: the promise holds.", output);
    }

    [Fact]
    public async Task The_table_shows_beside_each_farming_persona_what_its_genuine_work_earns_and_the_verdict_names_farming_that_paid()
    {
        var (_, output) = await SmallYear.Value;
        var lines = output.Split('\n');

        Assert.Contains("genuine work earns", lines.First(line => line.StartsWith("persona", StringComparison.Ordinal)));
        // The token hider's work is all genuine, and what it earns is the same either way; an honest team's is all genuine.
        var hider = lines.First(line => line.StartsWith("token-hider", StringComparison.Ordinal));
        Assert.Contains("merge-master:", hider);
        Assert.Contains("(all genuine)", lines.First(line => line.StartsWith("honest-strong", StringComparison.Ordinal)));
        Assert.DoesNotContain("farming persona token-hider", output);
    }

    [Fact]
    public async Task The_same_seed_prints_the_same_bytes()
    {
        string[] args = ["--employees", "140", "--days", "30", "--seed", "5"];

        var first = await SimulateAsync(args);
        var second = await SimulateAsync(args);

        Assert.Equal(first, second);
    }

    [Fact]
    public async Task Without_independent_review_a_self_merger_wins_and_the_command_fails()
    {
        var (code, output) = await SimulateAsync(["--employees", "140", "--days", "120", "--seed", "3"], async (mediator, cancellationToken) =>
        {
            var qualify = BuiltInSignals.All.Single(s => s.Type == "pr.merged").Qualify.Where(q => q.Name != "independent-review");
            // Loosened twice over: no independent-review condition, and no voices asked for (voices leave out the author too).
            var patch = JsonSerializer.SerializeToElement(new { qualify, voices = (object?)null }, JsonSerializerOptions.Web);
            await mediator.Send(new UpdateSignalPolicy("pr.merged", patch, PolicyEdit.MergePatch), cancellationToken);
        });

        Assert.Equal(SimulateCommand.PromiseBroken, code);
        Assert.Matches(@"farming persona self-merger holds an active award above its genuine work: [^;]*merge-master:[a-z]+ \(genuine none\)", output);
    }

    [Theory]
    [InlineData("--employees needs a whole number.", "--employees")]
    [InlineData("--employees needs a whole number.", "--employees", "many")]
    [InlineData("--days must be between 1 and 365.", "--days", "0")]
    [InlineData("--days must be between 1 and 365.", "--days", "366")]
    [InlineData("Unknown argument '--colour'.", "--seed", "7", "--colour", "blue")]
    [InlineData("--employees must be at least", "--employees", "5")]
    public async Task Bad_arguments_say_what_is_wrong_print_the_usage_and_exit_with_2(string problem, params string[] args)
    {
        var (code, output) = await SimulateAsync(args);

        Assert.Equal(SimulateCommand.BadArguments, code);
        Assert.StartsWith(problem, output);
        Assert.Contains("Usage: Achievements.Api simulate", output);
    }

    private static async Task<(int Code, string Output)> SimulateAsync(string[] args, Func<IMediator, CancellationToken, Task>? adjustCatalog = null, CancellationToken? cancellationToken = null)
    {
        using var output = new StringWriter();
        var code = await SimulateCommand.RunAsync(args, output, adjustCatalog, cancellationToken ?? TestContext.Current.CancellationToken);
        return (code, output.ToString());
    }
}
