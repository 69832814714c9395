import { api, problemView, ApiProblem } from './api.js';
import { el, replace, session, formatDate } from './dom.js';
import { tierClass } from './card.js';
import { loadReasons, reasonSentence, pendingSentence, countedSentence, attributionSentence } from './reasons.js';
import { weeklyChart } from './chart.js';
import { signInSettings, beginSignIn, completeSignIn, accessToken, forgetSignIn, signOut } from './signin.js';

const storageKey = 'achievements.me';
const form = document.getElementById('sign-in');
const provider = document.getElementById('provider');
const signedIn = document.getElementById('signed-in');
const signOutButton = document.getElementById('sign-out');
const root = document.getElementById('progress');
// Set when the service signs in through the company's identity provider; null when it takes keys only.
let settings = null;
let keyInstead = false;

form.addEventListener('submit', event => {
  event.preventDefault();
  const data = new FormData(form);
  session.set(storageKey, { employee: data.get('employee').trim(), key: data.get('key').trim() });
  form.reset();
  show();
});

document.getElementById('provider-sign-in').addEventListener('click', () => beginSignIn(settings).catch(error => replace(root, problemView(error))));
document.getElementById('use-key').addEventListener('click', () => {
  keyInstead = true;
  show();
});

signOutButton.addEventListener('click', async () => {
  const viaProvider = !session.get(storageKey);
  session.remove(storageKey);
  replace(root);
  if (viaProvider && settings) {
    await signOut(settings);
  }
  show();
});

// Who is signed in: a key typed in the form, or the provider's token (whose employee the service knows).
async function signedInAs() {
  const keyed = session.get(storageKey);
  if (keyed || !settings) return keyed;
  const token = await accessToken(settings);
  if (!token) return null;
  const who = await api('/me', { key: token });
  if (!who.employee) {
    forgetSignIn();
    throw new ApiProblem(403, { title: 'No progress to show', detail: 'You signed in as an admin who is no employee of the directory. Admins use the admin page.' });
  }
  return { employee: who.employee, name: who.displayName, key: token, viaProvider: true };
}

function statusLabel(status) {
  if (status === 'held') return el('span', { class: 'status status-held', text: 'under review' });
  if (status === 'revoked') return el('span', { class: 'status status-revoked', text: 'revoked' });
  if (status === 'expired') return el('span', { class: 'status status-expired', text: 'expired' });
  return null;
}

// A choice the service keeps (a badge shown or hidden, being listed at all): a checkbox that says it, saved at once,
// put back as it was if the service refuses.
function choice(label, checked, save) {
  const box = el('input', { type: 'checkbox' });
  box.checked = checked;
  const note = el('span', { class: 'muted', role: 'status' });
  box.addEventListener('change', async () => {
    box.disabled = true;
    note.textContent = '';
    try {
      await save(box.checked);
      note.textContent = 'Saved.';
    } catch (error) {
      box.checked = !box.checked;
      note.replaceChildren(problemView(error));
    } finally {
      box.disabled = false;
    }
  });
  return el('label', { class: 'choice' }, box, ` ${label} `, note);
}

function badgeProgress(me, badge) {
  const percent = Math.round(badge.fraction * 100);
  const progressId = `progress-${badge.badge}`;
  const target = badge.next
    ? `Towards ${badge.next.tier}: ${formatNumber(badge.value)} of ${formatNumber(badge.next.threshold)}`
    : `Top tier reached: ${formatNumber(badge.value)}`;
  const lines = [];
  for (const signal of badge.signals) {
    if (signal.counted > 0) lines.push(el('li', { text: countedSentence(signal.type, signal.counted) }));
    if (signal.pending > 0) lines.push(el('li', { text: pendingSentence(signal.type, signal.pending) }));
    for (const excluded of signal.excluded) lines.push(el('li', { class: 'excluded', text: reasonSentence(signal.type, excluded.reason, excluded.count, excluded.condition) }));
  }
  return el('li', { class: 'progress-item', 'data-badge': badge.badge },
    el('h3', {},
      el('span', { 'aria-hidden': 'true', text: badge.icon }), badge.name,
      badge.tier ? el('span', { class: `status ${tierClass(badge.tier, 0)}`, text: badge.tier }) : null,
      statusLabel(badge.status)),
    badge.expiresAt ? el('p', { class: 'muted', text: `${badge.status === 'expired' ? 'Expired' : 'Expires'} ${formatDate(badge.expiresAt)}${badge.status === 'expired' ? '; new work earns it again.' : ''}` }) : null,
    el('label', { for: progressId, text: target }),
    el('progress', { id: progressId, max: 100, value: percent, 'aria-valuetext': `${percent}%` }, `${percent}%`),
    badge.requirements.length ? el('ul', { class: 'reasons', 'aria-label': 'Requirements' }, badge.requirements.map(r =>
      el('li', { class: r.satisfied ? 'met' : 'unmet' }, r.satisfied ? '✓ Met: ' : '✗ Not met: ', el('code', { text: r.expression })))) : null,
    lines.length ? el('ul', { class: 'reasons', 'aria-label': 'What counted' }, lines) : el('p', { class: 'muted', text: 'No events for this badge yet.' }),
    attribution(badge),
    choice(`Show ${badge.name} in the directory`, badge.visible, visible =>
      api(`/employees/${encodeURIComponent(me.employee)}/badges/${encodeURIComponent(badge.badge)}/visibility`, { key: me.key, method: 'PUT', body: { visible } })),
    badge.status === 'active' ? credentialButton(me, badge) : null);
}

