/**
 * `train(request, hooks)`: the paper's training loop (cifar.py / fashionmnist.py) with resumable,
 * crash-safe bookkeeping. Each epoch: LR from the step schedule, one training pass with PyTorch SGD,
 * one test pass, then the checkpoint (and `model_best` on improvement), log.txt, metrics.jsonl and the
 * curves plot are rewritten atomically. A resumed run continues bit-for-bit where it stopped, and the
 * weights do not depend on the number of threads.
 */
import { RandomErasing } from '../core/random-erasing.js';
import { Rng } from '../core/rng.js';
import { OptionError } from '../core/validate.js';
import { buildModel, trainableParamCount } from '../models/index.js';
import { activeBackend, isGpuBackend, setupBackend, type BackendInfo, type BackendName } from '../tf/backend.js';
import { tf, tfl } from '../tf/tf.js';
import { writeFileAtomic } from './atomic-write.js';
import { encodeCheckpoint, type CheckpointState, type PartialEpoch } from './checkpoint.js';
import { erasingOf, openTrainData, type TrainData } from './data-source.js';
import { writeHistoryFiles, type EpochRecord } from './history.js';
import { readDropoutRng, readWeights, writeDropoutRng, writeWeights } from './model-state.js';
import { evaluate, trainEpoch } from './passes.js';
import { createReporter, type ProgressMode, type ProgressReporter } from './progress.js';
import { ReplicaPool } from './replica-pool.js';
import { describeRun, runPaths, writeRunDescription, type RunDescription, type RunPaths } from './run-folder.js';
import { resolveRequest, type TrainRequest } from './run-request.js';
import type { CompleteRuntime } from './run-runtime.js';
import { modelSpecOf, specHash, type CompleteSpec } from './run-spec.js';
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
  /** Train on these sources instead of loading the spec's dataset (custom data); the current TF.js backend is kept unless `runtime.backend` is set. */
  readonly data?: TrainData;
  /** Build the model yourself instead of from the spec's architecture; must output logits. Runs on one thread. */
  readonly buildModel?: (spec: CompleteSpec, numClasses: number, inputShape: [number, number, number]) => tfl.LayersModel;
  /** Return the trained model in the result instead of disposing it (the caller disposes it). */
  readonly keepModel?: boolean;
}

/** What a run produced. Accuracies are test top-1 in percent. */
export interface TrainResult {
  /** The complete spec that ran (the checkpoint's when resuming, with its epochs). */
  readonly spec: CompleteSpec;
  readonly runtime: CompleteRuntime;
  /** Hash of the spec. */
  readonly runId: string;
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

/**
 * How the threads of a step run (none of it changes a weight): inside each kernel when the native
 * kernels are on (one JS thread drives them); else as replica workers over the step's micro-batches,
 * no more than there are micro-batches, and one for a custom model (replica workers build the model
 * from the spec; asking for more is refused); one on a GPU backend, where the micro-batches run one
 * after the other on the GPU (the same computation).
 */
export interface Parallelism {
  readonly mode: 'native kernels' | 'replicas' | 'gpu';
  /** Threads computing each step. */
  readonly threads: number;
  /** Replica threads (the main thread included) sharing each step's micro-batches. */
  readonly replicas: number;
}

function parallelismOf(spec: CompleteSpec, runtime: CompleteRuntime, request: TrainRequest, hooks: TrainHooks, engine: BackendInfo): Parallelism {
  if (isGpuBackend(engine.backend)) return { mode: 'gpu', threads: 1, replicas: 1 };
  if (engine.native.active) return { mode: 'native kernels', threads: engine.native.threads ?? runtime.threads, replicas: 1 };
  if (hooks.buildModel) {
    if ((request.runtime?.threads ?? 1) > 1) throw new OptionError('run option', 'threads', 'replica workers build the model from the spec: a custom buildModel runs on one thread');
    return { mode: 'replicas', threads: 1, replicas: 1 };
  }
  const replicas = Math.min(runtime.threads, Math.ceil(spec.trainBatch / spec.microBatch));
  return { mode: 'replicas', threads: replicas, replicas };
}

/**
 * Start the run's backend (the current one for custom data without a backend) with the runtime's
 * threads for the native kernels, and fix how the threads run, saying so when fewer run than asked.
 */
async function startEngine(spec: CompleteSpec, requested: CompleteRuntime, request: TrainRequest, hooks: TrainHooks, reporter: ProgressReporter): Promise<{ engine: BackendInfo; runtime: CompleteRuntime; parallelism: Parallelism }> {
  const engine = !hooks.data || requested.backend ? await setupBackend({ backend: requested.backend, threads: requested.threads, native: requested.native }) : activeBackend();
  const parallelism = parallelismOf(spec, requested, request, hooks, engine);
  const asked = request.runtime?.threads ?? 1;
  if (parallelism.threads < asked) {
    const why = parallelism.mode === 'gpu' ? `${engine.backend} runs the micro-batches one after the other on the GPU` : 'no more threads than micro-batches per step';
    reporter.message(`Note: ${parallelism.threads} thread(s) compute each step, not the ${asked} asked for (${why})`);
  }
  return { engine, runtime: { ...requested, threads: parallelism.threads }, parallelism };
}

interface RunState {
  epoch: number;
  partial: PartialEpoch | null;
  bestAcc: number;
  history: EpochRecord[];
}

/** The replica workers of a run on `replicas` > 1 replica threads (the main thread computes the first block). */
function startReplicas(spec: CompleteSpec, data: TrainData, replicas: number): ReplicaPool | undefined {
  if (replicas === 1) return undefined;
  const init = { spec: modelSpecOf(spec, data.numClasses, data.inputShape), backend: tf.getBackend() as BackendName, labelSmoothing: spec.labelSmoothing };
  return new ReplicaPool(replicas - 1, init);
}

class Run {
  private readonly sgd: Sgd;
  private readonly paths: RunPaths;
  private readonly replicas: ReplicaPool | undefined;

