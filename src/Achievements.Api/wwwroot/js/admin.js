import { api, problemView, ApiProblem } from './api.js';
import { el, replace, session, formatDateTime } from './dom.js';
import { RuleField } from './rule-field.js';
import { labelledBars } from './chart.js';
import { signInSettings, beginSignIn, completeSignIn, accessToken, forgetSignIn, signOut } from './signin.js';

const storageKey = 'achievements.admin';
const $ = id => document.getElementById(id);
const form = $('sign-in');
const editor = $('editor');
const result = $('editor-result');
const diagnostics = $('diagnostics');
const metric = new RuleField($('f-metric'), $('f-metric-mirror'));
const requires = new RuleField($('f-requires'), $('f-requires-mirror'));
const fields = { key: $('f-key'), name: $('f-name'), icon: $('f-icon'), description: $('f-description'), tiers: $('f-tiers') };

let adminKey = session.get(storageKey);
// The badge being edited ({ key, status, liveVersion }), or null for a new one.
let current = null;

// Set when the service signs in through the company's identity provider; null when it takes keys only.
let settings = null;
let keyInstead = false;

// What the calls carry: the key typed in the form, or the provider's access token (refreshed when it expires).
async function credential() {
  if (adminKey || !settings) return adminKey;
  const token = await accessToken(settings);
  if (!token) throw new ApiProblem(401, { title: 'Your sign-in has expired', detail: 'Sign in again.' });
  return token;
}

const call = async (path, options = {}) => api(path, { ...options, key: await credential() });

form.addEventListener('submit', event => {
  event.preventDefault();
  adminKey = new FormData(form).get('key').trim();
  session.set(storageKey, adminKey);
  form.reset();
  start();
});

$('provider-sign-in').addEventListener('click', () => beginSignIn(settings).catch(error => signInAgain(error)));
$('use-key').addEventListener('click', () => {
  keyInstead = true;
  start();
});

$('sign-out').addEventListener('click', async () => {
  const viaProvider = !adminKey;
  session.remove(storageKey);
  adminKey = null;
  if (viaProvider && settings) await signOut(settings);
  start();
});

// The sign-in the service offers: the provider's button, or the key form (always, when it takes keys only).
function showSignIn(signedIn) {
  $('provider').hidden = signedIn || !settings || keyInstead;
  form.hidden = signedIn || (Boolean(settings) && !keyInstead);
  $('signed-in').hidden = !signedIn;
  $('admin').hidden = !signedIn;
}

// The key or token was refused: forget it and ask again, saying why.
function signInAgain(error) {
  session.remove(storageKey);
  adminKey = null;
  forgetSignIn();
  showSignIn(false);
  (settings && !keyInstead ? $('provider') : form).prepend(problemView(error));
}

async function start() {
  const signedIn = Boolean(adminKey) || (Boolean(settings) && (await accessToken(settings)) !== null);
  showSignIn(signedIn);
  $('sign-out').textContent = adminKey ? 'Forget the key' : 'Sign out';
  if (!signedIn) return;
  const ok = await loadBadges();
  if (ok) {
    edit(null);
    loadCost();
    loadFlags();
    loadAudit();
  }
}

// Badges by status.
async function loadBadges() {
  const list = $('badge-list');
  try {
    const badges = await call('/badges?status=all');
    const groups = ['published', 'draft', 'archived'].map(status => [status, badges.filter(b => b.status === status)]);
    replace(list, el('div', { class: 'badge-groups' }, groups.filter(([, items]) => items.length).map(([status, items]) => [
      el('h3', { text: `${status} (${items.length})` }),
      items.map(b => el('div', { class: 'badge-row', 'data-badge': b.key },
        el('span', { class: 'title' }, el('span', { 'aria-hidden': 'true', text: `${b.icon} ` }), el('strong', { text: b.name }), ' ', el('code', { text: b.key }),
          el('span', { class: 'muted', text: ` v${b.version}${b.liveVersion ? `, live v${b.liveVersion}` : ''}` })),
        el('button', { type: 'button', class: 'secondary', 'aria-label': `Edit ${b.name}`, onclick: () => openBadge(b.key) }, 'Edit'))),
    ])));
    return true;
  } catch (error) {
    replace(list, problemView(error));
    if (error instanceof ApiProblem && (error.status === 401 || error.status === 403)) signInAgain(error);
    return false;
  }
}

