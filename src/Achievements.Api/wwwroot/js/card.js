import { el, formatDate } from './dom.js';

const knownTiers = ['bronze', 'silver', 'gold', 'platinum', 'diamond'];

// Known tier names have their own colour; any other tier is coloured by its rank.
export function tierClass(tier, tierRank) {
  return knownTiers.includes(tier) ? `tier tier-${tier}` : `tier tier-rank-${Math.min(Number(tierRank) || 0, 4)}`;
}

// A person's directory card: name, team, and each badge with its details shown on hover or focus.
export function directoryCard(entry, { compact = false } = {}) {
  const name = entry.displayName || entry.employee;
  const list = el('ul', { class: 'badge-list', 'aria-label': `Badges of ${name}` });
  entry.badges.forEach((badge, index) => {
    const detailId = `badge-detail-${index}`;
    list.append(el('li', { class: `badge ${tierClass(badge.tier, badge.tierRank)}`, tabindex: '0', 'aria-describedby': detailId, 'data-badge': badge.badge },
      el('span', { class: 'badge-icon', 'aria-hidden': 'true', text: badge.icon }),
      el('span', { class: 'badge-name', text: badge.name }),
      el('span', { class: 'badge-tier', text: badge.tier }),
      el('span', { class: 'badge-detail', id: detailId, role: 'tooltip' },
        badge.description ? el('span', { class: 'badge-description', text: badge.description }) : null,
        el('span', { class: 'badge-awarded' }, 'Awarded ', el('time', { datetime: badge.awardedAt, text: formatDate(badge.awardedAt) })))));
  });
  return el('article', { class: compact ? 'card card-compact' : 'card', 'aria-labelledby': 'card-name' },
    el('header', { class: 'card-header' },
      el(compact ? 'h1' : 'h2', { id: 'card-name', class: 'card-name', text: name }),
      entry.displayName ? el('p', { class: 'card-id', text: entry.employee }) : null,
      el('p', { class: 'card-team', text: entry.team || 'No team' })),
    entry.badges.length ? list : el('p', { class: 'muted', text: 'No badges yet.' }));
}

export function employeeIdFromPath() {
  const parts = location.pathname.split('/').filter(Boolean);
  return decodeURIComponent(parts[1] ?? '');
}
