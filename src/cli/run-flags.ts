/**
 * The command-line flags of a run, one definition each: the spec's (what the run computes) and the
 * runtime's (how it runs). Commands add the ones they take; values come only from flags given on the
 * command line (no commander defaults), so an unset flag leaves the field to its default or to the
 * erasing preset. Help texts show the defaults from the spec and runtime definitions.
 */
import { Option, type Command } from 'commander';
import { PRESET_NAMES, PRESETS } from '../core/presets.js';
import { ARCHITECTURES } from '../models/spec.js';
import { BACKENDS } from '../tf/backend-names.js';
import { RUNTIME_DEFAULTS, type RunRuntime } from '../train/run-runtime.js';
import { DEFAULT_MICRO_BATCH, DEFAULT_PRESET, FILL_NAMES, SPEC_DEFAULTS, type RunSpec } from '../train/run-spec.js';
import { integer, integers, number } from './options.js';

/** A field of a spec or a runtime. */
export type RunField = keyof RunSpec | keyof RunRuntime;

/** A commander value parser (variadic ones receive the values so far). */
type Parser = (value: string, previous: unknown) => unknown;

/** One flag: the field it sets, commander's flags, help text, parser and choices. */
export interface FlagDefinition {
  readonly field: RunField | (string & {});
  /** Commander flags, e.g. `--lr <rate>`. */
  readonly flags: string;
  readonly description: string;
  readonly parse?: Parser;
  readonly choices?: readonly string[];
}

const d = SPEC_DEFAULTS;
const reference = PRESETS[DEFAULT_PRESET];

/** Every run flag. */
export const RUN_FLAGS: readonly FlagDefinition[] = [
  { field: 'dataset', flags: '-d, --dataset <name>', description: `fashionmnist | cifar10 | cifar100 | path of an image folder dataset (default: ${d.dataset})` },
  { field: 'arch', flags: '-a, --arch <arch>', description: `model architecture (default: ${d.arch})`, choices: ARCHITECTURES },
  { field: 'depth', flags: '--depth <n>', description: "model depth (default: the architecture's: resnet 20, wrn 28, resnext 29, preresnet18 18)", parse: integer },
  { field: 'widenFactor', flags: '--widen-factor <k>', description: 'WRN widen factor (wrn only; default: 10)', parse: integer },
  { field: 'cardinality', flags: '--cardinality <n>', description: 'ResNeXt groups (resnext only; default: 8)', parse: integer },
  { field: 'baseWidth', flags: '--base-width <d>', description: 'ResNeXt width of a group in the first stage, the d of 8x64d (resnext only; default: 64)', parse: integer },
  { field: 'drop', flags: '--drop <rate>', description: 'WRN dropout between the two convolutions of a block (wrn only; default: 0)', parse: number },
  { field: 'convDropout', flags: '--conv-dropout <rate>', description: `dropout after every convolution, paper Table 4 (default: ${d.convDropout})`, parse: number },
  { field: 'preset', flags: '--preset <name>', description: `Random Erasing preset: its p, sl, sh, r1 and fill unless given (default: ${DEFAULT_PRESET} when erasing)`, choices: PRESET_NAMES },
  { field: 'p', flags: '--p <prob>', description: "Random Erasing probability (default: the preset's with --preset, else 0 = no erasing, as the reference scripts)", parse: number },
  { field: 'sl', flags: '--sl <area>', description: `smallest erased area fraction (default: the preset's; ${DEFAULT_PRESET} ${reference.sl})`, parse: number },
  { field: 'sh', flags: '--sh <area>', description: `largest erased area fraction (default: the preset's; ${DEFAULT_PRESET} ${reference.sh})`, parse: number },
  { field: 'r1', flags: '--r1 <ratio>', description: `smallest aspect ratio of the erased region, largest 1/r1 (default: the preset's; ${DEFAULT_PRESET} ${reference.r1})`, parse: number },
  { field: 'fill', flags: '--fill <fill>', description: `erased pixel values: ${FILL_NAMES.join(' | ')} | a number (default: the preset's; ${DEFAULT_PRESET} = per-channel mean)` },
  { field: 'flip', flags: '--no-flip', description: 'no random horizontal flip' },
  { field: 'crop', flags: '--no-crop', description: 'no random crop' },
  { field: 'noise', flags: '--noise <fraction>', description: 'replace this fraction of pixels with random values, paper Table 4 (default: 0)', parse: number },
  { field: 'epochs', flags: '--epochs <n>', description: `number of epochs (default: ${d.epochs})`, parse: integer },
  { field: 'startEpoch', flags: '--start-epoch <n>', description: `first epoch of a new run, 0-based (default: ${d.startEpoch})`, parse: integer },
  { field: 'schedule', flags: '--schedule <epochs...>', description: `epochs (0-based) at which the LR is multiplied by --gamma (default: ${d.schedule.join(' ')})`, parse: integers as Parser },
  { field: 'gamma', flags: '--gamma <g>', description: `LR multiplier at each --schedule epoch (default: ${d.gamma})`, parse: number },
  { field: 'lr', flags: '--lr <rate>', description: `initial learning rate (default: ${d.lr})`, parse: number },
  { field: 'momentum', flags: '--momentum <m>', description: `SGD momentum (default: ${d.momentum})`, parse: number },
  { field: 'weightDecay', flags: '--weight-decay <wd>', description: `SGD weight decay on every parameter, alias --wd (default: ${d.weightDecay})`, parse: number },
  { field: 'nesterov', flags: '--nesterov', description: 'Nesterov momentum' },
  { field: 'labelSmoothing', flags: '--label-smoothing <eps>', description: `label smoothing of the cross-entropy (default: ${d.labelSmoothing})`, parse: number },
  { field: 'trainBatch', flags: '--train-batch <n>', description: `training batch size (default: ${d.trainBatch})`, parse: integer },
  {
    field: 'microBatch',
    flags: '--micro-batch <n>',
    description: `BatchNorm micro-batch: each batch is normalised and differentiated in slices of at most n images, their gradients summed in order, one SGD step; the unit of work spread over --threads, so the threads never change a weight (default: ${DEFAULT_MICRO_BATCH}, at most the batch)`,
    parse: integer,
  },
  { field: 'trainSubset', flags: '--train-subset <n>', description: 'train on a seeded random subset of n training images', parse: integer },
  { field: 'testSubset', flags: '--test-subset <n>', description: 'evaluate on a seeded random subset of n test images', parse: integer },
  { field: 'seed', flags: '--manual-seed <n>', description: 'seed of every random draw, alias --manualSeed (default: random for a new run, recorded in seed.txt)', parse: integer },
  { field: 'threads', flags: '--threads <n>', description: 'threads computing the micro-batches of a step; results do not depend on it (default: every core)', parse: integer },
  { field: 'workers', flags: '-j, --workers <n>', description: `data loading worker threads, 0 = main thread (default: ${RUNTIME_DEFAULTS.workers})`, parse: integer },
  { field: 'backend', flags: '--backend <name>', description: 'TF.js backend (default: the fastest available)', choices: BACKENDS },
  { field: 'native', flags: '--no-native', description: 'the pure wasm kernels even where the native oneDNN kernels are built (results agree within float rounding, not bit for bit)' },
  { field: 'dataDir', flags: '--data-dir <dir>', description: 'the folder holding the dataset (as is or in a subfolder named after it); nothing else is searched' },
  { field: 'testBatch', flags: '--test-batch <n>', description: `test batch size (default: ${RUNTIME_DEFAULTS.testBatch})`, parse: integer },
  { field: 'checkpoint', flags: '-c, --checkpoint <dir>', description: `run folder: checkpoints, logs and plots (default: ${RUNTIME_DEFAULTS.checkpoint}, or the --resume checkpoint's folder)` },
];

