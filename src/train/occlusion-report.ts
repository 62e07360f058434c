/**
 * Files of an occlusion evaluation (the paper's Fig. 3): a CSV (one row per model and level), a
 * markdown table (levels as rows, models as columns) and a line chart of test error vs occlusion.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from './atomic-write.js';
import { lineChart, writeChart } from './charts.js';
import { fixed, toCsv, toMarkdown, type Table } from './experiments/tables.js';

/** Test error of one model at one occlusion level. */
export interface OcclusionPoint {
  /** The model's label (legend entry), e.g. `baseline` or `RE`. */
  readonly model: string;
  /** Fraction of the image area occluded. */
  readonly level: number;
  /** Test error in percent. */
  readonly error: number;
  /** Standard deviation over seeds, when the point aggregates several models. */
  readonly std?: number | null;
}

/** Files written by {@link writeOcclusionReport}. */
export interface OcclusionFiles {
  readonly csv: string;
  readonly markdown: string;
  readonly chart: { svg: string; png: string };
}

function modelsOf(points: readonly OcclusionPoint[]): string[] {
  return [...new Set(points.map((p) => p.model))];
}

function levelsOf(points: readonly OcclusionPoint[]): number[] {
  return [...new Set(points.map((p) => p.level))].sort((a, b) => a - b);
}

function cellText(point: OcclusionPoint | undefined): string | null {
  if (!point) return null;
  const error = point.error.toFixed(2);
  return point.std === undefined || point.std === null ? error : `${error} ± ${point.std.toFixed(2)}`;
}

/** Levels as rows, one column of test error (%) per model. */
export function occlusionTable(points: readonly OcclusionPoint[]): Table {
  const models = modelsOf(points);
  return {
    columns: ['Occlusion', ...models.map((m) => `${m} error %`)],
    rows: levelsOf(points).map((level) => [
      level.toFixed(2),
      ...models.map((m) => cellText(points.find((p) => p.model === m && p.level === level))),
    ]),
  };
}

/** Write `<base>.csv`, `<base>.md` and `<base>.{svg,png}` (base = `outDir/occlusion`). */
export async function writeOcclusionReport(
  outDir: string,
  points: readonly OcclusionPoint[],
  heading: string,
  note = '',
): Promise<OcclusionFiles> {
  await mkdir(outDir, { recursive: true });
  const base = path.join(outDir, 'occlusion');
  const csv: Table = {
    columns: ['model', 'level', 'error', 'std'],
    rows: points.map((p) => [p.model, p.level, fixed(p.error, 4), fixed(p.std, 4)]),
  };
  await writeFileAtomic(`${base}.csv`, toCsv(csv));
  const models = modelsOf(points);
  const rows = levelsOf(points).map((level) =>
    Object.fromEntries([
      ['level', level],
      ...models.map((m) => [m, points.find((p) => p.model === m && p.level === level)?.error ?? null]),
    ]),
  );
  const chart = await writeChart(
    lineChart({ rows, x: 'level', series: models, title: heading, xTitle: 'occlusion level (fraction of image area)', yTitle: 'test error (%)' }),
    base,
  );
  const markdown = [`# ${heading}`, '', note, '', toMarkdown(occlusionTable(points)), '![test error vs occlusion](occlusion.png)', ''];
  await writeFileAtomic(`${base}.md`, markdown.join('\n').replace(/\n{3,}/g, '\n\n'));
  return { csv: `${base}.csv`, markdown: `${base}.md`, chart };
}
