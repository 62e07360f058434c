/**
 * A detector's passes: a training epoch (CenterNet loss, PyTorch SGD; resumable part-way and
 * interruptible after any batch) and a test pass (the same loss in inference mode, and every
 * image's detections for scoring). Both report the loss terms to a progress reporter. One thread:
 * the replica workers of the classifier trainer compute a classifier's loss.
 */
import { performance } from 'node:perf_hooks';
import { tf, type tfl } from '../../tf/tf.js';
import { NonFiniteLossError } from '../passes.js';
import type { PassStatus, ProgressReporter } from '../progress.js';
import type { Sgd } from '../sgd.js';
import { centerNetLoss, targetTensors } from './centernet-loss.js';
import { centerNetTargets } from './centernet-targets.js';
import type { Detection } from './detections.js';
import type { DetectionBatch, DetectionSource } from './detector-data.js';
import { batchDetections } from './detector-eval.js';
import type { DetectorPartialEpoch, LossSums } from './detector-state.js';

/** Loss terms shown after the loss on the progress bar. */
export const LOSS_FIGURES = ['heatmap', 'size', 'offset'] as const;

const ZERO: LossSums = { count: 0, loss: 0, heatmap: 0, size: 0, offset: 0 };

/** Mean loss terms of a pass's sums. */
export function meansOf(s: LossSums): Omit<LossSums, 'count'> {
  const n = Math.max(s.count, 1);
  return { loss: s.loss / n, heatmap: s.heatmap / n, size: s.size / n, offset: s.offset / n };
}

/** The sums with one batch's mean terms (total, heatmap, size, offset scalars, read here, asynchronously as every backend allows) added, weighted by its images. */
async function addBatch(sums: LossSums, terms: readonly tf.Tensor[], count: number): Promise<LossSums> {
  const [total, heatmap, size, offset] = (await Promise.all(terms.map((t) => t.data()))).map((values) => values[0]);
  return { count: sums.count + count, loss: sums.loss + total * count, heatmap: sums.heatmap + heatmap * count, size: sums.size + size * count, offset: sums.offset + offset * count };
}

