/**
 * Files of an occlusion evaluation (the paper's Fig. 3): a CSV (one row per model and level), a
 * markdown table (levels as rows, models as columns) and a line chart of test error vs occlusion.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '../train/atomic-write.js';
import type { TopLevelSpec } from 'vega-lite';
import { writeChart } from '../train/charts.js';
import type { OcclusionPoint } from '../train/occlusion.js';
import { fixed, toCsv, toMarkdown, type Table } from './tables.js';


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

/** A value at one occlusion level, with its spread over seeds. */
export interface LevelPoint {
  readonly model: string;
  readonly level: number;
  readonly value: number;
  readonly std?: number | null;
}

/** A measure vs occlusion level, one line per model, ± std rules where points aggregate seeds. */
export function levelChart(points: readonly LevelPoint[], title: string, yTitle: string): TopLevelSpec {
  const values = points.map((p) => ({ ...p, low: p.value - (p.std ?? 0), high: p.value + (p.std ?? 0) }));
  const x = { field: 'level', type: 'quantitative', title: 'occlusion level (fraction of image area)' };
  const color = { field: 'model', type: 'nominal', title: null, sort: [...new Set(points.map((p) => p.model))] };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    width: 360,
    height: 240,
    data: { values },
    layer: [
      { mark: { type: 'line', point: true }, encoding: { x, y: { field: 'value', type: 'quantitative', title: yTitle, scale: { zero: false } }, color } },
      { mark: 'rule', encoding: { x, y: { field: 'low', type: 'quantitative' }, y2: { field: 'high' }, color } },
    ],
  } as TopLevelSpec;
}

/** Test error vs occlusion level, one line per model, ± std rules where points aggregate seeds. */
export function occlusionChart(points: readonly OcclusionPoint[], title: string): TopLevelSpec {
  return levelChart(points.map((p) => ({ model: p.model, level: p.level, value: p.error, std: p.std })), title, 'test error (%)');
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
  const chart = await writeChart(occlusionChart(points, heading), base);
  const markdown = [`# ${heading}`, '', note, '', toMarkdown(occlusionTable(points)), '![test error vs occlusion](occlusion.png)', ''];
  await writeFileAtomic(`${base}.md`, markdown.join('\n').replace(/\n{3,}/g, '\n\n'));
  return { csv: `${base}.csv`, markdown: `${base}.md`, chart };
}
