/**
 * `random-erasing experiment detection`: the four erasing arms of the paper's detection section
 * (none, IRE, ORE, I+ORE) over seeds with the CenterNet detector, scored on clean and occluded test
 * scenes. It shares the `experiment` command with the classification grids: the detector budget
 * flags are added there, and each side refuses the other's flags.
 */
import path from 'node:path';
import type { Command } from 'commander';
import { DETECTOR_FIELDS, type DetectorRuntime } from '../../train/detection/detector-spec.js';
import type { DetectionBudget } from '../../experiments/detection-grid.js';
import { DETECTOR_FLAGS } from '../detector-flags.js';
import { interruptSignal } from '../interrupt.js';
import { number } from '../options.js';
import { addRunFlags, givenRunFields } from '../run-flags.js';

/** Detector budget fields: the spec's but the arm and the seed. */
export const DETECTION_BUDGET_FIELDS = DETECTOR_FIELDS.filter((f) => f !== 'erasing' && f !== 'seed');
/** Runtime fields a detection run takes. */
const DETECTION_RUNTIME_FIELDS = ['backend', 'dataDir', 'testBatch'] as const;
/** Options of `experiment` besides the run flags that the detection experiment takes. */
const DETECTION_OPTIONS = ['seeds', 'out', 'levels', 'occlusionSeed', 'occludedLevel'];

/** Add the detector budget flags the classification grids do not have. */
export function addDetectionFlags(cmd: Command, taken: readonly string[]): Command {
  addRunFlags(cmd, DETECTION_BUDGET_FIELDS.filter((f) => !taken.includes(f)), DETECTOR_FLAGS);
  return cmd.option('--occluded-level <fraction>', 'detection: the occlusion level results.md shows beside the clean scenes (default 0.3)', number);
}

/** Options given on the command line, by attribute name. */
export function givenOptions(cmd: Command): string[] {
  return cmd.options.map((o) => o.attributeName()).filter((name) => cmd.getOptionValueSource(name) === 'cli');
}

/** Refuse options given on the command line that are not in `allowed`. */
export function refuseOthers(cmd: Command, allowed: readonly string[], what: string): void {
  const stray = givenOptions(cmd).find((name) => !allowed.includes(name));
  if (stray) {
    const flag = cmd.options.find((o) => o.attributeName() === stray)?.long ?? stray;
    throw new Error(`${flag}: does not apply to ${what}`);
  }
}

/** Attribute names of the options the detection experiment takes (`wd`: the alias of --weight-decay). */
function detectionAttributes(): string[] {
  return [...DETECTION_BUDGET_FIELDS, ...DETECTION_RUNTIME_FIELDS, ...DETECTION_OPTIONS, 'wd'];
}

interface Flags {
  seeds: number[];
  out?: string;
  levels?: number[];
  occlusionSeed: number;
  occludedLevel?: number;
}

/** Run `experiment detection` from the parsed command line. */
export async function detectionExperiment(flags: Flags, cmd: Command): Promise<void> {
  refuseOthers(cmd, detectionAttributes(), 'experiment detection (see random-erasing train-detector --help for its run flags)');
  const [{ runDetectionExperiment, checkDetectionExperiment }, { DETECTION_LEVELS }, { GridInterrupted }, { completeDetectorRuntime }] = await Promise.all([
    import('../../experiments/detection-experiment.js'),
    import('../../experiments/detection-grid.js'),
    import('../../experiments/train-executor.js'),
    import('../../train/detection/detector-spec.js'),
  ]);
  const budget = givenRunFields(cmd, DETECTION_BUDGET_FIELDS, DETECTOR_FLAGS) as DetectionBudget;
  const runtime = givenRunFields(cmd, DETECTION_RUNTIME_FIELDS, DETECTOR_FLAGS) as Omit<DetectorRuntime, 'checkpoint'>;
  const scoring = { levels: flags.levels ?? [...DETECTION_LEVELS], occlusionSeed: flags.occlusionSeed };
  checkDetectionExperiment({ seeds: flags.seeds, budget, scoring, occludedLevel: flags.occludedLevel });
  completeDetectorRuntime(runtime);
  const interrupt = interruptSignal('Stopping after the current batch to save a checkpoint (Ctrl-C again to quit at once)...');
  try {
    const result = await runDetectionExperiment({
      seeds: flags.seeds,
      outDir: flags.out ?? path.join('results', 'detection'),
      budget,
      scoring,
      occludedLevel: flags.occludedLevel,
      runtime,
      progress: 'auto',
      signal: interrupt.signal,
      log: (line) => console.log(line),
    });
    const f = result.files;
    console.log(`Results: ${f.markdown}, ${f.summaryCsv}, ${f.runsCsv}, ${f.chart.png}, ${f.occlusion.markdown}, ${f.occlusion.chart.png}`);
  } catch (error) {
    if (!(error instanceof GridInterrupted)) throw error;
    console.error(`Interrupted: ${error.message}`);
    process.exitCode = 130;
  } finally {
    interrupt.dispose();
  }
}
