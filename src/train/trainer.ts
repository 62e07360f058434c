/**
 * `train(config, hooks)`: the paper's training loop (cifar.py / fashionmnist.py) with resumable,
 * crash-safe bookkeeping. Each epoch: LR from the step schedule, one training pass with PyTorch SGD,
 * one test pass, then the checkpoint (and `model_best` on improvement), log.txt, metrics.jsonl and the
 * curves plot are rewritten atomically. A resumed run continues bit-for-bit where it stopped.
 */
import { Rng } from '../core/rng.js';
import { buildModel } from '../models/index.js';
import { setupBackend, type BackendName } from '../tf/backend.js';
import { tf, tfl } from '../tf/tf.js';
import { writeFileAtomic } from './atomic-write.js';
import { encodeCheckpoint, loadCheckpoint, type CheckpointState, type PartialEpoch } from './checkpoint.js';
import { ConfigError, modelSpecOf, OVERRIDABLE_FIELDS, RUNTIME_FIELDS, validateConfig, type TrainConfig } from './config.js';
import { openTrainData, type TrainData } from './data-source.js';
import { writeHistoryFiles, type EpochRecord } from './history.js';
import { readDropoutRng, readWeights, writeDropoutRng, writeWeights } from './model-state.js';
import { evaluate, trainEpoch } from './passes.js';
import { createReporter, type ProgressMode, type ProgressReporter } from './progress.js';
import { ReplicaPool } from './replica-pool.js';
import { runPaths, writeRunDescription, type RunPaths } from './run-folder.js';
import { learningRateAt } from './schedule.js';
import { Sgd } from './sgd.js';

/** Optional behaviour of {@link train}. */
export interface TrainHooks {
  /** How progress is shown (default `silent`; the CLI uses `auto` or `json`). */
  readonly progress?: ProgressMode;
  /** Abort to stop at the next safe point (after the current batch): a checkpoint is written and the result says `interrupted`. */
  readonly signal?: AbortSignal;
  /** Called after each epoch's files are written. */
  readonly onEpoch?: (record: EpochRecord) => void | Promise<void>;
  /** Train on these sources instead of loading `config.dataset` (custom data); the current TF.js backend is kept unless `config.backend` is set. */
  readonly data?: TrainData;
  /** Build the model yourself instead of from `config.arch` and friends; must output logits. */
  readonly buildModel?: (config: TrainConfig, numClasses: number, inputShape: [number, number, number]) => tfl.LayersModel;
  /** Return the trained model in the result instead of disposing it (the caller disposes it). */
  readonly keepModel?: boolean;
}

/** What a run produced. Accuracies are test top-1 in percent. */
export interface TrainResult {
  /** The config actually used (from the checkpoint when resuming). */
  readonly config: TrainConfig;
  readonly bestAcc: number;
  /** Test top-1 after the last completed epoch (0 if none). */
  readonly lastAcc: number;
  /** Epochs completed. */
  readonly epochs: number;
  readonly history: readonly EpochRecord[];
  /** True when stopped by the signal; the checkpoint resumes the run. */
  readonly interrupted: boolean;
  readonly paths: RunPaths;
  readonly model?: tfl.LayersModel;
}

/** The config a resumed run uses: the checkpoint's, with the caller's runtime fields. */
function resumedConfig(saved: TrainConfig, given: TrainConfig, reporter: ProgressReporter): TrainConfig {
  const merged: TrainConfig = { ...saved };
  const runtime = new Set<string>([...RUNTIME_FIELDS, ...OVERRIDABLE_FIELDS]);
  for (const field of RUNTIME_FIELDS) (merged as unknown as Record<string, unknown>)[field] = given[field];
  for (const field of OVERRIDABLE_FIELDS) (merged as unknown as Record<string, unknown>)[field] = given[field] ?? saved[field];
  const ignored = Object.keys(given).filter(
    (k) => !runtime.has(k) && k !== 'startEpoch' && JSON.stringify(given[k as keyof TrainConfig]) !== JSON.stringify(saved[k as keyof TrainConfig]),
  );
  if (ignored.length > 0) reporter.message(`Resuming with the checkpoint's settings; ignoring the given ${ignored.join(', ')}`);
  validateConfig(merged);
  return merged;
}

