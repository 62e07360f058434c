/**
 * `trainDetector(request, hooks)`: trains the CenterNet detector on generated Fashion-MNIST scenes
 * with the classifier trainer's bookkeeping. Each epoch: LR from the step schedule, one training pass
 * (PyTorch SGD on the CenterNet loss), one test pass scored with COCO AP, AP50 and VOC07 AP50, then
 * the checkpoint (and `model_best` when the test AP improves), log.txt, metrics.jsonl and the curves
 * plot rewritten atomically. Ctrl-C (the signal) stops after the current batch with a checkpoint; a
 * resumed run continues bit for bit, keeping its spec (only `epochs` may change).
 */
import path from 'node:path';
import type { DetectionDataset } from '../../data/detection/dataset.js';
import { loadScenes } from '../../data/detection/scenes.js';
import { channelStats } from '../../data/stats.js';
import { trainableParamCount } from '../../models/registry.js';
import { setupBackend, type BackendName } from '../../tf/backend.js';
import { tf, type tfl } from '../../tf/tf.js';
import { writeFileAtomic } from '../atomic-write.js';
import { readWeights, writeWeights } from '../model-state.js';
import { createReporter, type ProgressMode, type ProgressReporter } from '../progress.js';
import { runPaths, writeRunDescription, type RunPaths } from '../run-folder.js';
import { learningRateAt } from '../schedule.js';
import { Sgd } from '../sgd.js';
import { detectionSource, SceneAugmenter, type DetectionSource } from './detector-data.js';
import { scoreDetections } from './detector-eval.js';
import { testDetector, trainDetectorEpoch } from './detector-passes.js';
import {
  completeDetectorRuntime,
  completeDetectorSpec,
  detectorSpecHash,
  resumedDetectorSpec,
  type CompleteDetectorRuntime,
  type CompleteDetectorSpec,
  type DetectorRuntime,
  type DetectorSpec,
} from './detector-spec.js';
import {
  buildDetectorOf,
  encodeDetectorCheckpoint,
  loadDetectorCheckpoint,
  writeDetectorHistory,
  type DetectorCheckpointState,
  type DetectorEpochRecord,
  type DetectorModelInfo,
  type DetectorPartialEpoch,
} from './detector-state.js';

/** What to train: a new run, or a checkpoint to resume (with the values the caller repeats, or new `epochs`). */
export interface DetectorRequest {
  readonly spec?: DetectorSpec;
  readonly runtime?: DetectorRuntime;
  /** Checkpoint file to continue from; the run folder defaults to its folder. */
  readonly resume?: string;
}

/** The scenes a detector trains and is tested on. */
export interface DetectorData {
  readonly train: DetectionDataset;
  readonly test: DetectionDataset;
}

/** Optional behaviour of {@link trainDetector}. */
export interface DetectorHooks {
  /** How progress is shown (default `silent`). */
  readonly progress?: ProgressMode;
  /** Abort to stop after the current batch: a checkpoint is written and the result says `interrupted`. */
  readonly signal?: AbortSignal;
  readonly onEpoch?: (record: DetectorEpochRecord) => void | Promise<void>;
  /** Train and test on these datasets (held in one batch each) instead of the spec's scenes; the backend is kept unless `runtime.backend` is set. */
  readonly data?: DetectorData;
  /** Return the trained model (the caller disposes it). */
  readonly keepModel?: boolean;
}

/** What a detector run produced. AP values in [0, 1]. */
export interface DetectorResult {
  readonly spec: CompleteDetectorSpec;
  readonly runtime: CompleteDetectorRuntime;
  readonly runId: string;
  readonly bestAp: number;
  /** The last completed epoch's record (null if none). */
  readonly last: DetectorEpochRecord | null;
  readonly epochs: number;
  readonly history: readonly DetectorEpochRecord[];
  readonly interrupted: boolean;
  readonly paths: RunPaths;
  readonly model?: tfl.LayersModel;
}