/** Average data and batch time of a pass, for the bar. */
class Clock {
  private last = performance.now();
  private data = 0;
  private busy = 0;
  private batches = 0;
  dataReady(): void {
    this.data += (performance.now() - this.last) / 1000;
  }
  batchDone(): void {
    const now = performance.now();
    this.busy += (now - this.last) / 1000;
    this.batches++;
    this.last = now;
  }
  status(sums: LossSums, done: number, total: number): PassStatus {
    const n = Math.max(this.batches, 1);
    const m = meansOf(sums);
    return { done, total, loss: m.loss, figures: { heatmap: m.heatmap, size: m.size, offset: m.offset }, dataTime: this.data / n, batchTime: this.busy / n };
  }
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

function inputOf(batch: DetectionBatch): tf.Tensor4D {
  return tf.tensor4d(batch.x, [batch.count, batch.height, batch.width, batch.channels]);
}

/** One SGD step on a batch; returns the sums with the batch's terms added. */
export async function detectorStep(model: tfl.LayersModel, sgd: Sgd, batch: DetectionBatch, lr: number, classes: number, sums: LossSums): Promise<LossSums> {
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const targets = targetTensors(centerNetTargets(batch.objects, batch.height, batch.width, classes));
  const x = inputOf(batch);
  let terms: tf.Tensor[] = [];
  try {
    const { value, grads } = tf.variableGrads(() => {
      const loss = centerNetLoss(model.apply(x, { training: true }) as tf.Tensor4D, targets);
      terms = [loss.heatmap, loss.size, loss.offset].map((t) => tf.keep(t));
      return loss.total;
    }, variables);
    terms = [value, ...terms];
    const ordered = variables.map((v) => grads[v.name]);
    const next = await addBatch(sums, terms, batch.count);
    if (Number.isFinite(next.loss)) sgd.step(ordered, lr);
    tf.dispose(ordered);
    return next;
  } finally {
    tf.dispose([x, targets.heatmap, targets.regression, targets.mask, ...terms]);
  }
}

/** What a training epoch needs. */
export interface DetectorEpochContext {
  readonly model: tfl.LayersModel;
  readonly sgd: Sgd;
  readonly source: DetectionSource;
  readonly classes: number;
  readonly lr: number;
  readonly reporter: ProgressReporter;
  readonly signal?: AbortSignal;
}

/** A finished epoch's mean terms and time, or the state of one stopped part-way. */
export type DetectorEpochOutcome =
  | { readonly complete: true; readonly means: Omit<LossSums, 'count'>; readonly seconds: number }
  | { readonly complete: false; readonly partial: DetectorPartialEpoch };

/** Train one epoch (0-based), continuing `resumeFrom` when given; stops after the current batch when `signal` aborts. */
export async function trainDetectorEpoch(ctx: DetectorEpochContext, epoch: number, resumeFrom: DetectorPartialEpoch | null): Promise<DetectorEpochOutcome> {
  const start = performance.now() - (resumeFrom?.seconds ?? 0) * 1000;
  let sums = resumeFrom?.sums ?? ZERO;
  const total = ctx.source.batchesPerEpoch;
  let index = resumeFrom?.batches ?? 0;
  const clock = new Clock();
  ctx.reporter.passStart('train', total, index, LOSS_FIGURES);
  for (const batch of ctx.source.epoch(epoch, index)) {
    clock.dataReady();
    const before = sums.count;
    sums = await detectorStep(ctx.model, ctx.sgd, batch, ctx.lr, ctx.classes, sums);
    if (!Number.isFinite(sums.loss)) throw new NonFiniteLossError(epoch + 1, index + 1, sums.loss / Math.max(sums.count - before, 1));
    index++;
    clock.batchDone();
    ctx.reporter.passUpdate(clock.status(sums, index, total));
    await yieldToEventLoop();
    if (ctx.signal?.aborted && index < total) {
      ctx.reporter.passEnd(clock.status(sums, index, total));
      return { complete: false, partial: { batches: index, sums, seconds: (performance.now() - start) / 1000 } };
    }
  }
  ctx.reporter.passEnd(clock.status(sums, index, total));
  return { complete: true, means: meansOf(sums), seconds: (performance.now() - start) / 1000 };
}

/** Mean test loss and every detection of a test pass (inference mode). */
export async function testDetector(model: tfl.LayersModel, source: DetectionSource, classes: number, reporter: ProgressReporter): Promise<{ loss: number; detections: Detection[] }> {
  let sums = ZERO;
  const detections: Detection[] = [];
  const clock = new Clock();
  reporter.passStart('test', source.batchesPerEpoch, 0, LOSS_FIGURES);
  let index = 0;
  for (const batch of source.epoch(0)) {
    clock.dataReady();
    const targets = targetTensors(centerNetTargets(batch.objects, batch.height, batch.width, classes));
    const x = inputOf(batch);
    const output = model.apply(x, { training: false }) as tf.Tensor4D;
    const terms = tf.tidy(() => {
      const loss = centerNetLoss(output, targets);
      return [loss.total, loss.heatmap, loss.size, loss.offset];
    });
    sums = await addBatch(sums, terms, batch.count);
    detections.push(...batchDetections(batch, (await output.data()) as Float32Array, output.shape, classes));
    tf.dispose([x, output, targets.heatmap, targets.regression, targets.mask, ...terms]);
    index++;
    clock.batchDone();
    reporter.passUpdate(clock.status(sums, index, source.batchesPerEpoch));
    await yieldToEventLoop();
  }
  reporter.passEnd(clock.status(sums, index, source.batchesPerEpoch));
  return { loss: meansOf(sums).loss, detections };
}