async function openBadge(key) {
  try {
    const [latest] = await call(`/badges/${encodeURIComponent(key)}/versions`);
    edit(latest);
    fields.name.focus();
  } catch (error) {
    replace(result, problemView(error));
  }
}

function edit(badge) {
  current = badge ? { key: badge.key, status: badge.status, liveVersion: badge.liveVersion } : null;
  fields.key.value = badge?.key ?? '';
  fields.key.readOnly = Boolean(badge);
  fields.name.value = badge?.name ?? '';
  fields.icon.value = badge?.icon ?? '';
  fields.description.value = badge?.description ?? '';
  fields.tiers.value = (badge?.tiers ?? []).map(t => `${t.name} ${t.threshold}`).join('\n');
  metric.value = badge?.metric ?? '';
  requires.value = (badge?.requires ?? []).join('\n');
  $('editor-mode').textContent = badge
    ? `Editing ${badge.key} (${badge.status}, version ${badge.version}). Saving stores a new draft version; the live one runs until you publish.`
    : 'A new badge: fill in the fields, preview it, then create it as a draft.';
  $('create').hidden = Boolean(badge);
  $('save').hidden = !badge;
  $('compare').hidden = !badge?.liveVersion;
  $('publish').hidden = !badge;
  $('archive').hidden = !badge;
  $('archive').textContent = badge?.status === 'archived' ? 'Unarchive' : 'Archive';
  replace(result);
  replace(diagnostics);
  if (badge) validateNow();
}

$('new-badge').addEventListener('click', () => { edit(null); fields.key.focus(); });

// Checking as the admin types: ~300 ms after the last keystroke, and only the latest answer is shown.
let timer = 0;
let sequence = 0;
for (const field of [metric, requires]) field.textarea.addEventListener('input', () => {
  clearTimeout(timer);
  timer = setTimeout(validateNow, 300);
});

async function validateNow() {
  const mine = ++sequence;
  const requireLines = requires.lines();
  try {
    const answer = await call('/rules/validate', { method: 'POST', body: { metric: metric.value, requires: requireLines.map(l => l.text) } });
    if (mine !== sequence) return;
    showDiagnostics(answer.diagnostics, requireLines, answer);
  } catch (error) {
    if (mine === sequence) replace(diagnostics, problemView(error));
  }
}

function showDiagnostics(list, requireLines, answer = null) {
  const metricMarks = [];
  const requireMarks = [];
  for (const d of list) {
    const match = /^requires\[(\d+)\]$/.exec(d.field);
    if (d.field === 'metric') metricMarks.push({ ...d });
    else if (match && requireLines[Number(match[1])]) requireMarks.push({ ...d, start: requireLines[Number(match[1])].offset + d.start });
  }
  metric.mark(metricMarks);
  requires.mark(requireMarks);
  if (!list.length) {
    replace(diagnostics, metric.value.trim() ? el('p', { class: 'diag-ok' }, '✓ The rules compile.',
      answer?.signals?.length ? ` Reads ${answer.signals.map(s => `${s.type} (${s.kind}${s.window ? `, ${s.window}` : ''})`).join(', ')}.` : '') : null);
    return;
  }
  replace(diagnostics, el('ul', { 'aria-label': 'Problems in the rules' }, list.map(d =>
    el('li', { class: d.severity === 'error' ? 'error' : 'warning-text' },
      el('code', { text: d.field }), ` line ${d.line}, column ${d.column} (${d.code}): `, d.message))));
}

