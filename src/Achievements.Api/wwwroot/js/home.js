import { api, problemView } from './api.js';
import { el, replace } from './dom.js';
import { tierClass } from './card.js';

const root = document.getElementById('badges');
const lookup = document.getElementById('lookup');

lookup.addEventListener('submit', event => {
  event.preventDefault();
  const id = new FormData(lookup).get('employee').trim();
  if (id) location.assign(`/directory/${encodeURIComponent(id)}`);
});

try {
  const badges = await api('/badges');
  replace(root, el('ul', { class: 'catalog' }, badges.map(badge => el('li', { class: 'catalog-item' },
    el('h3', {}, el('span', { class: 'badge-icon', 'aria-hidden': 'true', text: badge.icon }), ' ', badge.name),
    el('p', { text: badge.description }),
    el('ul', { class: 'tier-list', 'aria-label': 'Tiers' }, badge.tiers.map((tier, rank) =>
      el('li', { class: tierClass(tier.name, rank), text: `${tier.name} ${tier.threshold}` })))))));
} catch (error) {
  replace(root, problemView(error));
}
