/**
 * The command-line flags of a detector run: its spec's and runtime's fields, with the detector's
 * defaults in the help texts. Flags that mean the same as a classifier run's (flip, momentum, seed,
 * the runtime's) are that table's entries.
 */
import { ERASING_ARMS, DETECTOR_DEFAULTS as d, defaultDetectorSchedule } from '../train/detection/detector-spec.js';
import { integer, integers, number } from './options.js';
import { RUN_FLAGS, type FlagDefinition } from './run-flags.js';

const shared = (fields: readonly string[]): FlagDefinition[] => fields.map((field) => RUN_FLAGS.find((f) => f.field === field) as FlagDefinition);

/** Every flag of a detector run. */
export const DETECTOR_FLAGS: readonly FlagDefinition[] = [
  { field: 'trainScenes', flags: '--train-scenes <n>', description: `training scenes, from the Fashion-MNIST train split (default: ${d.trainScenes})`, parse: integer },
  { field: 'testScenes', flags: '--test-scenes <n>', description: `test scenes, from the test split (default: ${d.testScenes})`, parse: integer },
  { field: 'sceneSeed', flags: '--scene-seed <n>', description: `seed of the scenes, shared by every run seed (default: ${d.sceneSeed})`, parse: integer },
  { field: 'width', flags: '--width <n>', description: `channels of the backbone's first stage, doubled at strides 4 and 8 (default: ${d.width})`, parse: integer },
  { field: 'blocks', flags: '--blocks <n>', description: `basic blocks per backbone stage (default: ${d.blocks})`, parse: integer },
  { field: 'erasing', flags: '--erasing <arm>', description: `none | image (IRE) | object (ORE, inside each box) | image+object (I+ORE) (default: ${d.erasing})`, choices: ERASING_ARMS },
  { field: 'p', flags: '--p <prob>', description: `probability of each erasing, of the image and of each box (default: ${d.p}; only with --erasing)`, parse: number },
  { field: 'sl', flags: '--sl <area>', description: `smallest erased fraction of the image or box (default: the paper preset's ${d.sl})`, parse: number },
  { field: 'sh', flags: '--sh <area>', description: `largest erased fraction (default: the paper preset's ${d.sh})`, parse: number },
  { field: 'r1', flags: '--r1 <ratio>', description: `smallest aspect ratio of a region, largest 1/r1 (default: the paper preset's ${d.r1})`, parse: number },
  ...shared(['flip']),
  { field: 'epochs', flags: '--epochs <n>', description: `number of epochs (default: ${d.epochs})`, parse: integer },
  { field: 'schedule', flags: '--schedule <epochs...>', description: `epochs (0-based) at which the LR is multiplied by --gamma (default: at 2/3 and 5/6 of the epochs, ${defaultDetectorSchedule(d.epochs).join(' ')} for ${d.epochs})`, parse: integers as FlagDefinition['parse'] },
  ...shared(['gamma']),
  { field: 'lr', flags: '--lr <rate>', description: `initial learning rate (default: ${d.lr})`, parse: number },
  ...shared(['momentum']),
  { field: 'weightDecay', flags: '--weight-decay <wd>', description: `SGD weight decay on every parameter, alias --wd (default: ${d.weightDecay})`, parse: number },
  ...shared(['nesterov']),
  { field: 'trainBatch', flags: '--train-batch <n>', description: `training batch size (default: ${d.trainBatch})`, parse: integer },
  ...shared(['seed', 'checkpoint', 'backend', 'dataDir', 'testBatch']),
];
