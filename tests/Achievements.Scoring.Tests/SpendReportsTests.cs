namespace Achievements.Scoring.Tests;

/// <summary>
/// One usage reported twice counts once: by the gateway and by the tool, or by a tool as requests and again as its
/// token metric's total. The cost view and the token-burn detector read spend through the same rule.
/// </summary>
public sealed class SpendReportsTests
{
    // Reports of one employee's week (label source tokens [aggregate] [model]) ⇶ the tokens that count.
    public static TheoryData<string, double> Reports => new()
    {
        // The tool alone, request by request.
        { "a editor 100; b editor 200", 300 },
        // The gateway reported the same week: only the gateway counts.
        { "a editor 100; g gateway 120", 120 },
        // A tool's total repeats its requests: the requests count.
        { "a claude-code 100; b claude-code 200; t claude-code 300 aggregate", 300 },
        // A tool that sent only its total counts it in full.
        { "t gemini-cli 800 aggregate", 800 },
        // Another tool's requests do not stand in for this tool's total.
        { "a claude-code 100; t gemini-cli 800 aggregate", 900 },
        // Nor do requests for another model.
        { "a claude-code 100 - small-model; t claude-code 300 aggregate", 400 },
        // And the gateway still outranks both.
        { "t gemini-cli 800 aggregate; g gateway 750", 750 },
    };

    [Theory]
    [MemberData(nameof(Reports))]
    public void Each_usage_counts_once(string reports, double tokens)
    {
        var rows = reports.Split(';', StringSplitOptions.TrimEntries).Select((report, n) =>
        {
            var words = report.Split(' ');
            var aggregate = words.Length > 3 && words[3] == "aggregate" ? ""","aggregate":true""" : "";
            var model = words.Length > 4 ? words[4] : "large-model";
            return new Row(words[0], "tokens.consumed", "ann", $"-2d{n}m", $$"""{"tokens":{{words[2]}},"model":"{{model}}"{{aggregate}}}""", words[1]);
        });
        var counted = History.Of(rows).CountFor("ann");

        Assert.Equal(tokens, SpendReports.Counted(counted.All, History.Catalog).Sum(e => e.Event.AttributeNumber("tokens")));
        Assert.Equal(tokens, SpendWeeks.Of(counted, History.Catalog, Time.Now).Spend.Sum(s => s.Tokens));
        Assert.Equal(tokens, EmployeeActivity.From("ann", counted, History.Catalog, Time.Now, new DetectionOptions()).Tokens);
    }
}