interface RunState {
  epoch: number;
  partial: PartialEpoch | null;
  bestAcc: number;
  history: EpochRecord[];
}

/**
 * The replica workers of a run with `replicas` > 1 (one fewer than the replicas: the main thread
 * computes the first slice), building the config's model on the current backend.
 */
function startReplicas(config: TrainConfig, data: TrainData): { pool: ReplicaPool; sliceSize: number } | undefined {
  const replicas = config.replicas ?? 1;
  if (replicas === 1) return undefined;
  const spec = modelSpecOf(config, data.numClasses, data.inputShape);
  const backend = tf.getBackend() as BackendName;
  const init = { spec, backend, labelSmoothing: config.labelSmoothing, microBatch: config.microBatch };
  return { pool: new ReplicaPool(replicas - 1, init), sliceSize: Math.ceil(config.trainBatch / replicas) };
}

/** Replica workers build the model from the config, so a custom model cannot be replicated. */
function checkReplicable(config: TrainConfig, hooks: TrainHooks): void {
  if ((config.replicas ?? 1) > 1 && hooks.buildModel) throw new ConfigError('--replicas', 'replica workers build the model from the config: a custom buildModel hook cannot be replicated');
}

class Run {
  private readonly sgd: Sgd;
  private readonly paths: RunPaths;
  private readonly replicas: { pool: ReplicaPool; sliceSize: number } | undefined;

  constructor(
    private readonly config: TrainConfig,
    private readonly model: tfl.LayersModel,
    private readonly data: TrainData,
    private readonly reporter: ProgressReporter,
    private readonly hooks: TrainHooks,
    readonly state: RunState,
  ) {
    this.paths = runPaths(config.checkpoint);
    this.sgd = new Sgd(
      model.trainableWeights.map((w) => w.read() as tf.Variable),
      { momentum: config.momentum, weightDecay: config.weightDecay, nesterov: config.nesterov },
    );
    this.replicas = startReplicas(config, data);
  }

  restore(saved: CheckpointState, file: string): void {
    writeWeights(this.model, saved.weights, file);
    writeDropoutRng(this.model, saved.dropoutRng, file);
    this.sgd.setState({ steps: saved.optimizerSteps, buffers: saved.optimizer.map((a) => a.values) });
  }

  private snapshot(): CheckpointState {
    const { epoch, partial, bestAcc, history } = this.state;
    const sgdState = this.sgd.state();
    return {
      epoch,
      partial,
      bestAcc,
      history,
      config: this.config,
      model: { numClasses: this.data.numClasses, inputShape: this.data.inputShape },
      rng: Rng.fromSeed(this.config.seed).derive(epoch, partial?.batches ?? 0).state(),
      dropoutRng: readDropoutRng(this.model),
      optimizerSteps: sgdState.steps,
      weights: readWeights(this.model),
      optimizer: sgdState.buffers.map((values, i) => ({ name: `momentum/${i}`, shape: [values.length], values })),
    };
  }

  private async save(best: boolean): Promise<void> {
    const bytes = encodeCheckpoint(this.snapshot());
    await writeFileAtomic(this.paths.checkpoint, bytes);
    if (best) await writeFileAtomic(this.paths.best, bytes);
  }

