import { api, problemView } from './api.js';
import { replace } from './dom.js';
import { directoryCard, employeeIdFromPath } from './card.js';

// /directory/{id} and /embed/{id}: the same card, the embed without site chrome.
const root = document.getElementById('card');
const compact = document.body.classList.contains('embed');
const id = employeeIdFromPath();

try {
  const entry = await api(`/employees/${encodeURIComponent(id)}/badges`);
  document.title = `${entry.displayName || entry.employee} · Achievements`;
  replace(root, directoryCard(entry, { compact }));
} catch (error) {
  replace(root, problemView(error));
} finally {
  root.setAttribute('aria-busy', 'false');
}
