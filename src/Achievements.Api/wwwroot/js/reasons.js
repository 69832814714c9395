// Reason codes from the counting policy, as sentences a person understands.
const nouns = {
  'pr.merged': ['pull request', 'pull requests'],
  'review.approved': ['approval', 'approvals'],
  'suggestion.accepted': ['accepted suggestion', 'accepted suggestions'],
  'suggestion.shown': ['shown suggestion', 'shown suggestions'],
  'tokens.consumed': ['token record', 'token records'],
  'prompt.sent': ['prompt', 'prompts'],
};

function noun(type, count) {
  const [one, many] = nouns[type] ?? [`${type} event`, `${type} events`];
  return `${count} ${count === 1 ? one : many}`;
}

const was = count => (count === 1 ? 'was' : 'were');

// The policy's thresholds are the admins' to change, so a sentence takes them from the condition the API returns
// (such as "lines_added + lines_deleted >= 5"), never from this file.
function threshold(condition) {
  const match = />=\s*(\d+(?:\.\d+)?)\s*$/.exec(condition ?? '');
  return match ? match[1] : null;
}

export function reasonSentence(type, reason, count, condition) {
  const what = noun(type, count);
  switch (reason) {
    case 'independent-review': return `${what} had no independent reviewer`;
    case 'non-trivial': {
      const lines = threshold(condition);
      return lines ? `${what} ${was(count)} too small to count (fewer than ${lines} lines changed)` : `${what} ${was(count)} too small to count`;
    }
    case 'corrected':
      if (type === 'pr.merged') return `${what} ${was(count)} reverted`;
      if (type === 'suggestion.accepted') return `${count} ${count === 1 ? 'suggestion was' : 'suggestions were'} discarded`;
      return `${what} ${was(count)} corrected later`;
    case 'daily-cap': return `${what} ${was(count)} over the daily limit`;
    case 'duplicate-outcome': return `${what} ${was(count)} reported again by another source (or twice by one); the first report counts`;
    case 'sliced': return `${what} ${was(count)} part of a run of work whose lines the pull requests counted before ${count === 1 ? 'it' : 'them'} already stand for (one unit per 80 lines changed, however the work is split)`;
    case 'untrusted-source': return `${what} came from a source not trusted to report ${count === 1 ? 'it' : 'them'}`;
    case 'not-settled': return pendingSentence(type, count);
    case 'bot': return `${what} came from an account marked as a bot`;
    case 'collusion': return `${what} ${was(count)} between members of a confirmed review ring, circle or patronage`;
    case 'not-merged': return `${what} ${was(count)} never shipped: the pull request ${count === 1 ? 'it names' : 'they name'} did not merge and count in time`;
    case 'exceeds-merged-lines': return `${what} went beyond the lines the pull request that shipped ${count === 1 ? 'it' : 'them'} added`;
    case 'unvouched': return `${what} had no one vouching for ${count === 1 ? 'it' : 'them'} who is in the directory and independent of you`;
    case 'one-voice': return `${what} ${was(count)} vouched for only by reviewers who had already vouched for as much as one person may`;
    case 'not-self-review': return `${what} ${was(count)} of your own pull requests`;
    case 'non-empty': return `${what} ${was(count)} empty`;
    default: return `${what} did not meet the condition “${condition ?? reason}”`;
  }
}

export function pendingSentence(type, count) {
  return `${noun(type, count)} ${count === 1 ? 'is' : 'are'} still settling (waiting to see whether ${count === 1 ? 'it is' : 'they are'} reverted)`;
}

export function countedSentence(type, count) {
  return `${noun(type, count)} counted`;
}

// What the policy found about AI in one counted outcome (progress' signals[].attribution): evidence, or why none.
function evidencePhrase(evidence) {
  const [kind, tool] = evidence.split(':');
  switch (kind) {
    case 'shipped-suggestion': return 'an accepted AI suggestion shipped in it';
    case 'co-author-trailer': return `a commit names ${tool} as co-author`;
    case 'tool-report': return `${tool} reported working on it`;
    case 'agent-account': return `the agent account ${tool} opened it for you`;
    default: return evidence;
  }
}

export function attributionSentence(outcome) {
  const id = outcome.id ?? 'A pull request';
  if (outcome.attributed) return `${id}: AI-assisted (${outcome.evidence.map(evidencePhrase).join('; ')})`;
  if (outcome.claimed) return `${id}: labelled AI-assisted, but nothing shows it, and a label alone is not evidence`;
  return `${id}: no sign of AI`;
}