  /** Run epochs until done or interrupted; true when interrupted. */
  async loop(): Promise<boolean> {
    const { config, reporter, state } = this;
    while (state.epoch < config.epochs) {
      if (this.hooks.signal?.aborted) return true;
      const lr = learningRateAt(state.epoch, config.lr, config.schedule, config.gamma);
      reporter.epochStart(state.epoch + 1, config.epochs, lr);
      const ctx = { model: this.model, sgd: this.sgd, source: this.data.train, lr, labelSmoothing: config.labelSmoothing, microBatch: config.microBatch, replicas: this.replicas, reporter, signal: this.hooks.signal };
      const outcome = await trainEpoch(ctx, state.epoch, state.partial);
      if (!outcome.complete) {
        state.partial = outcome.partial;
        await this.save(false);
        return true;
      }
      const testStart = performance.now();
      const test = await evaluate(this.model, this.data.test, reporter);
      const improved = test.top1 > state.bestAcc;
      state.bestAcc = Math.max(state.bestAcc, test.top1);
      const record: EpochRecord = {
        epoch: state.epoch + 1,
        lr,
        trainLoss: outcome.metrics.loss,
        trainTop1: outcome.metrics.top1,
        trainTop5: outcome.metrics.top5,
        testLoss: test.loss,
        testTop1: test.top1,
        testTop5: test.top5,
        bestAcc: state.bestAcc,
        seconds: outcome.seconds + (performance.now() - testStart) / 1000,
      };
      state.history.push(record);
      state.partial = null;
      state.epoch++;
      await this.save(improved);
      await writeHistoryFiles(this.paths, state.history, this.data.title);
      reporter.event('epoch-end', { ...record });
      await this.hooks.onEpoch?.(record);
    }
    return false;
  }

  async dispose(): Promise<void> {
    this.sgd.dispose();
    await this.replicas?.pool.close();
  }
}

/**
 * Run every clean-up step after a failed run, ignoring their own errors so the run's error is the one
 * reported: a wasm heap that ran out of memory is broken and can fail again while freeing tensors.
 */
async function releaseAfterFailure(steps: ReadonlyArray<() => unknown>): Promise<void> {
  for (const step of steps) await Promise.resolve().then(step).catch(() => undefined);
}

/**
 * Train a model as the paper's scripts do; resume from `config.resume` when set.
 *
 * @example
 * const result = await train(makeConfig({ seed: 1, dataset: 'fashion-mnist', p: 0.5, epochs: 2, checkpoint: 'runs/demo' }), { progress: 'auto' });
 * console.log(result.bestAcc);
 */
export async function train(config: TrainConfig, hooks: TrainHooks = {}): Promise<TrainResult> {
  validateConfig(config);
  const reporter = createReporter(hooks.progress ?? 'silent');
  const saved = config.resume ? await loadCheckpoint(config.resume) : null;
  const effective = saved ? resumedConfig(saved.config, config, reporter) : config;
  checkReplicable(effective, hooks);
  const paths = runPaths(effective.checkpoint);
  if (!hooks.data || effective.backend) await setupBackend({ backend: effective.backend });
  await writeRunDescription(paths, effective);
  const data = hooks.data ?? (await openTrainData(effective));
  const closeData = async () => {
    if (!hooks.data) await data.close();
  };
  let model: tfl.LayersModel;
  try {
    model = (hooks.buildModel ?? ((c, n, s) => buildModel(modelSpecOf(c, n, s))))(effective, data.numClasses, data.inputShape);
  } catch (error) {
    await closeData();
    throw error;
  }
  const state: RunState = saved
    ? { epoch: saved.epoch, partial: saved.partial, bestAcc: saved.bestAcc, history: [...saved.history] }
    : { epoch: effective.startEpoch, partial: null, bestAcc: 0, history: [] };
  const run = new Run(effective, model, data, reporter, hooks, state);
  let interrupted: boolean;
  try {
    if (saved && config.resume) {
      run.restore(saved, config.resume);
      reporter.message(`Resumed from ${config.resume} at epoch ${saved.epoch + 1}${saved.partial ? `, batch ${saved.partial.batches + 1}` : ''}`);
    }
    interrupted = await run.loop();
  } catch (error) {
    await releaseAfterFailure([() => run.dispose(), closeData, () => model.dispose()]);
    throw error;
  }
  await run.dispose();
  await closeData();
  if (!hooks.keepModel) model.dispose();
  if (!interrupted) reporter.message(`Best acc: ${state.bestAcc}`);
  const last = state.history.at(-1);
  return {
    config: effective,
    bestAcc: state.bestAcc,
    lastAcc: last?.testTop1 ?? 0,
    epochs: state.history.length,
    history: state.history,
    interrupted,
    paths,
    model: hooks.keepModel ? model : undefined,
  };
}
