/**
 * What a run shows while it works: the seed's `Epoch: [e | E] LR: x` line, then a progress bar per
 * pass (batch count, loss, top-1, top-5, data and batch time, ETA) on a terminal, or one summary line
 * per pass otherwise. `json` mode prints one JSON object per event on stdout instead; `silent` prints
 * nothing (library use).
 */
import { SingleBar } from 'cli-progress';

/** How progress is shown. */
export type ProgressMode = 'auto' | 'json' | 'silent';

/** Running figures of a pass, for the bar. Accuracies in percent, times in seconds. */
export interface PassStatus {
  readonly done: number;
  readonly total: number;
  readonly loss: number;
  /** A classifier's accuracies, shown after the loss. */
  readonly top1?: number;
  readonly top5?: number;
  /** Figures shown after the loss instead of top-1 and top-5 (name → value), e.g. a detector's loss terms. */
  readonly figures?: Readonly<Record<string, number>>;
  readonly dataTime: number;
  readonly batchTime: number;
}

/** Figures a pass shows by default: a classifier's. */
const ACCURACY_FIGURES = ['top1', 'top5'] as const;

/** The figures of a status to show, by name (accuracies with two decimals, other figures with four). */
function figuresOf(s: PassStatus): Record<string, string> {
  if (s.figures) return Object.fromEntries(Object.entries(s.figures).map(([name, value]) => [name, fmt(value)]));
  return Object.fromEntries(ACCURACY_FIGURES.map((name) => [name, fmt(s[name] ?? 0, 2)]));
}

/** Receives training events and shows them. */
export interface ProgressReporter {
  epochStart(epoch: number, epochs: number, lr: number): void;
  /** A pass starts; `figures` names what its statuses show after the loss (default top1, top5). */
  passStart(name: 'train' | 'test', total: number, done?: number, figures?: readonly string[]): void;
  passUpdate(status: PassStatus): void;
  passEnd(status: PassStatus): void;
  /** A line for the user (stderr in json mode, so stdout stays machine-readable). */
  message(text: string): void;
  /** A machine-readable event (json mode only). */
  event(kind: string, data: Record<string, unknown>): void;
}

const fmt = (v: number, digits = 4) => v.toFixed(digits);

class TerminalReporter implements ProgressReporter {
  private bar: SingleBar | null = null;
  private name = '';
  private readonly tty = Boolean(process.stderr.isTTY);

  epochStart(epoch: number, epochs: number, lr: number): void {
    console.log(`\nEpoch: [${epoch} | ${epochs}] LR: ${lr.toFixed(6)}`);
  }

  passStart(name: 'train' | 'test', total: number, done = 0, figures: readonly string[] = ACCURACY_FIGURES): void {
    this.name = name;
    if (!this.tty) return;
    this.bar = new SingleBar({
      format: `${name.padEnd(5)} {bar} {value}/{total} | Data {data}s | Batch {bt}s | ETA {eta_formatted} | Loss {loss}${figures.map((f) => ` | ${f} {${f}}`).join('')}`,
      barsize: 20,
      hideCursor: true,
      etaBuffer: 20,
    });
    this.bar.start(total, done, { data: fmt(0, 3), bt: fmt(0, 3), loss: fmt(0), ...Object.fromEntries(figures.map((f) => [f, fmt(0)])) });
  }

  passUpdate(s: PassStatus): void {
    this.bar?.update(s.done, { data: fmt(s.dataTime, 3), bt: fmt(s.batchTime, 3), loss: fmt(s.loss), ...figuresOf(s) });
  }

  passEnd(s: PassStatus): void {
    if (this.bar) {
      this.passUpdate(s);
      this.bar.stop();
      this.bar = null;
      return;
    }
    const figures = Object.entries(figuresOf(s)).map(([name, value]) => ` | ${name} ${value}`).join('');
    console.log(`${this.name.padEnd(5)} ${s.done}/${s.total} | Data ${fmt(s.dataTime, 3)}s | Batch ${fmt(s.batchTime, 3)}s | Loss ${fmt(s.loss)}${figures}`);
  }

  message(text: string): void {
    console.log(text);
  }

  event(): void {}
}

class JsonReporter implements ProgressReporter {
  epochStart(epoch: number, epochs: number, lr: number): void {
    this.event('epoch', { epoch, epochs, lr });
  }
  passStart(): void {}
  passUpdate(): void {}
  passEnd(): void {}
  message(text: string): void {
    console.error(text);
  }
  event(kind: string, data: Record<string, unknown>): void {
    console.log(JSON.stringify({ event: kind, ...data }));
  }
}

class SilentReporter implements ProgressReporter {
  epochStart(): void {}
  passStart(): void {}
  passUpdate(): void {}
  passEnd(): void {}
  message(): void {}
  event(): void {}
}

/** The reporter for a mode. */
export function createReporter(mode: ProgressMode): ProgressReporter {
  if (mode === 'json') return new JsonReporter();
  if (mode === 'silent') return new SilentReporter();
  return new TerminalReporter();
}