function definition({ withKey = true } = {}) {
  const tiers = [];
  const problems = [];
  fields.tiers.value.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    const [name, threshold, ...rest] = line.trim().split(/\s+/);
    const number = Number(threshold);
    if (!threshold || rest.length || !Number.isFinite(number)) problems.push(`Tier line ${i + 1} needs a name and a number, such as "bronze 10".`);
    else tiers.push({ name, threshold: number });
  });
  if (problems.length) throw new ApiProblem(400, { title: 'The tiers are not valid', detail: problems.join(' ') });
  const body = {
    name: fields.name.value.trim(),
    icon: fields.icon.value.trim(),
    description: fields.description.value.trim(),
    metric: metric.value,
    requires: requires.lines().map(l => l.text),
    tiers,
  };
  const key = fields.key.value.trim();
  return withKey && key ? { key, ...body } : body;
}

// Runs an editor action, showing its result or its problem (and rule diagnostics in place).
async function act(button, work) {
  button.disabled = true;
  try {
    replace(result, el('p', { class: 'muted', text: 'Working…' }));
    const view = await work();
    replace(result, view);
  } catch (error) {
    replace(result, problemView(error));
    if (error instanceof ApiProblem && Array.isArray(error.problem.diagnostics)) showDiagnostics(error.problem.diagnostics, requires.lines());
  } finally {
    button.disabled = false;
  }
}

$('preview').addEventListener('click', event => act(event.currentTarget, async () => {
  const preview = await call('/badges/preview', { method: 'POST', body: definition() });
  return el('div', { class: 'preview' },
    el('h3', { text: 'Preview' }),
    el('p', { text: `${preview.evaluatedEmployees} employees evaluated.` }),
    el('div', { class: 'table-scroll' }, el('table', {},
      el('caption', { class: 'muted', text: 'Employees whose highest tier this would be' }),
      el('thead', {}, el('tr', {}, el('th', { scope: 'col', text: 'Tier' }), el('th', { scope: 'col', text: 'Threshold' }), el('th', { scope: 'col', text: 'Employees' }))),
      el('tbody', {}, preview.tiers.map(t => el('tr', { 'data-tier': t.name },
        el('td', { text: t.name }), el('td', { text: t.threshold }), el('td', { class: 'count', text: t.count })))))),
    preview.top.length ? [el('h4', { text: 'Top' }), el('ol', {}, preview.top.map(t =>
      el('li', { text: `${t.employee}: ${t.value}${t.tier ? ` (${t.tier})` : ''}` })))] : el('p', { class: 'muted', text: 'Nobody has a value above 0.' }),
    (preview.warnings ?? []).map(w => el('p', { class: 'warning', role: 'note' }, el('strong', { text: `${w.code}: ` }), w.message)));
}));

$('create').addEventListener('click', event => act(event.currentTarget, async () => {
  const created = await call('/badges', { method: 'POST', body: definition() });
  edit(created);
  await loadBadges();
  loadAudit();
  return el('p', { class: 'notice', text: `Created ${created.key} as a draft (version ${created.version}).` });
}));

$('save').addEventListener('click', event => act(event.currentTarget, async () => {
  const saved = await call(`/badges/${encodeURIComponent(current.key)}`, { method: 'PUT', body: definition({ withKey: false }) });
  edit(saved);
  await loadBadges();
  loadAudit();
  return el('p', { class: 'notice', text: `Saved version ${saved.version} of ${saved.key} as a draft.` });
}));

$('compare').addEventListener('click', event => act(event.currentTarget, async () => {
  const change = await call(`/badges/${encodeURIComponent(current.key)}/preview`, { method: 'POST' });
  const rows = (title, items) => [el('h4', { text: `${title} (${items.length})` }), items.length
    ? el('ul', {}, items.map(c => el('li', { text: `${c.employee}: ${c.from ?? 'none'} → ${c.to ?? 'none'}` })))
    : el('p', { class: 'muted', text: 'None.' })];
  return el('div', { class: 'compare' },
    el('h3', { text: `Version ${change.draftVersion} compared with live version ${change.liveVersion}` }),
    el('p', { text: `${change.evaluatedEmployees} employees evaluated.` }),
    rows('Would gain', change.gains), rows('Would no longer qualify', change.losses));
}));

