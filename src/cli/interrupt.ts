/**
 * Ctrl-C handling for long jobs: the first SIGINT asks the job to stop at its next safe point (it then
 * saves a checkpoint); a second one exits immediately (the last checkpoint on disk is still whole,
 * since every write is atomic).
 */

/** An abort signal raised by the first Ctrl-C; call `dispose()` when the job is over. */
export function interruptSignal(notice: string): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const onSigint = () => {
    if (controller.signal.aborted) {
      console.error('\nInterrupted again: exiting now.');
      process.exit(130);
    }
    console.error(`\n${notice}`);
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  return { signal: controller.signal, dispose: () => process.off('SIGINT', onSigint) };
}

/** What a training command needs of its result. */
export interface InterruptibleRun {
  readonly interrupted: boolean;
  readonly paths: { readonly dir: string; readonly checkpoint: string };
}

/**
 * Run a training job under Ctrl-C handling and report its end as the training commands do: in json
 * mode a `done` event with `summary`'s fields; when interrupted, where the checkpoint is and the
 * `random-erasing <command> --resume` line to continue (exit status 130); otherwise the run folder.
 */
export async function trainUntilDone<R extends InterruptibleRun>(command: string, json: boolean, start: (signal: AbortSignal) => Promise<R>, summary: (result: R) => Record<string, unknown>): Promise<void> {
  const interrupt = interruptSignal('Stopping after the current batch to save a checkpoint (Ctrl-C again to quit at once)...');
  try {
    const result = await start(interrupt.signal);
    if (json) console.log(JSON.stringify({ event: 'done', ...summary(result), interrupted: result.interrupted, dir: result.paths.dir }));
    if (result.interrupted) {
      console.error(`Interrupted. Checkpoint saved: ${result.paths.checkpoint}\nResume with: random-erasing ${command} --resume ${result.paths.checkpoint}`);
      process.exitCode = 130;
    } else if (!json) {
      console.log(`Run folder: ${result.paths.dir}`);
    }
  } finally {
    interrupt.dispose();
  }
}