/** Hidden aliases of the reference scripts: flag, field. */
const ALIASES: ReadonlyArray<[string, RunField]> = [
  ['--wd <wd>', 'weightDecay'],
  ['--manualSeed <n>', 'seed'],
];

function definition(field: string, table: readonly FlagDefinition[]): FlagDefinition {
  const found = table.find((f) => f.field === field);
  if (!found) throw new Error(`no flag for run field ${field}`);
  return found;
}

/** Add the flags of `fields` (and their aliases) to a command, from `table` (default: the classifier run's flags). */
export function addRunFlags(cmd: Command, fields: readonly string[], table: readonly FlagDefinition[] = RUN_FLAGS): Command {
  for (const field of fields) {
    const def = definition(field, table);
    const option = new Option(def.flags, def.description);
    if (def.parse) option.argParser(def.parse);
    if (def.choices) option.choices(def.choices);
    cmd.addOption(option);
    for (const [flags, aliased] of ALIASES) {
      if (aliased === field) cmd.addOption(new Option(flags).argParser(def.parse ?? String).hideHelp());
    }
  }
  return cmd;
}

/** The field a parsed option sets (its attribute name, or an alias's field). */
function fieldOfAttribute(attribute: string, table: readonly FlagDefinition[] = RUN_FLAGS): string | undefined {
  for (const [flags, field] of ALIASES) if (new Option(flags).attributeName() === attribute) return field;
  return table.find((f) => new Option(f.flags).attributeName() === attribute)?.field;
}

/** The values of `fields` given on the command line (flags left out stay unset); `table` as given to {@link addRunFlags}. */
export function givenRunFields(cmd: Command, fields: readonly string[], table: readonly FlagDefinition[] = RUN_FLAGS): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const option of cmd.options) {
    const attribute = option.attributeName();
    const field = fieldOfAttribute(attribute, table);
    if (field && fields.includes(field) && cmd.getOptionValueSource(attribute) === 'cli') values[field] = cmd.getOptionValue(attribute);
  }
  return values;
}

/** The long flag that sets `field` in `cmd`, if any. */
export function flagOfField(cmd: Command, field: string): string | undefined {
  const option = cmd.options.find((o) => o.attributeName() === field || fieldOfAttribute(o.attributeName()) === field);
  return option?.long;
}