// For a badge that asks whether AI helped (Frugal Builder), each counted pull request and why it is, or is not,
// AI-assisted: evidence decides, never a label.
function attribution(badge) {
  const outcomes = badge.signals.flatMap(signal => signal.attribution ?? []);
  if (!outcomes.length) return null;
  return el('details', { class: 'attribution' },
    el('summary', { text: 'Which of these were AI-assisted' }),
    el('ul', { class: 'reasons', 'aria-label': 'AI-assisted or not' }, outcomes.map(outcome => el('li', { text: attributionSentence(outcome) }))));
}

// The award as an Open Badges 3.0 credential (a signed VC-JWT) to keep in a wallet: fetched with the key or token,
// which a plain link could not send, and saved as a file.
function credentialButton(me, badge) {
  const note = el('span', { role: 'status' });
  const button = el('button', { type: 'button', class: 'link-button', text: `Download ${badge.name} as a credential` });
  button.addEventListener('click', async () => {
    note.replaceChildren();
    try {
      const jwt = await api(`/employees/${encodeURIComponent(me.employee)}/badges/${encodeURIComponent(badge.badge)}/credential`, { key: me.key, accept: 'application/vc+jwt' });
      const link = el('a', { href: URL.createObjectURL(new Blob([jwt], { type: 'application/vc+jwt' })), download: `${badge.badge}.jwt` });
      link.click();
      // Later, not at once: the download reads the blob after the click returns.
      setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
    } catch (error) {
      note.replaceChildren(problemView(error));
    }
  });
  return el('p', {}, button, ' ', note);
}

function listing(me, listed) {
  return el('section', { 'aria-labelledby': 'directory-heading' },
    el('h2', { id: 'directory-heading', text: 'The directory' }),
    el('p', { class: 'help', text: 'Unlisted, your badges leave the directory and nobody sees them next to your name. You keep earning, and this page stays yours.' }),
    choice('List me in the directory', listed, value =>
      api(`/employees/${encodeURIComponent(me.employee)}/directory`, { key: me.key, method: 'PUT', body: { listed: value } })));
}

function formatNumber(value) {
  return Number.isInteger(value) ? String(value) : value.toFixed(2);
}

// Counted outcomes per week come from the API: every counted outcome, whether or not a badge is held yet.
async function outcomesChart(me) {
  const outcomes = await api(`/employees/${encodeURIComponent(me.employee)}/outcomes?weeks=12`, { key: me.key });
  return el('section', { 'aria-labelledby': 'chart-heading' },
    el('h2', { id: 'chart-heading', text: 'Counted outcomes per week' }),
    el('p', { class: 'help', text: 'The last 12 weeks: merged pull requests, approvals and kept suggestions that counted.' }),
    weeklyChart(outcomes.weeks.map(w => w.counted)));
}

async function show() {
  let me = null;
  try {
    me = await signedInAs();
  } catch (error) {
    if (error instanceof ApiProblem && error.status === 401) forgetSignIn();
    replace(root, problemView(error));
  }
  provider.hidden = Boolean(me) || !settings || keyInstead;
  form.hidden = Boolean(me) || (Boolean(settings) && !keyInstead);
  signedIn.hidden = !me;
  if (!me) return;
  document.getElementById('me-who').textContent = me.name ? `${me.name} (${me.employee})` : me.employee;
  signOutButton.textContent = me.viaProvider ? 'Sign out' : 'Forget my key';
  replace(root, el('p', { class: 'muted', text: 'Loading your progress…' }));
  try {
    const [progress] = await Promise.all([api(`/employees/${encodeURIComponent(me.employee)}/progress`, { key: me.key }), loadReasons(me.key)]);
    replace(root,
      listing(me, progress.listed),
      el('ul', { class: 'progress-list' }, progress.badges.map(badge => badgeProgress(me, badge))),
      await outcomesChart(me));
  } catch (error) {
    if (me.viaProvider && error instanceof ApiProblem && error.status === 401) {
      // The service no longer takes the token (revoked, or the provider's keys changed): sign in again.
      forgetSignIn();
      signedIn.hidden = true;
      provider.hidden = false;
    }
    replace(root, problemView(error));
  }
}

async function start() {
  try {
    settings = await signInSettings();
    if (settings) await completeSignIn(settings);
  } catch (error) {
    replace(root, problemView(error));
  }
  await show();
}

start();
