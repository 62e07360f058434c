/** A small accessible SVG histogram, with its bins exposed as data attributes for tests and tools. */

const SVG_NS = 'http://www.w3.org/2000/svg';

/** Bin edges (one more than the counts) and counts of a histogram. */
export interface Histogram {
  readonly edges: readonly number[];
  readonly counts: readonly number[];
}

/** Equal-width bins over [lo, hi]; values outside go to the end bins. */
export function histogram(values: readonly number[], lo: number, hi: number, bins: number, scale: 'linear' | 'log' = 'linear'): Histogram {
  const map = scale === 'log' ? Math.log : (x: number) => x;
  const a = map(lo);
  const b = map(hi);
  const edges = Array.from({ length: bins + 1 }, (_, i) => (scale === 'log' ? Math.exp(a + ((b - a) * i) / bins) : a + ((b - a) * i) / bins));
  const counts = new Array<number>(bins).fill(0);
  for (const v of values) {
    const bin = Math.floor(((map(v) - a) / (b - a)) * bins);
    counts[Math.min(bins - 1, Math.max(0, bin))]++;
  }
  return { edges, counts };
}

function svgEl<K extends keyof SVGElementTagNameMap>(name: K, attrs: Record<string, string | number>): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG_NS, name);
  for (const [key, value] of Object.entries(attrs)) el.setAttribute(key, String(value));
  return el;
}

const WIDTH = 360;
const HEIGHT = 180;
const PAD = { left: 36, right: 18, top: 8, bottom: 28 };

/** Render `hist` as bars in `container`, labelling a few bin edges. */
export function renderHistogram(container: HTMLElement, hist: Histogram, label: string, format: (x: number) => string): void {
  const svg = svgEl('svg', { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: 'img', 'aria-label': label, class: 'histogram' });
  svg.dataset.counts = JSON.stringify(hist.counts);
  svg.dataset.edges = JSON.stringify(hist.edges);
  const total = hist.counts.reduce((s, c) => s + c, 0);
  const top = Math.max(1, ...hist.counts);
  const plotW = WIDTH - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const barW = plotW / hist.counts.length;
  hist.counts.forEach((count, i) => {
    const h = (count / top) * plotH;
    const bar = svgEl('rect', { x: PAD.left + i * barW + 0.5, y: PAD.top + plotH - h, width: Math.max(0.5, barW - 1), height: h, class: 'bar' });
    const tip = svgEl('title', {});
    tip.textContent = `${format(hist.edges[i])}–${format(hist.edges[i + 1])}: ${count} (${total ? ((100 * count) / total).toFixed(1) : 0}%)`;
    bar.append(tip);
    svg.append(bar);
  });
  svg.append(svgEl('line', { x1: PAD.left, x2: WIDTH - PAD.right, y1: PAD.top + plotH, y2: PAD.top + plotH, class: 'axis' }));
  const step = Math.max(1, Math.round(hist.counts.length / 4));
  for (let i = 0; i <= hist.counts.length; i += step) {
    const text = svgEl('text', { x: PAD.left + i * barW, y: HEIGHT - 10, 'text-anchor': 'middle', class: 'tick' });
    text.textContent = format(hist.edges[i]);
    svg.append(text);
  }
  const yLabel = svgEl('text', { x: 4, y: PAD.top + 10, class: 'tick' });
  yLabel.textContent = total ? `${((100 * top) / total).toFixed(0)}%` : '0';
  svg.append(yLabel);
  container.replaceChildren(svg);
}

/** Render `values` (e.g. a loss per step) as a line in `container`, with the first and last values labelled; the values are in `data-values`. */
export function renderLineChart(container: HTMLElement, values: readonly number[], label: string, format: (x: number) => string): void {
  const svg = svgEl('svg', { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: 'img', 'aria-label': label, class: 'histogram line-chart' });
  svg.dataset.values = JSON.stringify(values);
  const plotW = WIDTH - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const top = Math.max(...values, 1e-9);
  const x = (i: number) => PAD.left + (values.length > 1 ? (i / (values.length - 1)) * plotW : 0);
  const y = (v: number) => PAD.top + plotH - (Math.max(0, v) / top) * plotH;
  svg.append(svgEl('line', { x1: PAD.left, x2: WIDTH - PAD.right, y1: PAD.top + plotH, y2: PAD.top + plotH, class: 'axis' }));
  svg.append(svgEl('line', { x1: PAD.left, x2: PAD.left, y1: PAD.top, y2: PAD.top + plotH, class: 'axis' }));
  if (values.length > 0) svg.append(svgEl('polyline', { points: values.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' '), class: 'line' }));
  const ticks: Array<[number, number, string]> = [[4, PAD.top + 10, format(top)], [4, PAD.top + plotH, '0'], [PAD.left, HEIGHT - 10, '1'], [WIDTH - PAD.right, HEIGHT - 10, String(Math.max(values.length, 1))]];
  for (const [tx, ty, text] of ticks) {
    const tick = svgEl('text', { x: tx, y: ty, 'text-anchor': tx === 4 ? 'start' : 'middle', class: 'tick' });
    tick.textContent = text;
    svg.append(tick);
  }
  container.replaceChildren(svg);
}
