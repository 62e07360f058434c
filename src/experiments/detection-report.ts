/**
 * Results of the detection experiment as files, in the other experiments' formats: `runs.csv` (one
 * row per run and occlusion level), `summary.csv` (mean and std over seeds), `results.md` (COCO AP,
 * AP50 and VOC07 AP50 per arm, mean ± std, on the clean and the occluded test scenes, beside the
 * paper's claim), `results.{svg,png}` (precision-recall curves at IoU 0.5 per arm, averaged over
 * seeds, mean over classes) and `occlusion.{csv,md,svg,png}` (AP50 and COCO AP vs occlusion level).
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { TopLevelSpec } from 'vega-lite';
import { writeFileAtomic } from '../train/atomic-write.js';
import { lineChart, sideBySide, writeChart, type ChartRow } from '../train/charts.js';
import { formatSummary, summarize, type Summary } from './aggregate.js';
import type { DetectionArm, DetectionOutcome, DetectionRunSpec, LevelScores } from './detection-grid.js';
import { levelChart, type LevelPoint } from './occlusion-report.js';
import type { RunRecord } from './runner.js';
import { fixed, toCsv, toMarkdown, type Table } from './tables.js';

/** A detection run's record. */
export type DetectionRecord = RunRecord<DetectionRunSpec, DetectionOutcome>;

/** The measures reported, as fields of {@link LevelScores}, with their column names. */
const MEASURES = [
  { key: 'ap', label: 'COCO AP' },
  { key: 'ap50', label: 'AP50' },
  { key: 'voc07', label: 'VOC07 AP50' },
] as const;
type Measure = (typeof MEASURES)[number]['key'];

/** One arm at one occlusion level, over its seeds. AP values in percent. */
export interface DetectionSummary {
  readonly arm: DetectionArm;
  readonly level: number;
  readonly seeds: readonly number[];
  readonly ap: Summary;
  readonly ap50: Summary;
  readonly voc07: Summary;
  /** Mean precision at recall 0, 0.01, ..., 1 at IoU 0.5 (empty when no seed has a curve). */
  readonly precision50: readonly number[];
}

const percent = (value: number) => value * 100;

function scoreAt(record: DetectionRecord, level: number): LevelScores | undefined {
  return record.outcome.scores.find((s) => s.level === level);
}

/** Mean of equal-length curves, point by point. */
function meanCurve(curves: readonly (readonly number[])[]): number[] {
  const full = curves.filter((c) => c.length > 0);
  if (full.length === 0) return [];
  return full[0].map((_, i) => full.reduce((sum, c) => sum + c[i], 0) / full.length);
}

/** Every arm at every level, aggregated over seeds (arms without records are left out). */
export function summarizeDetection(arms: readonly DetectionArm[], levels: readonly number[], records: readonly DetectionRecord[]): DetectionSummary[] {
  return arms.flatMap((arm) =>
    levels.flatMap((level) => {
      const mine = records.filter((r) => r.id === arm.id && scoreAt(r, level));
      if (mine.length === 0) return [];
      const scores = mine.map((r) => scoreAt(r, level) as LevelScores);
      const of = (key: Measure) => summarize(scores.map((s) => percent(s[key])));
      return [{ arm, level, seeds: mine.map((r) => r.seed), ap: of('ap'), ap50: of('ap50'), voc07: of('voc07'), precision50: meanCurve(scores.map((s) => s.precision50)) }];
    }),
  );
}

/** The markdown table of one level: arms as rows, each measure's mean ± std in percent. */
export function detectionTable(summaries: readonly DetectionSummary[], level: number): Table {
  return {
    columns: ['Arm', 'Seeds', ...MEASURES.map((m) => `${m.label} %`)],
    rows: summaries.filter((s) => s.level === level).map((s) => [s.arm.label, s.seeds.length, ...MEASURES.map((m) => formatSummary(s[m.key]))]),
  };
}

function runsCsv(arms: readonly DetectionArm[], records: readonly DetectionRecord[]): Table {
  const label = new Map(arms.map((a) => [a.id, a.label]));
  return {
    columns: ['id', 'arm', 'seed', 'level', 'ap', 'ap50', 'ap75', 'voc07', 'epochs', 'seconds'],
    rows: records.flatMap((r) =>
      r.outcome.scores.map((s) => [r.id, label.get(r.id) ?? null, r.seed, s.level, fixed(s.ap, 6), fixed(s.ap50, 6), fixed(s.ap75, 6), fixed(s.voc07, 6), r.outcome.epochs, fixed(r.seconds, 1)]),
    ),
  };
}

function summaryCsv(summaries: readonly DetectionSummary[]): Table {
  return {
    columns: ['id', 'arm', 'level', 'seeds', ...MEASURES.flatMap((m) => [`${m.key}_mean`, `${m.key}_std`])],
    rows: summaries.map((s) => [s.arm.id, s.arm.label, s.level, s.seeds.join(' '), ...MEASURES.flatMap((m) => [fixed(s[m.key].mean, 4), fixed(s[m.key].std, 4)])]),
  };
}