$('publish').addEventListener('click', event => act(event.currentTarget, async () => {
  const published = await call(`/badges/${encodeURIComponent(current.key)}/publish`, { method: 'POST' });
  edit(published);
  await loadBadges();
  loadAudit();
  return el('p', { class: 'notice', text: `Published ${published.key}: version ${published.liveVersion} is live. Everyone is queued for evaluation.` });
}));

$('archive').addEventListener('click', event => act(event.currentTarget, async () => {
  const verb = current.status === 'archived' ? 'unarchive' : 'archive';
  const badge = await call(`/badges/${encodeURIComponent(current.key)}/${verb}`, { method: 'POST' });
  edit(badge);
  await loadBadges();
  loadAudit();
  return el('p', { class: 'notice', text: `${badge.key} is now ${badge.status}.` });
}));

// Open flags, with dismiss and confirm.
async function loadFlags() {
  const root = $('flags');
  try {
    const flags = await call('/flags?status=open');
    replace(root, flags.length ? flags.map(flagView) : el('p', { class: 'muted', text: 'No open flags.' }));
  } catch (error) {
    replace(root, problemView(error));
  }
}

function flagView(flag) {
  const noteId = `flag-note-${flag.id}`;
  const box = el('article', { class: 'flag', 'data-flag': flag.id, 'aria-labelledby': `flag-title-${flag.id}` });
  const resolve = verb => async event => {
    event.currentTarget.disabled = true;
    try {
      const note = box.querySelector('input').value.trim();
      await call(`/flags/${flag.id}/${verb}`, { method: 'POST', body: { note: note || null } });
      await loadFlags();
      loadAudit();
    } catch (error) {
      box.append(problemView(error));
      event.target.disabled = false;
    }
  };
  box.append(
    el('h3', { id: `flag-title-${flag.id}`, text: `${flag.detector}: ${flag.employees.join(', ')}` }),
    el('p', { class: 'muted', text: `Score ${Number(flag.score).toFixed(2)} · ${formatDateTime(flag.window.start)} to ${formatDateTime(flag.window.end)} · raised ${formatDateTime(flag.createdAt)}` }),
    ...explanation(flag.evidence ?? {}),
    el('details', {}, el('summary', { text: 'Evidence' }), el('pre', { text: JSON.stringify(flag.evidence, null, 2) })),
    el('label', { for: noteId, text: 'Note' }),
    el('div', { class: 'row' },
      el('input', { id: noteId, name: 'note', maxlength: 500 }),
      el('button', { type: 'button', class: 'secondary', onclick: resolve('dismiss') }, 'Dismiss (not gaming)'),
      el('button', { type: 'button', class: 'danger', onclick: resolve('confirm') }, 'Confirm gaming')));
  return box;
}

// What a flag's evidence says in words: its pattern, the organisation's baseline it was compared with, and the numbers
// on the flagged side (members, patrons, approvals or the person's own output), each the detector's own fields.
const figure = value => (typeof value === 'number' ? (Number.isInteger(value) ? value.toLocaleString() : value.toFixed(2)) : value ?? '—');

function figures(caption, object) {
  const rows = Object.entries(object).filter(([, v]) => typeof v !== 'object' || v === null);
  return rows.length
    ? el('table', { class: 'figures' }, el('caption', { text: caption }),
      el('tbody', {}, ...rows.map(([k, v]) => el('tr', {}, el('th', { scope: 'row', text: k }), el('td', { text: String(figure(v)) })))))
    : null;
}

function people(caption, list) {
  const keys = [...new Set(list.flatMap(Object.keys))];
  return el('table', { class: 'figures' }, el('caption', { text: caption }),
    el('thead', {}, el('tr', {}, ...keys.map(k => el('th', { scope: 'col', text: k })))),
    el('tbody', {}, ...list.map(row => el('tr', {}, ...keys.map(k => el('td', { text: String(figure(row[k])) }))))));
}