/** What config.json of a detector run records. */
export interface DetectorRunDescription {
  readonly runId: string;
  readonly spec: CompleteDetectorSpec;
  readonly model: DetectorModelInfo & { readonly name: string; readonly params: number };
  readonly runtime: CompleteDetectorRuntime;
}

/** A request with every value resolved: the complete spec, the runtime and the checkpoint being resumed. */
export async function resolveDetectorRequest(request: DetectorRequest): Promise<{ spec: CompleteDetectorSpec; runtime: CompleteDetectorRuntime; saved: DetectorCheckpointState | null }> {
  const saved = request.resume ? await loadDetectorCheckpoint(request.resume) : null;
  const spec = saved ? resumedDetectorSpec(saved.spec, request.spec ?? {}, saved.epoch) : completeDetectorSpec(request.spec ?? {});
  const given = Object.fromEntries(Object.entries(request.runtime ?? {}).filter(([, value]) => value !== undefined)) as DetectorRuntime;
  const folder = given.checkpoint ?? (request.resume ? path.dirname(request.resume) : undefined);
  return { spec, runtime: completeDetectorRuntime({ ...given, ...(folder !== undefined ? { checkpoint: folder } : {}) }), saved };
}

/** The spec's train and test scenes (Fashion-MNIST from `dataDir` when given). */
export async function loadDetectorScenes(spec: CompleteDetectorSpec, dataDir?: string): Promise<DetectorData> {
  const common = { seed: spec.sceneSeed, ...(dataDir !== undefined ? { dataDir } : {}) };
  const [train, test] = await Promise.all([loadScenes({ ...common, split: 'train', count: spec.trainScenes }), loadScenes({ ...common, split: 'test', count: spec.testScenes })]);
  return { train, test };
}

/** Classes, input shape and pixel statistics of the training set: what the model is built for. */
function modelInfoOf(data: DetectorData): DetectorModelInfo {
  const batch = data.train.batch;
  if (!batch || !data.test.batch) throw new RangeError('trainDetector: the train and test sets must be held in memory as one batch each (generated scenes)');
  if (batch.height !== data.test.batch.height || batch.width !== data.test.batch.width || batch.channels !== data.test.batch.channels) {
    throw new RangeError(`trainDetector: train images are ${batch.height}x${batch.width}x${batch.channels}, test images ${data.test.batch.height}x${data.test.batch.width}x${data.test.batch.channels}`);
  }
  const stats = channelStats({ images: batch.data, channels: 1 });
  return { numClasses: data.train.classNames.length, inputShape: [batch.height, batch.width, batch.channels], normalize: { mean: stats.mean[0], std: stats.std[0] || 1 } };
}

interface RunState {
  epoch: number;
  partial: DetectorPartialEpoch | null;
  bestAp: number;
  history: DetectorEpochRecord[];
}

/** One detector run: its model, optimiser, data and files. */
class DetectorRun {
  private readonly sgd: Sgd;
  private readonly paths: RunPaths;
  private readonly train: DetectionSource;
  private readonly test: DetectionSource;

  constructor(
    private readonly spec: CompleteDetectorSpec,
    private readonly runtime: CompleteDetectorRuntime,
    private readonly info: DetectorModelInfo,
    private readonly model: tfl.LayersModel,
    private readonly data: DetectorData,
    private readonly reporter: ProgressReporter,
    private readonly hooks: DetectorHooks,
    readonly state: RunState,
  ) {
    this.paths = runPaths(runtime.checkpoint);
    this.sgd = new Sgd(model.trainableWeights.map((w) => w.read() as tf.Variable), { momentum: spec.momentum, weightDecay: spec.weightDecay, nesterov: spec.nesterov });
    this.train = detectionSource({ dataset: data.train, batchSize: spec.trainBatch, augment: new SceneAugmenter(spec), seed: spec.seed });
    this.test = detectionSource({ dataset: data.test, batchSize: runtime.testBatch, seed: spec.seed });
  }

