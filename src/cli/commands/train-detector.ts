/**
 * `random-erasing train-detector`: the CenterNet detector on generated Fashion-MNIST scenes, with an
 * erasing arm (none, IRE, ORE, I+ORE), as `train` does for classifiers: checkpoints every epoch,
 * `--resume`, log.txt / metrics.jsonl / curves, Ctrl-C saving a checkpoint, progress bars or
 * `--json`. Only the flags given set the run; every value is validated before any work starts.
 */
import { randomInt } from 'node:crypto';
import type { Command } from 'commander';
import { DETECTOR_FIELDS, DETECTOR_RUNTIME_FIELDS, type DetectorRuntime, type DetectorSpec } from '../../train/detection/detector-spec.js';
import type { DetectorRequest } from '../../train/detection/detector-trainer.js';
import { DETECTOR_FLAGS } from '../detector-flags.js';
import { trainUntilDone } from '../interrupt.js';
import { addRunFlags, givenRunFields } from '../run-flags.js';

interface DetectorFlags {
  resume?: string;
  json: boolean;
}

/** The request of a command line: the given fields; a new run without a seed gets a random one. */
export function detectorRequestFromFlags(cmd: Command, flags: DetectorFlags): DetectorRequest {
  const spec = givenRunFields(cmd, DETECTOR_FIELDS, DETECTOR_FLAGS) as DetectorSpec;
  const runtime = givenRunFields(cmd, DETECTOR_RUNTIME_FIELDS, DETECTOR_FLAGS) as DetectorRuntime;
  if (!flags.resume && spec.seed === undefined) spec.seed = randomInt(1, 10001);
  return { spec, runtime, ...(flags.resume ? { resume: flags.resume } : {}) };
}

async function run(request: DetectorRequest, json: boolean): Promise<void> {
  const { trainDetector } = await import('../../train/detection/detector-trainer.js');
  await trainUntilDone(
    'train-detector',
    json,
    (signal) => trainDetector(request, { progress: json ? 'json' : 'auto', signal }),
    (r) => ({ runId: r.runId, bestAp: r.bestAp, ap: r.last?.testAp ?? null, ap50: r.last?.testAp50 ?? null, voc07: r.last?.testVoc07 ?? null, epochs: r.epochs }),
  );
}

/** Add the `train-detector` subcommand. */
export function register(program: Command): void {
  const cmd = program
    .command('train-detector')
    .description('train the CenterNet detector on generated Fashion-MNIST scenes, with no erasing, IRE, ORE or I+ORE (see docs/detection.md)');
  addRunFlags(cmd, [...DETECTOR_FIELDS, ...DETECTOR_RUNTIME_FIELDS], DETECTOR_FLAGS)
    .option('--resume <file>', 'resume from this checkpoint (e.g. checkpoint/checkpoint.ckpt); the run keeps its settings, only --epochs may change')
    .option('--json', 'machine-readable output: one JSON object per line on stdout', false)
    .action(async (flags: DetectorFlags, command: Command) => run(detectorRequestFromFlags(command, flags), flags.json));
}
