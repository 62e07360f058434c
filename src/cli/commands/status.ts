/** `random-erasing status`: the runs on a queue: waiting, running (with progress), done, failed (with the error). */
import type { Command } from 'commander';

async function status(flags: { queue: string; json: boolean }): Promise<void> {
  const [{ parseQueueUrl }, { describeStatuses, openQueue, queueStatuses }] = await Promise.all([
    import('../../experiments/queue/queue-url.js'),
    import('../../experiments/queue/grid-queue.js'),
  ]);
  const queue = openQueue(parseQueueUrl(flags.queue));
  try {
    const statuses = await queueStatuses(queue);
    if (flags.json) for (const s of statuses) console.log(JSON.stringify(s));
    else console.log(describeStatuses(statuses).join('\n'));
  } finally {
    await queue.close();
  }
}

/** Add the `status` subcommand. */
export function register(program: Command): void {
  program
    .command('status')
    .description('show the runs on a queue: waiting, active with their progress, completed, failed with their error')
    .requiredOption('--queue <url>', 'the Redis of the queue: redis://[:password@]host:port/db')
    .option('--json', 'one JSON object per run', false)
    .action(status);
}
