/**
 * Per-epoch records and the files derived from them in the run folder: `log.txt` (the seed's
 * tab-separated Logger format), `metrics.jsonl` (one JSON object per epoch) and the `curves` plot.
 * Every file is rewritten atomically from the full history, so a resumed run's files are the same as
 * an uninterrupted run's.
 */
import { writeFileAtomic } from './atomic-write.js';
import type { TopLevelSpec } from 'vega-lite';
import { lineChart, sideBySide, writeChart } from './charts.js';

/** Results of one epoch. Accuracies in percent. */
export interface EpochRecord {
  /** 1-based epoch number. */
  readonly epoch: number;
  readonly lr: number;
  readonly trainLoss: number;
  readonly trainTop1: number;
  readonly trainTop5: number;
  readonly testLoss: number;
  readonly testTop1: number;
  readonly testTop5: number;
  /** Best test top-1 up to and including this epoch. */
  readonly bestAcc: number;
  /** Wall-clock seconds of the epoch (training and evaluation). */
  readonly seconds: number;
}

const LOG_COLUMNS = ['Learning Rate', 'Train Loss', 'Valid Loss', 'Train Acc.', 'Valid Acc.'];

/** A table in the seed's Logger format: a header line, then one line of numbers per row (tab after every field, six decimals). */
export function loggerTable(columns: readonly string[], rows: readonly (readonly number[])[]): string {
  const row = (values: readonly string[]) => values.map((v) => `${v}\t`).join('') + '\n';
  return row(columns) + rows.map((values) => row(values.map((v) => v.toFixed(6)))).join('');
}

/** `log.txt` content in the seed's Logger format. */
export function formatLog(history: readonly EpochRecord[]): string {
  return loggerTable(LOG_COLUMNS, history.map((r) => [r.lr, r.trainLoss, r.testLoss, r.trainTop1, r.testTop1]));
}

/** `metrics.jsonl` content: one JSON object per epoch. */
export function formatMetrics(history: readonly object[]): string {
  return history.map((r) => JSON.stringify(r) + '\n').join('');
}

/** Loss and accuracy curves of a run, side by side. */
export function curvesChart(history: readonly EpochRecord[], title?: string) {
  const rows = history.map((r) => ({
    epoch: r.epoch,
    'train loss': r.trainLoss,
    'test loss': r.testLoss,
    'train top-1': r.trainTop1,
    'test top-1': r.testTop1,
    'test top-5': r.testTop5,
  }));
  return sideBySide(
    [
      lineChart({ rows, x: 'epoch', integerX: true, series: ['train loss', 'test loss'], title: 'Loss', yTitle: 'cross-entropy' }),
      lineChart({ rows, x: 'epoch', integerX: true, series: ['train top-1', 'test top-1', 'test top-5'], title: 'Accuracy', yTitle: '%' }),
    ],
    title,
  );
}

/** Where a run's history goes. */
export interface HistoryFiles {
  readonly log: string;
  readonly metrics: string;
  readonly curves: string;
}

/** Rewrite a run's log, metrics and curves plot (`.svg` and `.png`), each atomically. */
export async function writeHistory(files: HistoryFiles, log: string, history: readonly object[], curves: TopLevelSpec): Promise<void> {
  await writeFileAtomic(files.log, log);
  await writeFileAtomic(files.metrics, formatMetrics(history));
  await writeChart(curves, files.curves);
}

/** Rewrite the log, the metrics and the curves plot (`.svg` and `.png`) from `history`. */
export async function writeHistoryFiles(files: HistoryFiles, history: readonly EpochRecord[], title?: string): Promise<void> {
  await writeHistory(files, formatLog(history), history, curvesChart(history, title));
}
