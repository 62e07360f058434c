#!/usr/bin/env node
/**
 * The `random-erasing` command line: one subcommand per file in `commands/`, each exporting
 * `register(program)`. Errors print one clear line, naming the flag of an invalid option, and exit
 * non-zero.
 */
import { Command } from 'commander';
import { register as registerDemo } from './commands/demo.js';
import { register as registerExperiment } from './commands/experiment.js';
import { register as registerExport } from './commands/export.js';
import { register as registerOcclusion } from './commands/occlusion.js';
import { register as registerPreview } from './commands/preview.js';
import { register as registerStatus } from './commands/status.js';
import { register as registerTrain } from './commands/train.js';
import { register as registerTrainDetector } from './commands/train-detector.js';
import { register as registerWorker } from './commands/worker.js';
import { errorLine } from './error-line.js';
import { packageVersion } from './version.js';

const program = new Command('random-erasing')
  .description('Random Erasing data augmentation (Zhong et al., AAAI 2020) and the paper\'s training system on TensorFlow.js')
  .version(packageVersion(), '-V, --version', 'print the package version')
  .showHelpAfterError('(run with --help for usage)');

let active: Command = program;
program.hook('preAction', (_program, command) => {
  active = command;
});

registerTrain(program);
registerTrainDetector(program);
registerExport(program);
registerDemo(program);
registerPreview(program);
registerOcclusion(program);
registerExperiment(program);
registerWorker(program);
registerStatus(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  console.error(`random-erasing: ${errorLine(error, active)}`);
  process.exitCode = 1;
}
