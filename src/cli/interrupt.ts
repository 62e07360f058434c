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
