/**
 * `random-erasing worker`: train the runs that `experiment --queue` submitted, on this machine, until
 * stopped. Ctrl-C checkpoints the running jobs and hands them back to the queue.
 */
import path from 'node:path';
import type { Command } from 'commander';
import type { RunRuntime } from '../../train/run-runtime.js';
import { integer } from '../options.js';
import { addRunFlags, givenRunFields } from '../run-flags.js';

interface WorkerFlags {
  queue: string;
  concurrency: number;
  results: string;
  dataRoot?: string;
  lockDuration?: number;
  stalledInterval?: number;
}

const RUNTIME = ['threads', 'workers', 'backend', 'native', 'dataDir', 'testBatch'] as const;

async function work(flags: WorkerFlags, cmd: Command): Promise<void> {
  const [{ parseQueueUrl }, { startQueueWorker }, { completeRuntime }] = await Promise.all([
    import('../../experiments/queue/queue-url.js'),
    import('../../experiments/queue/queue-worker.js'),
    import('../../train/run-runtime.js'),
  ]);
  const address = parseQueueUrl(flags.queue);
  const runtime = givenRunFields(cmd, RUNTIME) as Omit<RunRuntime, 'checkpoint'>;
  completeRuntime(runtime);
  if (!Number.isInteger(flags.concurrency) || flags.concurrency < 1) throw new Error(`--concurrency: expected an integer >= 1, got ${flags.concurrency}`);
  const results = path.resolve(flags.results);
  const worker = startQueueWorker({
    address,
    results,
    concurrency: flags.concurrency,
    runtime,
    dataRoot: flags.dataRoot === undefined ? undefined : path.resolve(flags.dataRoot),
    lockDuration: flags.lockDuration,
    stalledInterval: flags.stalledInterval,
    log: (line) => console.log(`${new Date().toISOString()} ${line}`),
  });
  console.log(`Worker on ${address.display}: ${flags.concurrency} job(s) at a time, runs in ${path.join(results, 'runs')}; Ctrl-C to stop (running jobs are checkpointed and handed back)`);
  let stops = 0;
  process.on('SIGINT', () => {
    if (++stops > 1) process.exit(130);
    console.error('\nStopping: checkpointing the running jobs and handing them back (Ctrl-C again to quit at once)...');
    process.exitCode = 130;
    void worker.stop();
  });
  await worker.closed;
}

/** Add the `worker` subcommand. */
export function register(program: Command): void {
  const cmd = program
    .command('worker')
    .description('train the runs submitted with `experiment --queue`, pulled from the queue, until stopped')
    .requiredOption('--queue <url>', 'the Redis of the queue: redis://[:password@]host:port/db (rediss:// for TLS)')
    .option('--concurrency <n>', 'runs trained at once, each in its own thread (default 1)', integer, 1)
    .option('--results <dir>', 'the results folder, the same one on every machine (a shared mount): runs are trained in <dir>/runs/<run id>/', 'results')
    .option('--data-root <dir>', 'folder datasets of jobs are taken only under this folder (default: built-in datasets only)')
    .option('--lock-duration <ms>', "how long a job's lock lives without renewal: a killed worker's runs return to the queue after it (default 30000)", integer)
    .option('--stalled-interval <ms>', 'how often runs of lost workers are looked for (default 30000)', integer);
  addRunFlags(cmd, RUNTIME).action(async (flags: WorkerFlags, command: Command) => work(flags, command));
}
