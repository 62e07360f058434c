/** Histograms of the area fraction and aspect ratio of regions over many `sample()` draws. */
import { Rng, type RandomErasing } from '../../src/core/index.js';
import { histogram, renderHistogram } from './chart.js';

/** What a batch of draws produced. */
export interface Draws {
  readonly draws: number;
  readonly erased: number;
  readonly areas: number[];
  readonly aspects: number[];
}

/** Stream id keeping distribution draws independent of the variants' streams (which use 0, 1, ...). */
const DRAW_STREAM = 0x0d157;

/** `count` draws of `erasing.sample(height, width)` from the seed's distribution stream. */
export function drawRegions(erasing: RandomErasing, height: number, width: number, seed: number, count: number): Draws {
  const rng = Rng.fromSeed(seed).derive(DRAW_STREAM);
  const areas: number[] = [];
  const aspects: number[] = [];
  let erased = 0;
  for (let i = 0; i < count; i++) {
    const regions = erasing.sample(height, width, rng);
    if (regions.length > 0) erased++;
    for (const r of regions) {
      areas.push((r.height * r.width) / (height * width));
      aspects.push(r.height / r.width);
    }
  }
  return { draws: count, erased, areas, aspects };
}

function median(values: number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** Draw and render both histograms and the summary line. */
export function renderDistributions(
  draws: Draws,
  elements: { area: HTMLElement; aspect: HTMLElement; summary: HTMLElement },
): void {
  const { areas, aspects } = draws;
  const maxArea = areas.reduce((m, a) => Math.max(m, a), 0.5);
  renderHistogram(elements.area, histogram(areas, 0, maxArea, 25), 'Histogram of region area fraction', (x) => x.toFixed(2));
  // Fixed log axis from 1/5 to 5 so uniform and log-uniform aspect sampling look different at a glance.
  renderHistogram(elements.aspect, histogram(aspects, 0.2, 5, 24, 'log'), 'Histogram of region aspect ratio', (x) => x.toFixed(2));
  const rate = draws.draws ? (100 * draws.erased) / draws.draws : 0;
  const meanArea = areas.length ? areas.reduce((s, a) => s + a, 0) / areas.length : NaN;
  const wide = aspects.length ? (100 * aspects.filter((a) => a > 1).length) / aspects.length : NaN;
  elements.summary.textContent =
    `${draws.draws} draws at the current image size: ${draws.erased} erased (${rate.toFixed(1)}%), ` +
    `${areas.length} regions, mean area fraction ${meanArea.toFixed(3)}, median aspect ${median(aspects).toFixed(2)}, ` +
    `${wide.toFixed(1)}% taller than wide.`;
}