  restore(saved: DetectorCheckpointState, file: string): void {
    writeWeights(this.model, saved.weights, file);
    this.sgd.setState({ steps: saved.optimizerSteps, buffers: saved.optimizer.map((a) => a.values) });
  }

  private async save(best: boolean): Promise<void> {
    const { epoch, partial, bestAp, history } = this.state;
    const sgd = await this.sgd.state();
    const bytes = encodeDetectorCheckpoint({
      epoch,
      partial,
      bestAp,
      history,
      spec: this.spec,
      runtime: this.runtime,
      model: this.info,
      optimizerSteps: sgd.steps,
      weights: await readWeights(this.model),
      optimizer: sgd.buffers.map((values, i) => ({ name: `momentum/${i}`, shape: [values.length], values })),
    });
    await writeFileAtomic(this.paths.checkpoint, bytes);
    if (best) await writeFileAtomic(this.paths.best, bytes);
  }

  /** Run epochs until done or interrupted; true when interrupted. */
  async loop(): Promise<boolean> {
    const { spec, reporter, state } = this;
    const classes = this.info.numClasses;
    while (state.epoch < spec.epochs) {
      if (this.hooks.signal?.aborted) return true;
      const lr = learningRateAt(state.epoch, spec.lr, spec.schedule, spec.gamma);
      reporter.epochStart(state.epoch + 1, spec.epochs, lr);
      const outcome = await trainDetectorEpoch({ model: this.model, sgd: this.sgd, source: this.train, classes, lr, reporter, signal: this.hooks.signal }, state.epoch, state.partial);
      if (!outcome.complete) {
        state.partial = outcome.partial;
        await this.save(false);
        return true;
      }
      const testStart = performance.now();
      const test = await testDetector(this.model, this.test, classes, reporter);
      const scores = scoreDetections(this.data.test, test.detections);
      const improved = state.history.length === 0 || scores.ap > state.bestAp;
      state.bestAp = Math.max(state.bestAp, scores.ap);
      const { means } = outcome;
      const record: DetectorEpochRecord = {
        epoch: state.epoch + 1,
        lr,
        trainLoss: means.loss,
        trainHeatmap: means.heatmap,
        trainSize: means.size,
        trainOffset: means.offset,
        testLoss: test.loss,
        testAp: scores.ap,
        testAp50: scores.ap50,
        testVoc07: scores.voc07,
        bestAp: state.bestAp,
        seconds: outcome.seconds + (performance.now() - testStart) / 1000,
      };
      state.history.push(record);
      state.partial = null;
      state.epoch++;
      await this.save(improved);
      await writeDetectorHistory(this.paths, state.history, `CenterNet on ${this.data.train.name}, erasing ${spec.erasing}`);
      reporter.message(`test AP ${scores.ap.toFixed(4)}, AP50 ${scores.ap50.toFixed(4)}, VOC07 AP50 ${scores.voc07.toFixed(4)}`);
      reporter.event('epoch-end', { ...record });
      await this.hooks.onEpoch?.(record);
    }
    return false;
  }

  dispose(): void {
    this.sgd.dispose();
  }
}

