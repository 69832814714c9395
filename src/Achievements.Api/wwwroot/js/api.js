import { el } from './dom.js';

// The public REST API, and its RFC 9457 problems as errors the pages can show.
export class ApiProblem extends Error {
  constructor(status, problem) {
    super(problem.detail || problem.title || `The service answered ${status}.`);
    this.status = status;
    this.problem = problem;
  }
}

// JSON by default; with accept set (such as application/vc+jwt), the body as text.
export async function api(path, { key, method = 'GET', body, accept } = {}) {
  const headers = { Accept: accept || 'application/json' };
  if (key) headers.Authorization = `Bearer ${key}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let response;
  try {
    response = await fetch(`/api/v1${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    throw new ApiProblem(0, { title: 'The service could not be reached', detail: 'Check your connection and try again.' });
  }
  const text = await response.text();
  if (accept && response.ok) return text;
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { data = { title: text }; }
  if (!response.ok) throw new ApiProblem(response.status, data && typeof data === 'object' ? data : { title: `Error ${response.status}` });
  return data;
}

// A problem as the person should read it: title, detail, each field's errors, rule diagnostics, personas.
export function problemView(error) {
  const problem = error instanceof ApiProblem ? error.problem : { title: 'Something went wrong', detail: String(error?.message ?? error) };
  const box = el('div', { class: 'problem', role: 'alert' },
    el('p', { class: 'problem-title', text: problem.title || 'Error' }),
    problem.detail ? el('p', { text: problem.detail }) : null);
  if (problem.errors && typeof problem.errors === 'object') {
    box.append(el('ul', {}, Object.entries(problem.errors).flatMap(([field, messages]) =>
      [].concat(messages).map(message => el('li', {}, el('code', { text: field }), ': ', message)))));
  }
  if (Array.isArray(problem.diagnostics)) {
    box.append(el('ul', {}, problem.diagnostics.map(d =>
      el('li', {}, el('code', { text: d.field }), ` line ${d.line}, column ${d.column}: `, d.message))));
  }
  if (Array.isArray(problem.personas)) {
    box.append(el('p', { text: 'Farming personas that would earn it without the work:' }),
      el('ul', {}, problem.personas.map(p => el('li', {}, el('strong', { text: p.persona }), ` as ${p.employee}, reaching ${p.tier}`))));
  }
  return box;
}