function explanation(evidence) {
  const parts = [];
  if (evidence.pattern) {
    parts.push(el('p', { class: 'pattern', text: evidence.pattern }));
  }
  if (evidence.observed) {
    parts.push(figures('This person', evidence.observed));
  }
  for (const [key, caption] of [['members', 'Members'], ['patrons', 'Patrons'], ['approvals', 'Approvals between them']]) {
    if (Array.isArray(evidence[key]) && evidence[key].length) {
      parts.push(people(caption, evidence[key]));
    }
  }
  if (evidence.baseline) {
    parts.push(figures('Compared with the organisation', evidence.baseline));
  }
  if (Array.isArray(evidence.events)) {
    parts.push(el('p', { class: 'muted', text: `${evidence.events.length} events behind it, in the evidence below.` }));
  }
  return parts.filter(Boolean);
}

// The cost view: per team, tokens and reported cost against counted outcomes, and tokens per week.
const whole = n => Math.round(n).toLocaleString();
const usd = n => (n === null ? '—' : n.toLocaleString(undefined, { style: 'currency', currency: 'USD' }));

async function loadCost() {
  const root = $('cost');
  try {
    const view = await call(`/insights/cost?groupBy=team&window=${encodeURIComponent($('cost-window').value)}`);
    const points = view.total.weeks.map(w => ({ label: new Date(`${w.week}T00:00:00Z`).toLocaleDateString(undefined, { month: 'short', day: 'numeric', timeZone: 'UTC' }), value: w.tokens }));
    replace(root,
      labelledBars(points, ps => `Tokens per week, everyone, oldest first: ${ps.map(p => whole(p.value)).join(', ')}.`),
      view.groups.length === 0 ? el('p', { class: 'muted', text: 'No tokens or counted outcomes in this window yet.' }) :
        el('div', { class: 'table-scroll' }, el('table', { class: 'cost-table' },
          el('thead', {}, el('tr', {}, ['Team', 'People', 'Tokens', 'Cost', 'Counted outcomes', 'Tokens per outcome', 'Cost per outcome', 'Models']
            .map(h => el('th', { scope: 'col', text: h })))),
          el('tbody', {}, [...view.groups, { team: 'Everyone', employees: null, ...view.total }].map(g => el('tr', { 'data-team': g.team ?? '' },
            el('th', { scope: 'row', text: g.team ?? 'No team' }),
            el('td', { text: g.employees ?? '' }),
            el('td', { text: whole(g.tokens) }),
            el('td', { text: usd(g.costUsd) }),
            el('td', { text: g.outcomes }),
            el('td', { text: g.tokensPerOutcome === null ? '—' : whole(g.tokensPerOutcome) }),
            el('td', { text: usd(g.costPerOutcome) }),
            el('td', { text: g.models.map(m => `${m.model || 'unnamed'} ${whole(m.tokens)}`).join(', ') })))))));
  } catch (error) {
    replace(root, problemView(error));
  }
}

$('cost-window').addEventListener('change', loadCost);

// The audit log, newest first.
async function loadAudit() {
  const root = $('audit');
  try {
    const entries = await call('/audit?limit=50');
    replace(root, el('div', { class: 'table-scroll' }, el('table', {},
      el('thead', {}, el('tr', {}, ['When', 'Who', 'What', 'Employee', 'Badge', 'Details'].map(h => el('th', { scope: 'col', text: h })))),
      el('tbody', {}, entries.map(e => el('tr', {},
        el('td', { class: 'when', text: formatDateTime(e.at) }), el('td', { text: e.actor }), el('td', { text: e.action }),
        el('td', { text: e.employee ?? '' }), el('td', { text: e.badge ?? '' }),
        el('td', {}, el('code', { text: e.details ? JSON.stringify(e.details) : '' }))))))));
  } catch (error) {
    replace(root, problemView(error));
  }
}

$('audit-refresh').addEventListener('click', loadAudit);

async function boot() {
  try {
    settings = await signInSettings();
    if (settings) await completeSignIn(settings);
  } catch (error) {
    form.prepend(problemView(error));
  }
  await start();
}

boot();
