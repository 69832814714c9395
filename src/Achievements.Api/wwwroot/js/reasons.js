import { api } from './api.js';

// What counted, what waits and why the rest did not, as sentences a person understands. The reasons' sentences are
// the API's (GET /reasons, one table beside the codes in the scoring library); this file only fills them in.
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

let served = {};
let loading = null;

// Fetched once per page; a failed request is tried again next time. Without the sentences every reason still reads
// as a sentence, only a vaguer one.
export function loadReasons(key) {
  loading ??= api('/reasons', { key }).then(loaded => { served = loaded; }, () => { loading = null; });
  return loading;
}

// The policy's thresholds are the admins' to change, so a sentence takes them from the condition the API returns
// (such as "lines_added + lines_deleted >= 5"), never from this file.
function threshold(condition) {
  const match = />=\s*(\d+(?:\.\d+)?)\s*$/.exec(condition ?? '');
  return match ? match[1] : 'the required number of';
}

export function reasonSentence(type, reason, count, condition) {
  const what = noun(type, count);
  const sentence = Object.hasOwn(served, reason) ? served[reason] : null;
  if (sentence) return (count === 1 ? sentence.one : sentence.other).replace('{what}', what).replace('{threshold}', threshold(condition));
  // An admin's own condition, or a reason this page could not load.
  return condition ? `${what} did not meet the condition “${condition}”` : `${what} did not count (the reason given is “${reason}”)`;
}

export function pendingSentence(type, count) {
  return Object.hasOwn(served, 'not-settled') ? reasonSentence(type, 'not-settled', count, null) : `${noun(type, count)} did not count yet`;
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
