/**
 * Results of a grid as files: per-seed CSV, aggregated CSV and markdown (ours beside the paper's
 * figures, with the budget used), and a bar chart (SVG + PNG) of mean test error with ± std bars.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { TopLevelSpec } from 'vega-lite';
import { writeFileAtomic } from '../train/atomic-write.js';
import { writeChart } from '../train/charts.js';
import { formatSummary, summarize, type Summary } from './aggregate.js';
import type { ExperimentGrid, GridRun } from './grids.js';
import type { RunRecord } from './runner.js';
import { fixed, toCsv, toMarkdown, type Table } from './tables.js';

/** One configuration aggregated over its seeds. */
export interface RunSummary {
  readonly run: GridRun;
  readonly final: Summary;
  readonly best: Summary;
  readonly seeds: readonly number[];
}

/** Aggregate the records of each run of the grid (runs without records are left out). */
export function summarizeGrid(grid: ExperimentGrid, records: readonly RunRecord[]): RunSummary[] {
  return grid.runs.flatMap((run) => {
    const mine = records.filter((r) => r.id === run.id);
    if (mine.length === 0) return [];
    return [
      {
        run,
        final: summarize(mine.map((r) => r.outcome.finalError)),
        best: summarize(mine.map((r) => r.outcome.bestError)),
        seeds: mine.map((r) => r.seed),
      },
    ];
  });
}

const paperText = (run: GridRun): string | null =>
  run.paper ? formatSummary({ n: 0, mean: run.paper.mean, std: run.paper.std ?? null }) : null;

/** The markdown/console table: ours (last epoch and best epoch) beside the paper's figure. */
export function summaryTable(summaries: readonly RunSummary[]): Table {
  return {
    columns: ['Dataset', 'Model', 'Variant', 'Seeds', 'Test error % (last epoch)', 'Best-epoch error %', 'Paper %'],
    rows: summaries.map((s) => [
      s.run.datasetLabel,
      s.run.model.label,
      s.run.variant,
      s.seeds.length,
      formatSummary(s.final),
      formatSummary(s.best),
      paperText(s.run),
    ]),
  };
}

function summaryCsv(summaries: readonly RunSummary[]): Table {
  return {
    columns: ['id', 'dataset', 'model', 'variant', 'seeds', 'error_mean', 'error_std', 'best_error_mean', 'best_error_std', 'paper_mean', 'paper_std'],
    rows: summaries.map((s) => [
      s.run.id,
      s.run.datasetLabel,
      s.run.model.label,
      s.run.variant,
      s.seeds.join(' '),
      fixed(s.final.mean, 4),
      fixed(s.final.std, 4),
      fixed(s.best.mean, 4),
      fixed(s.best.std, 4),
      s.run.paper?.mean ?? null,
      s.run.paper?.std ?? null,
    ]),
  };
}

function recordsCsv(grid: ExperimentGrid, records: readonly RunRecord[]): Table {
  const byId = new Map(grid.runs.map((run) => [run.id, run]));
  return {
    columns: ['id', 'dataset', 'model', 'variant', 'seed', 'error', 'best_error', 'epochs', 'seconds'],
    rows: records.map((r) => {
      const run = byId.get(r.id);
      return [r.id, run?.datasetLabel ?? null, run?.model.label ?? null, run?.variant ?? null, r.seed, fixed(r.outcome.finalError, 4), fixed(r.outcome.bestError, 4), r.outcome.epochs, fixed(r.seconds, 1)];
    }),
  };
}

/** Grouped bars: one group per dataset and model, one bar per variant, ± std rules, paper ticks. */
export function errorBarChart(title: string, summaries: readonly RunSummary[]): TopLevelSpec {
  const values = summaries.map((s) => ({
    setting: `${s.run.datasetLabel} ${s.run.model.label}`,
    variant: s.run.variant,
    error: s.final.mean,
    low: s.final.mean - (s.final.std ?? 0),
    high: s.final.mean + (s.final.std ?? 0),
    paper: s.run.paper?.mean ?? null,
  }));
  const order = [...new Set(values.map((v) => v.variant))];
  const settings = new Set(values.map((v) => v.setting)).size;
  const x = { field: 'setting', type: 'nominal', title: null, axis: { labelAngle: 0, labelLimit: 400 } };
  const xOffset = { field: 'variant', type: 'nominal', sort: order };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: title, subtitle: 'bars: ours, mean ± std over seeds; black ticks: the paper (300 epochs)' },
    width: Math.max(280, 28 * settings * order.length),
    height: 260,
    data: { values },
    layer: [
      {
        mark: 'bar',
        encoding: {
          x,
          xOffset,
          y: { field: 'error', type: 'quantitative', title: 'test error (%)' },
          color: { field: 'variant', type: 'nominal', sort: order, title: null },
        },
      },
      { mark: 'rule', encoding: { x, xOffset, y: { field: 'low', type: 'quantitative' }, y2: { field: 'high' } } },
      {
        transform: [{ filter: 'datum.paper !== null' }],
        mark: { type: 'tick', color: 'black', thickness: 2 },
        encoding: { x, xOffset, y: { field: 'paper', type: 'quantitative' } },
      },
    ],
  } as TopLevelSpec;
}

/** Files written by {@link writeGridReport}. */
export interface GridReportFiles {
  readonly runsCsv: string;
  readonly summaryCsv: string;
  readonly markdown: string;
  readonly chart: { svg: string; png: string };
}

/** Write `runs.csv`, `summary.csv`, `results.md` and `results.{svg,png}` into `outDir`. */
export async function writeGridReport(
  outDir: string,
  grid: ExperimentGrid,
  records: readonly RunRecord[],
  budget: string,
  extraMarkdown = '',
): Promise<GridReportFiles> {
  await mkdir(outDir, { recursive: true });
  const summaries = summarizeGrid(grid, records);
  const files = {
    runsCsv: path.join(outDir, 'runs.csv'),
    summaryCsv: path.join(outDir, 'summary.csv'),
    markdown: path.join(outDir, 'results.md'),
  };
  await writeFileAtomic(files.runsCsv, toCsv(recordsCsv(grid, records)));
  await writeFileAtomic(files.summaryCsv, toCsv(summaryCsv(summaries)));
  const chart = await writeChart(errorBarChart(grid.title, summaries), path.join(outDir, 'results'));
  const markdown = [
    `# ${grid.title}`,
    '',
    `Budget: ${budget}`,
    '',
    'Ours: mean ± sample std over seeds. Paper: 300 epochs, mean (± std where published) over 5 runs;',
    '"–" where the paper gives no figure for this configuration.',
    '',
    toMarkdown(summaryTable(summaries)),
    '![test error](results.png)',
    '',
    extraMarkdown,
  ].join('\n');
  await writeFileAtomic(files.markdown, markdown.trimEnd() + '\n');
  return { ...files, chart };
}