  constructor(
    private readonly spec: CompleteSpec,
    private readonly runtime: CompleteRuntime,
    parallelism: Parallelism,
    private readonly model: tfl.LayersModel,
    private readonly data: TrainData,
    private readonly reporter: ProgressReporter,
    private readonly hooks: TrainHooks,
    readonly state: RunState,
  ) {
    this.paths = runPaths(runtime.checkpoint);
    this.sgd = new Sgd(
      model.trainableWeights.map((w) => w.read() as tf.Variable),
      { momentum: spec.momentum, weightDecay: spec.weightDecay, nesterov: spec.nesterov },
    );
    this.replicas = startReplicas(spec, data, parallelism.replicas);
  }

  restore(saved: CheckpointState, file: string): void {
    writeWeights(this.model, saved.weights, file);
    writeDropoutRng(this.model, saved.dropoutRng, file);
    this.sgd.setState({ steps: saved.optimizerSteps, buffers: saved.optimizer.map((a) => a.values) });
  }

  private async snapshot(): Promise<CheckpointState> {
    const { epoch, partial, bestAcc, history } = this.state;
    const sgdState = await this.sgd.state();
    return {
      epoch,
      partial,
      bestAcc,
      history,
      spec: this.spec,
      runtime: this.runtime,
      model: { numClasses: this.data.numClasses, inputShape: this.data.inputShape },
      rng: Rng.fromSeed(this.spec.seed).derive(epoch, partial?.batches ?? 0).state(),
      dropoutRng: readDropoutRng(this.model),
      optimizerSteps: sgdState.steps,
      weights: await readWeights(this.model),
      optimizer: sgdState.buffers.map((values, i) => ({ name: `momentum/${i}`, shape: [values.length], values })),
    };
  }

  private async save(best: boolean): Promise<void> {
    const bytes = encodeCheckpoint(await this.snapshot());
    await writeFileAtomic(this.paths.checkpoint, bytes);
    if (best) await writeFileAtomic(this.paths.best, bytes);
  }

