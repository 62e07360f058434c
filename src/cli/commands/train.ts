/**
 * `random-erasing train`: the paper's training script (cifar.py / fashionmnist.py) with the same flags
 * and defaults. Only the flags given on the command line set the run; the others keep their defaults
 * (or the erasing preset's values). Every value is validated before any work starts.
 */
import { randomInt } from 'node:crypto';
import path from 'node:path';
import type { Command } from 'commander';
import { RUNTIME_FIELDS, type RunRuntime } from '../../train/run-runtime.js';
import { SPEC_FIELDS, type RunSpec } from '../../train/run-spec.js';
import type { TrainRequest } from '../../train/run-request.js';
import { trainUntilDone } from '../interrupt.js';
import { addRunFlags, givenRunFields } from '../run-flags.js';

/** Options of `train` besides the run's fields. */
interface TrainFlags {
  resume?: string;
  evaluate: boolean;
  json: boolean;
}

/** The request of a `train` command line: the given spec and runtime fields; a new run without a seed gets a random one. */
export function requestFromFlags(cmd: Command, flags: TrainFlags): TrainRequest {
  const spec = givenRunFields(cmd, SPEC_FIELDS) as RunSpec;
  const runtime = givenRunFields(cmd, RUNTIME_FIELDS) as RunRuntime;
  if (!flags.resume && !flags.evaluate && spec.seed === undefined) spec.seed = randomInt(1, 10001);
  return { spec, runtime, ...(flags.resume ? { resume: flags.resume } : {}) };
}

async function runEvaluate(request: TrainRequest, json: boolean): Promise<void> {
  const { evaluateCheckpoint } = await import('../../train/evaluate.js');
  const file = request.resume ?? path.join(request.runtime?.checkpoint ?? 'checkpoint', 'model_best.ckpt');
  const { dataDir, backend, testBatch } = request.runtime ?? {};
  const result = await evaluateCheckpoint(file, { dataDir, backend, testBatch, testSubset: request.spec?.testSubset }, json ? 'json' : 'auto');
  if (json) console.log(JSON.stringify({ event: 'evaluation', ...result }));
  else console.log(`\nEvaluation of ${file} (epoch ${result.epoch}, ${result.count} test images)\n Test Loss: ${result.loss.toFixed(8)}, Test Acc: ${result.top1.toFixed(2)}, Top-5: ${result.top5.toFixed(2)}`);
}

/** `--evaluate` takes a checkpoint and how to read its test set; a flag that would change a run is refused. */
function checkEvaluateFlags(request: TrainRequest): void {
  const stray = Object.keys(request.spec ?? {}).find((field) => field !== 'testSubset');
  if (stray) throw new Error(`\`${stray}\`: --evaluate tests a trained checkpoint; it takes --resume, --checkpoint, --data-dir, --backend, --test-batch, --test-subset and --json only`);
}

async function runTraining(request: TrainRequest, json: boolean): Promise<void> {
  const { resolveRequest } = await import('../../train/run-request.js');
  await resolveRequest(request); // every value checked before the engine loads
  const { train } = await import('../../train/trainer.js');
  await trainUntilDone(
    'train',
    json,
    (signal) => train(request, { progress: json ? 'json' : 'auto', signal }),
    (r) => ({ runId: r.runId, bestAcc: r.bestAcc, lastAcc: r.lastAcc, epochs: r.epochs }),
  );
}

/** Add the `train` subcommand. */
export function register(program: Command): void {
  const cmd = program.command('train').description('train a model as the paper does (flags and defaults of the reference cifar.py / fashionmnist.py)');
  addRunFlags(cmd, [...SPEC_FIELDS, ...RUNTIME_FIELDS])
    .option('--resume <file>', 'resume from this checkpoint (e.g. checkpoint/checkpoint.ckpt); the run keeps its settings, only --epochs may change')
    .option('-e, --evaluate', 'only evaluate a checkpoint (--resume, or <checkpoint>/model_best.ckpt) on the test set', false)
    .option('--json', 'machine-readable output: one JSON object per line on stdout', false)
    .action(async (flags: TrainFlags, command: Command) => {
      const request = requestFromFlags(command, flags);
      if (flags.evaluate) {
        checkEvaluateFlags(request);
        await runEvaluate(request, flags.json);
        return;
      }
      await runTraining(request, flags.json);
    });
}