/** Precision-recall curves at IoU 0.5, one line per arm, for each of `levels` side by side. */
export function prCurves(summaries: readonly DetectionSummary[], levels: readonly number[], title: string): TopLevelSpec {
  const panels = levels.map((level) => {
    const mine = summaries.filter((s) => s.level === level && s.precision50.length > 0);
    const rows: ChartRow[] = (mine[0]?.precision50 ?? []).map((_, r) => ({ recall: r / 100, ...Object.fromEntries(mine.map((s) => [s.arm.label, s.precision50[r]])) }));
    const heading = level === 0 ? 'Clean test scenes' : `Occluded test scenes (${level * 100} % of the area)`;
    return lineChart({ rows, x: 'recall', series: mine.map((s) => s.arm.label), title: heading, yTitle: 'precision at IoU 0.5', points: false });
  });
  return sideBySide(panels, title);
}

/** One measure vs occlusion level per arm, ± std. */
function levelPoints(summaries: readonly DetectionSummary[], key: Measure): LevelPoint[] {
  return summaries.map((s) => ({ model: s.arm.label, level: s.level, value: s[key].mean, std: s[key].std }));
}

/** Levels as rows, one column per arm: `key` mean ± std. */
function levelTable(summaries: readonly DetectionSummary[], key: Measure): Table {
  const arms = [...new Set(summaries.map((s) => s.arm.label))];
  const levels = [...new Set(summaries.map((s) => s.level))].sort((a, b) => a - b);
  return {
    columns: ['Occlusion', ...arms.map((a) => `${a} ${MEASURES.find((m) => m.key === key)?.label} %`)],
    rows: levels.map((level) => [level.toFixed(2), ...arms.map((a) => {
      const s = summaries.find((x) => x.level === level && x.arm.label === a);
      return s ? formatSummary(s[key]) : null;
    })]),
  };
}

/** Files written by {@link writeDetectionReport}. */
export interface DetectionReportFiles {
  readonly runsCsv: string;
  readonly summaryCsv: string;
  readonly markdown: string;
  readonly chart: { svg: string; png: string };
  readonly occlusion: { csv: string; markdown: string; chart: { svg: string; png: string } };
}

/** What the report says besides the numbers. */
export interface DetectionReportText {
  readonly title: string;
  readonly budget: string;
  /** The occluded level shown in results.md next to the clean one. */
  readonly occludedLevel: number;
}

/** The paper's claim, printed beside ours. */
export const PAPER_DETECTION =
  'Paper (Fast R-CNN, VGG16, PASCAL VOC 2007 test): I+ORE improves on IRE and ORE, which improve on the baseline; trained on VOC07+12, mAP 74.8 → 76.2 with I+ORE.';

/** Write the results folder of the detection experiment. */
export async function writeDetectionReport(outDir: string, arms: readonly DetectionArm[], levels: readonly number[], records: readonly DetectionRecord[], text: DetectionReportText): Promise<DetectionReportFiles> {
  await mkdir(outDir, { recursive: true });
  const summaries = summarizeDetection(arms, levels, records);
  const at = (name: string) => path.join(outDir, name);
  const files = { runsCsv: at('runs.csv'), summaryCsv: at('summary.csv'), markdown: at('results.md') };
  await writeFileAtomic(files.runsCsv, toCsv(runsCsv(arms, records)));
  await writeFileAtomic(files.summaryCsv, toCsv(summaryCsv(summaries)));
  const shown = levels.includes(text.occludedLevel) && text.occludedLevel !== 0 ? [0, text.occludedLevel] : [0];
  const chart = await writeChart(prCurves(summaries, shown.filter((l) => levels.includes(l)), text.title), at('results'));
  const occlusionChart = await writeChart(
    sideBySide([levelChart(levelPoints(summaries, 'ap50'), 'AP50 vs occlusion', 'AP50 (%)'), levelChart(levelPoints(summaries, 'ap'), 'COCO AP vs occlusion', 'AP@[.5:.95] (%)')], text.title),
    at('occlusion'),
  );
  const occlusionCsv: Table = {
    columns: ['arm', 'level', ...MEASURES.flatMap((m) => [m.key, `${m.key}_std`])],
    rows: summaries.map((s) => [s.arm.label, s.level, ...MEASURES.flatMap((m) => [fixed(s[m.key].mean, 4), fixed(s[m.key].std, 4)])]),
  };
  await writeFileAtomic(at('occlusion.csv'), toCsv(occlusionCsv));
  const note = 'Mean ± sample std over seeds, in percent; one random rectangle (uniform random fill) of the given fraction of the area per test scene, the same scenes for every model.';
  const occlusionMd = [`# ${text.title}: AP under occlusion`, '', note, '', '## AP50', '', toMarkdown(levelTable(summaries, 'ap50')), '## COCO AP@[.5:.95]', '', toMarkdown(levelTable(summaries, 'ap')), '![AP vs occlusion](occlusion.png)', ''];
  await writeFileAtomic(at('occlusion.md'), occlusionMd.join('\n'));
  const sections = shown.filter((l) => levels.includes(l)).flatMap((level) => [level === 0 ? '## Clean test scenes' : `## Occluded test scenes (${level * 100} % of each scene's area)`, '', toMarkdown(detectionTable(summaries, level))]);
  const markdown = [`# ${text.title}`, '', `Budget: ${text.budget}`, '', 'Ours: mean ± sample std over seeds, in percent.', PAPER_DETECTION, '', ...sections, '![precision-recall curves](results.png)', '', 'AP at every occlusion level: [occlusion.md](occlusion.md).', '', '![AP vs occlusion](occlusion.png)', ''];
  await writeFileAtomic(files.markdown, markdown.join('\n'));
  return { ...files, chart, occlusion: { csv: at('occlusion.csv'), markdown: at('occlusion.md'), chart: occlusionChart } };
}
