const svgNs = 'http://www.w3.org/2000/svg';

function svg(tag, attributes = {}, text) {
  const element = document.createElementNS(svgNs, tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, String(value));
  if (text !== undefined) element.textContent = text;
  return element;
}

const weekMs = 7 * 24 * 3600 * 1000;

// A bar chart drawn as SVG nodes (no markup strings), with a text alternative for screen readers.
export function weeklyChart(counts, now = Date.now()) {
  const width = 480, height = 160, left = 8, bottom = 24, top = 18;
  const max = Math.max(1, ...counts);
  const slot = (width - left * 2) / counts.length;
  const label = `Counted outcomes per week over the last ${counts.length} weeks, oldest first: ${counts.join(', ')}.`;
  const chart = svg('svg', { viewBox: `0 0 ${width} ${height}`, class: 'chart', role: 'img', 'aria-label': label });
  chart.append(svg('title', {}, label));
  chart.append(svg('line', { x1: left, x2: width - left, y1: height - bottom, y2: height - bottom, class: 'axis' }));
  counts.forEach((count, i) => {
    const barHeight = ((height - bottom - top) * count) / max;
    const x = left + i * slot + slot * 0.15;
    const y = height - bottom - barHeight;
    chart.append(svg('rect', { x, y, width: slot * 0.7, height: Math.max(barHeight, 0), class: 'bar', rx: 2 }));
    if (count > 0) chart.append(svg('text', { x: x + slot * 0.35, y: y - 4, 'text-anchor': 'middle', class: 'count' }, String(count)));
    if (i % 2 === 1 || counts.length <= 6) {
      const weekStart = new Date(now - (counts.length - i) * weekMs);
      chart.append(svg('text', { x: x + slot * 0.35, y: height - 6, 'text-anchor': 'middle' },
        weekStart.toLocaleDateString(undefined, { month: 'short', day: 'numeric' })));
    }
  });
  return chart;
}

// Bars for labelled weeks (the cost view's), as SVG nodes, with a text alternative.
export function labelledBars(points, describe) {
  const width = 480, height = 160, left = 8, bottom = 24, top = 18;
  const max = Math.max(1, ...points.map(p => p.value));
  const slot = (width - left * 2) / Math.max(1, points.length);
  const label = describe(points);
  const chart = svg('svg', { viewBox: `0 0 ${width} ${height}`, class: 'chart', role: 'img', 'aria-label': label });
  chart.append(svg('title', {}, label));
  chart.append(svg('line', { x1: left, x2: width - left, y1: height - bottom, y2: height - bottom, class: 'axis' }));
  points.forEach((point, i) => {
    const barHeight = ((height - bottom - top) * point.value) / max;
    const x = left + i * slot + slot * 0.15;
    chart.append(svg('rect', { x, y: height - bottom - barHeight, width: slot * 0.7, height: Math.max(barHeight, 0), class: 'bar', rx: 2 }));
    if (i % Math.ceil(points.length / 7) === 0) {
      chart.append(svg('text', { x: x + slot * 0.35, y: height - 6, 'text-anchor': 'middle' }, point.label));
    }
  });
  return chart;
}
