using System.Text.RegularExpressions;

namespace Achievements.Api.Features.Github;

/// <summary>
/// What GitHub shows of AI at work, as configured under <c>Achievements:Github</c> (docs/sources.md): the AI tools a
/// commit's co-author trailers may name (<c>AiTools</c>, each a name and optionally an e-mail, written as a trailer
/// writes them: <c>Claude &lt;noreply@anthropic.com&gt;</c>), and the accounts that are AI agents (<c>AgentAccounts</c>,
/// logins). Either list, when configured, replaces its default.
/// </summary>
internal sealed partial class GithubAiEvidence
{
    public const string Section = "Achievements:Github";

    /// <summary>The tools' names as their trailers begin; an e-mail where a tool's is known not to name it.</summary>
    public static readonly IReadOnlyList<string> DefaultTools =
        ["Claude <noreply@anthropic.com>", "Copilot", "Gemini", "Codex", "Cursor <cursoragent@cursor.com>", "Devin", "Aider <noreply@aider.chat>"];

    /// <summary>GitHub's Copilot coding agent (its two logins), Devin, and the Claude and Codex apps.</summary>
    public static readonly IReadOnlyList<string> DefaultAgentAccounts =
        ["Copilot", "copilot-swe-agent[bot]", "devin-ai-integration[bot]", "claude[bot]", "codex[bot]"];

    private readonly (string Name, string? Email)[] _tools;
    private readonly HashSet<string> _agents;

    public GithubAiEvidence(IEnumerable<string> tools, IEnumerable<string> agentAccounts)
    {
        _tools = [.. tools.Select(Tool)];
        _agents = new HashSet<string>(agentAccounts.Select(a => a.Trim()).Where(a => a.Length > 0), StringComparer.OrdinalIgnoreCase);
    }

    public static GithubAiEvidence From(IConfiguration configuration)
    {
        var section = configuration.GetSection(Section);
        return new(
            section.GetSection("AiTools").Get<string[]>() ?? [.. DefaultTools],
            section.GetSection("AgentAccounts").Get<string[]>() ?? [.. DefaultAgentAccounts]);
    }

    /// <summary>Whether the account is an AI agent's: its pull requests belong to the person who shepherded them.</summary>
    public bool IsAgent(GithubAccount account) => _agents.Contains(account.Login);

    /// <summary>
    /// The tools (lower case, each once) that the commit message's trailers name: <c>Co-authored-by:</c> or
    /// <c>Assisted-by:</c> lines of its last paragraph, as git reads trailers, whose name begins with a tool's name
    /// (followed by nothing or by something other than a letter or digit: "Claude Sonnet 4.5", not "Claudette") or
    /// whose e-mail is a tool's, both compared without case.
    /// </summary>
    public IReadOnlyList<string> ToolsIn(string message)
    {
        var paragraphs = Paragraphs().Split(message.Trim());
        var found = new List<string>();
        foreach (Match trailer in Trailer().Matches(paragraphs[^1]))
        {
            var name = trailer.Groups["name"].Value;
            var email = trailer.Groups["email"].Success ? trailer.Groups["email"].Value : null;
            foreach (var tool in _tools)
            {
                var named = name.StartsWith(tool.Name, StringComparison.OrdinalIgnoreCase) && (name.Length == tool.Name.Length || !char.IsLetterOrDigit(name[tool.Name.Length]));
                if (named || (tool.Email is not null && string.Equals(email, tool.Email, StringComparison.OrdinalIgnoreCase)))
                {
                    found.Add(tool.Name.ToLowerInvariant());
                    break;
                }
            }
        }

        return [.. found.Distinct(StringComparer.Ordinal)];
    }

    private static (string Name, string? Email) Tool(string entry)
    {
        var match = ToolEntry().Match(entry);
        return match.Success
            ? (match.Groups["name"].Value, match.Groups["email"].Success ? match.Groups["email"].Value : null)
            : throw new InvalidOperationException(
                $"{Section}:AiTools has '{entry}': each tool is a name of 1-32 letters, digits, '.', '_' or '-', optionally followed by an e-mail in <>, such as 'Claude <noreply@anthropic.com>'.");
    }

    [GeneratedRegex(@"\A\s*(?<name>[A-Za-z0-9._-]{1,32})\s*(?:<(?<email>[^<>\s]+@[^<>\s]+)>)?\s*\z", RegexOptions.CultureInvariant)]
    private static partial Regex ToolEntry();

    [GeneratedRegex(@"^(?:co-authored-by|assisted-by)[ \t]*:[ \t]*(?<name>[^<\r\n]*?)[ \t]*(?:<(?<email>[^<>\r\n]*)>)?[ \t]*\r?$", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase | RegexOptions.Multiline)]
    private static partial Regex Trailer();

    [GeneratedRegex(@"\r?\n[ \t]*\r?\n\s*", RegexOptions.CultureInvariant)]
    private static partial Regex Paragraphs();
}