  /** Run epochs until done or interrupted; true when interrupted. */
  async loop(): Promise<boolean> {
    const { spec, reporter, state } = this;
    while (state.epoch < spec.epochs) {
      if (this.hooks.signal?.aborted) return true;
      const lr = learningRateAt(state.epoch, spec.lr, spec.schedule, spec.gamma);
      reporter.epochStart(state.epoch + 1, spec.epochs, lr);
      const ctx = { model: this.model, sgd: this.sgd, source: this.data.train, lr, labelSmoothing: spec.labelSmoothing, microBatch: spec.microBatch, pool: this.replicas, reporter, signal: this.hooks.signal };
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
    await this.replicas?.close();
  }
}

/**
 * Run every clean-up step after a failed run, ignoring their own errors so the run's error is the one
 * reported: a wasm heap that ran out of memory is broken and can fail again while freeing tensors.
 */
async function releaseAfterFailure(steps: ReadonlyArray<() => unknown>): Promise<void> {
  for (const step of steps) await Promise.resolve().then(step).catch(() => undefined);
}

/** Build the run's model (a custom one when the hooks give it). */
function modelOf(spec: CompleteSpec, data: TrainData, hooks: TrainHooks): tfl.LayersModel {
  if (hooks.buildModel) return hooks.buildModel(spec, data.numClasses, data.inputShape);
  return buildModel(modelSpecOf(spec, data.numClasses, data.inputShape));
}

/** Record the run in its folder and print its settings. */
async function announce(spec: CompleteSpec, runtime: CompleteRuntime, engine: BackendInfo, parallelism: Parallelism, model: tfl.LayersModel, reporter: ProgressReporter): Promise<RunDescription> {
  const erasing = erasingOf(spec);
  const description: RunDescription = {
    runId: specHash(spec),
    spec,
    erasing: erasing ? new RandomErasing(erasing.preset, erasing.options).options : null,
    model: { name: model.name, params: trainableParamCount(model) },
    runtime: { ...runtime, backend: runtime.backend ?? engine.backend },
    parallelism: parallelism.mode,
    ...(engine.native.active ? { native: `oneDNN ${engine.native.onednn}` } : {}),
    ...(engine.adapter ? { adapter: engine.adapter } : {}),
  };
  await writeRunDescription(runPaths(runtime.checkpoint), description);
  for (const line of describeRun(description)) reporter.message(line);
  const late = spec.schedule.filter((e) => e >= spec.epochs);
  if (late.length) reporter.message(`Note: the LR drops at epochs ${late.join(', ')} come after the last epoch (${spec.epochs})`);
  return description;
}

/**
 * Train a model as the paper's scripts do, or resume a checkpoint.
 *
 * @example
 * const result = await train({ spec: { seed: 1, dataset: 'fashion-mnist', p: 0.5, epochs: 2 }, runtime: { checkpoint: 'runs/demo' } }, { progress: 'auto' });
 * console.log(result.bestAcc);
 * await train({ resume: 'runs/demo/checkpoint.ckpt', spec: { epochs: 4 } }); // two more epochs
 */
export async function train(request: TrainRequest, hooks: TrainHooks = {}): Promise<TrainResult> {
  const reporter = createReporter(hooks.progress ?? 'silent');
  const { spec, runtime: requested, saved } = await resolveRequest(request);
  const { engine, runtime, parallelism } = await startEngine(spec, requested, request, hooks, reporter);
  const paths = runPaths(runtime.checkpoint);
  const data = hooks.data ?? (await openTrainData(spec, runtime));
  const closeData = async () => {
    if (!hooks.data) await data.close();
  };
  let model: tfl.LayersModel;
  let description: RunDescription;
  try {
    model = modelOf(spec, data, hooks);
    description = await announce(spec, runtime, engine, parallelism, model, reporter);
  } catch (error) {
    await closeData();
    throw error;
  }
  const state: RunState = saved
    ? { epoch: saved.epoch, partial: saved.partial, bestAcc: saved.bestAcc, history: [...saved.history] }
    : { epoch: spec.startEpoch, partial: null, bestAcc: 0, history: [] };
  let run: Run | undefined;
  let interrupted: boolean;
  try {
    run = new Run(spec, runtime, parallelism, model, data, reporter, hooks, state);
    if (saved && request.resume) {
      run.restore(saved, request.resume);
      reporter.message(`Resumed from ${request.resume} at epoch ${saved.epoch + 1}${saved.partial ? `, batch ${saved.partial.batches + 1}` : ''}`);
    }
    interrupted = await run.loop();
  } catch (error) {
    await releaseAfterFailure([() => run?.dispose(), closeData, () => model.dispose()]);
    throw error;
  }
  await run.dispose();
  await closeData();
  if (!hooks.keepModel) model.dispose();
  if (!interrupted) reporter.message(`Best acc: ${state.bestAcc}`);
  const last = state.history.at(-1);
  return {
    spec,
    runtime: description.runtime,
    runId: description.runId,
    bestAcc: state.bestAcc,
    lastAcc: last?.testTop1 ?? 0,
    epochs: state.history.length,
    history: state.history,
    interrupted,
    paths,
    model: hooks.keepModel ? model : undefined,
  };
}
