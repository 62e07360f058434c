/**
 * The train panel: trains a small ResNet in the page, on the sample images (one class each) or the
 * user's images (one class per file), with the page's Random Erasing settings as augmentation and
 * the library's trainer step, and draws the loss step by step. The engine (TF.js) loads on the first
 * run. The body's `data-train-*` attributes expose the state, backend and losses (for tests and tools).
 */
import { Rng, type RandomErasing } from '../../src/core/index.js';
import { renderLineChart } from './chart.js';
import { byId } from './dom.js';
import { augmentedBatch, trainingSet, wholeSet, type RawTrainingImage, type TrainingSet } from './train-data.js';
import { decodeImageFile } from './user-image.js';

/** Size the user's images are trained at. */
const USER_SIZE = { height: 32, width: 32 } as const;

/** The panel's settings, read from its fields. */
interface TrainSettings {
  readonly steps: number;
  readonly batch: number;
  readonly lr: number;
  readonly backend: string;
  readonly source: 'samples' | 'files';
}

function integerField(id: string, what: string, lo: number, hi: number): number {
  const text = byId<HTMLInputElement>(id).value;
  const n = Number(text);
  if (!Number.isInteger(n) || n < lo || n > hi) throw new RangeError(`${what} must be an integer in [${lo}, ${hi}], got ${text}`);
  return n;
}

function readSettings(): TrainSettings {
  const lrText = byId<HTMLInputElement>('train-lr').value;
  const lr = Number(lrText);
  if (!(lr > 0 && lr <= 1)) throw new RangeError(`learning rate must be in (0, 1], got ${lrText}`);
  return {
    steps: integerField('train-steps', 'steps', 1, 2000),
    batch: integerField('train-batch', 'batch', 2, 256),
    lr,
    backend: byId<HTMLSelectElement>('train-backend').value,
    source: byId<HTMLSelectElement>('train-source').value as TrainSettings['source'],
  };
}

/** State and controls of the train panel. */
export class TrainPanel {
  private readonly status = byId<HTMLElement>('train-status');
  private readonly chart = byId<HTMLElement>('train-curve');
  private userImages: RawTrainingImage[] = [];
  private running = false;
  private stopRequested = false;

  /**
   * @param samples the sample images to train on, one class each.
   * @param erasing the page's current Random Erasing settings (null while they are invalid).
   * @param seed the page's seed (model initialisation, flips, erasing).
   */
  constructor(
    private readonly samples: readonly RawTrainingImage[],
    private readonly erasing: () => RandomErasing | null,
    private readonly seed: () => number,
  ) {
    const files = byId<HTMLInputElement>('train-files');
    files.addEventListener('change', () => void this.loadFiles([...(files.files ?? [])]));
    byId('train-start').addEventListener('click', () => void this.train());
    byId('train-stop').addEventListener('click', () => {
      this.stopRequested = true;
    });
  }

  private async loadFiles(files: File[]): Promise<void> {
    try {
      const decoded = await Promise.all(files.map((file) => decodeImageFile(file, USER_SIZE)));
      this.userImages = decoded.map((d) => ({ name: d.name, data: d.image.data, ...USER_SIZE, channels: 3 }));
      byId<HTMLSelectElement>('train-source').value = 'files';
      this.status.textContent = `${decoded.length} image(s) loaded, each its own class, trained at ${USER_SIZE.width}×${USER_SIZE.height}.`;
    } catch (error) {
      this.status.textContent = `Images not loaded: ${(error as Error).message}`;
    }
  }

  private set(state: string, text: string): void {
    document.body.dataset.trainState = state;
    this.status.textContent = text;
  }

  private async train(): Promise<void> {
    if (this.running) return;
    let settings: TrainSettings;
    let set: TrainingSet;
    const erasing = this.erasing();
    try {
      if (!erasing) throw new Error('fix the Random Erasing settings first');
      settings = readSettings();
      set = trainingSet(settings.source === 'files' ? this.userImages : this.samples);
    } catch (error) {
      this.set('invalid', `Not started: ${(error as Error).message}`);
      return;
    }
    this.running = true;
    this.stopRequested = false;
    try {
      await this.run(settings, set, erasing);
    } catch (error) {
      this.set('failed', `Training failed: ${(error as Error).message}`);
    } finally {
      this.running = false;
    }
  }

  private async run(settings: TrainSettings, set: TrainingSet, erasing: RandomErasing): Promise<void> {
    this.set('starting', 'Loading TF.js and starting a backend…');
    const engine = await import('./train-engine.js');
    const started = await engine.startBackend(settings.backend as Parameters<typeof engine.startBackend>[0]);
    document.body.dataset.trainBackend = started.backend;
    const on = `on ${started.backend} (${started.detail})${started.skipped.length ? `; not used: ${started.skipped.join('; ')}` : ''}`;
    const seed = this.seed();
    const trainer = new engine.PageTrainer(set.images.length, [set.height, set.width, set.channels], seed);
    const rng = Rng.fromSeed(seed);
    const losses: number[] = [];
    const began = performance.now();
    let accuracy = '';
    try {
      for (let step = 0; step < settings.steps && !this.stopRequested; step++) {
        const result = await trainer.step(augmentedBatch(set, settings.batch, step, erasing, rng), settings.lr);
        losses.push(result.loss);
        if ((step + 1) % 5 === 0 || step + 1 === settings.steps) {
          const test = await trainer.evaluate(wholeSet(set));
          accuracy = `, accuracy on the ${set.images.length} un-augmented images ${((100 * test.correct1) / test.count).toFixed(0)}%`;
          document.body.dataset.trainAccuracy = String(test.correct1 / test.count);
        }
        document.body.dataset.trainLosses = JSON.stringify(losses);
        renderLineChart(this.chart, losses, 'Training loss per step', (v) => v.toFixed(2));
        const perStep = (performance.now() - began) / 1000 / losses.length;
        this.set('running', `Step ${losses.length}/${settings.steps}: loss ${result.loss.toFixed(3)}${accuracy} (${perStep.toFixed(2)} s a step) ${on}`);
        await new Promise((resolve) => window.setTimeout(resolve, 0));
      }
    } finally {
      trainer.dispose();
    }
    const stopped = losses.length < settings.steps;
    this.set(stopped ? 'stopped' : 'done', `${stopped ? 'Stopped after' : 'Trained'} ${losses.length} step(s): loss ${losses[0]?.toFixed(3)} → ${losses.at(-1)?.toFixed(3)}${accuracy} ${on}`);
  }
}