/** The lines a detector run prints before it starts. */
export function describeDetectorRun(d: DetectorRunDescription): string[] {
  const { spec, runtime } = d;
  const drops = spec.schedule.length ? `x${spec.gamma} at epochs ${spec.schedule.join(', ')}` : 'constant';
  const erasing = spec.erasing === 'none' ? 'none' : `${spec.erasing}, p ${spec.p}, area ${spec.sl}..${spec.sh}, aspect ${spec.r1}..${+(1 / (spec.r1 as number)).toFixed(4)}, uniform random fill (paper preset)`;
  return [
    `Run ${d.runId} (settings in ${path.join(runtime.checkpoint, 'config.json')})`,
    `  data: ${spec.trainScenes} train and ${spec.testScenes} test Fashion-MNIST scenes, scene seed ${spec.sceneSeed}; flip ${spec.flip ? 'on' : 'off'}`,
    `  model: ${d.model.name}, ${d.model.numClasses} classes, input ${d.model.inputShape.join('x')} normalised by mean ${d.model.normalize.mean.toFixed(4)}, std ${d.model.normalize.std.toFixed(4)}`,
    `  random erasing: ${erasing}`,
    `  SGD: lr ${spec.lr} (${drops}), momentum ${spec.momentum}${spec.nesterov ? ' (Nesterov)' : ''}, weight decay ${spec.weightDecay}`,
    `  ${spec.epochs} epochs, batch ${spec.trainBatch}, seed ${spec.seed}`,
    `  runtime: 1 thread, backend ${runtime.backend ?? 'auto'}, test batch ${runtime.testBatch}`,
    `Total params: ${(d.model.params / 1e6).toFixed(3)}M`,
  ];
}

async function announce(spec: CompleteDetectorSpec, runtime: CompleteDetectorRuntime, info: DetectorModelInfo, model: tfl.LayersModel, reporter: ProgressReporter): Promise<DetectorRunDescription> {
  const description: DetectorRunDescription = {
    runId: detectorSpecHash(spec),
    spec,
    model: { ...info, name: model.name, params: trainableParamCount(model) },
    runtime: { ...runtime, backend: runtime.backend ?? (tf.getBackend() as BackendName) },
  };
  await writeRunDescription(runPaths(runtime.checkpoint), description);
  for (const line of describeDetectorRun(description)) reporter.message(line);
  return description;
}

/**
 * Train the detector, or resume a checkpoint.
 *
 * @example
 * const result = await trainDetector({ spec: { seed: 1, erasing: 'image+object', epochs: 10 }, runtime: { checkpoint: 'runs/det' } }, { progress: 'auto' });
 * console.log(result.bestAp, result.last?.testAp50);
 * await trainDetector({ resume: 'runs/det/checkpoint.ckpt', spec: { epochs: 20 } }); // ten more epochs
 */
export async function trainDetector(request: DetectorRequest, hooks: DetectorHooks = {}): Promise<DetectorResult> {
  const reporter = createReporter(hooks.progress ?? 'silent');
  const { spec, runtime, saved } = await resolveDetectorRequest(request);
  if (!hooks.data || runtime.backend) await setupBackend({ backend: runtime.backend });
  const data = hooks.data ?? (await loadDetectorScenes(spec, runtime.dataDir));
  const info = saved?.model ?? modelInfoOf(data);
  const model = buildDetectorOf(spec, info);
  let run: DetectorRun | undefined;
  let interrupted: boolean;
  let description: DetectorRunDescription;
  const state: RunState = saved
    ? { epoch: saved.epoch, partial: saved.partial, bestAp: saved.bestAp, history: [...saved.history] }
    : { epoch: 0, partial: null, bestAp: 0, history: [] };
  try {
    description = await announce(spec, runtime, info, model, reporter);
    run = new DetectorRun(spec, runtime, info, model, data, reporter, hooks, state);
    if (saved && request.resume) {
      run.restore(saved, request.resume);
      reporter.message(`Resumed from ${request.resume} at epoch ${saved.epoch + 1}${saved.partial ? `, batch ${saved.partial.batches + 1}` : ''}`);
    }
    interrupted = await run.loop();
  } catch (error) {
    run?.dispose();
    model.dispose();
    throw error;
  }
  run.dispose();
  if (!hooks.keepModel) model.dispose();
  if (!interrupted) reporter.message(`Best AP: ${state.bestAp.toFixed(4)}`);
  return {
    spec,
    runtime: description.runtime,
    runId: description.runId,
    bestAp: state.bestAp,
    last: state.history.at(-1) ?? null,
    epochs: state.history.length,
    history: state.history,
    interrupted,
    paths: runPaths(runtime.checkpoint),
    model: hooks.keepModel ? model : undefined,
  };
}
