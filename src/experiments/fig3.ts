/**
 * Figure 3 of the paper: after the baseline and RE runs of a grid are trained, each run's final model
 * is evaluated under occlusion; curves are averaged over seeds. Each run's evaluation is kept in its
 * folder (`occlusion.json`, beside its checkpoint) and reused on rerun when made with the same levels,
 * seed and subset.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '../train/atomic-write.js';
import { evaluateOcclusion, type OcclusionEvalOptions, type OcclusionPoint } from '../train/occlusion.js';
import { writeOcclusionReport, type OcclusionFiles } from './occlusion-report.js';
import { summarize } from './aggregate.js';
import type { ExperimentGrid, GridRun } from './grids.js';
import type { RunRecord } from './runner.js';

/** How the occlusion evaluation of a grid is made. */
export interface OcclusionSettings {
  readonly levels: readonly number[];
  readonly seed: number;
  readonly testSubset?: number;
  readonly backend?: OcclusionEvalOptions['backend'];
  readonly dataDir?: string;
}

interface StoredCurve {
  readonly settings: OcclusionSettings;
  readonly points: readonly { level: number; error: number }[];
}

async function readCurve(file: string, settings: OcclusionSettings): Promise<StoredCurve['points'] | null> {
  try {
    const stored = JSON.parse(await readFile(file, 'utf8')) as StoredCurve;
    const same = (s: OcclusionSettings) => JSON.stringify([s.levels, s.seed, s.testSubset ?? null]);
    return same(stored.settings) === same(settings) ? stored.points : null;
  } catch {
    return null;
  }
}

/** The occlusion curve of one trained run, computed once and stored in its folder. */
async function curveOf(record: RunRecord, dir: string, settings: OcclusionSettings): Promise<StoredCurve['points']> {
  const file = path.join(dir, 'occlusion.json');
  const stored = await readCurve(file, settings);
  if (stored) return stored;
  const points = await evaluateOcclusion({
    models: [{ label: record.id, file: record.outcome.checkpoint }],
    levels: settings.levels,
    seed: settings.seed,
    testSubset: settings.testSubset,
    backend: settings.backend,
    dataDir: settings.dataDir,
  });
  const curve = points.map(({ level, error }) => ({ level, error }));
  await writeFileAtomic(file, `${JSON.stringify({ settings, points: curve }, null, 2)}\n`);
  return curve;
}

function curveLabel(run: GridRun, grid: ExperimentGrid): string {
  const settings = new Set(grid.runs.map((r) => `${r.datasetLabel} ${r.model.label}`));
  return settings.size > 1 ? `${run.datasetLabel} ${run.model.label} ${run.variant}` : run.variant;
}

/** Evaluate every finished run under occlusion and write the averaged curves (`occlusion.*`). */
export async function writeOcclusionFigure(
  outDir: string,
  grid: ExperimentGrid,
  records: readonly RunRecord[],
  settings: OcclusionSettings,
  log: (line: string) => void,
): Promise<{ files: OcclusionFiles; points: OcclusionPoint[] }> {
  const points: OcclusionPoint[] = [];
  for (const run of grid.runs) {
    const curves: StoredCurve['points'][] = [];
    for (const record of records.filter((r) => r.id === run.id)) {
      log(`occlusion: ${run.id} seed ${record.seed}`);
      curves.push(await curveOf(record, path.dirname(record.outcome.checkpoint), settings));
    }
    if (curves.length === 0) continue;
    for (const level of settings.levels) {
      const errors = curves.map((curve) => curve.find((p) => p.level === level)?.error ?? Number.NaN);
      const summary = summarize(errors);
      points.push({ model: curveLabel(run, grid), level, error: summary.mean, std: summary.std });
    }
  }
  const subset = settings.testSubset === undefined ? 'all test images' : `${settings.testSubset} test images (seeded subset)`;
  const note = `One random rectangle (uniform random fill) of the given fraction of the image area per test image, occlusion seed ${settings.seed}, ${subset}; the same occluded images for every model. Mean ± std over seeds.`;
  return { files: await writeOcclusionReport(outDir, points, grid.title, note), points };
}
