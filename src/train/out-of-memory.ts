/**
 * Recognising a backend that ran out of memory during a training step or a test pass. The wasm
 * backend aborts its module when `malloc` fails (a `WebAssembly.RuntimeError` "Aborted()"), after
 * which the backend is unusable; the JS backends fail to allocate an ArrayBuffer.
 */

/** Where memory ran out: a training step (maybe in micro-batches) or a test pass. */
export type OutOfMemoryPass = 'train' | 'test';

/** A step ran out of memory; the run stops and the last checkpoint stays as it was. */
export class OutOfMemoryError extends Error {
  constructor(
    readonly batchSize: number,
    readonly backend: string,
    readonly microBatch: number,
    options?: { cause?: unknown; pass?: OutOfMemoryPass },
  ) {
    super(outOfMemoryMessage(options?.pass ?? 'train', batchSize, backend, microBatch), options);
    this.name = 'OutOfMemoryError';
  }
}

function outOfMemoryMessage(pass: OutOfMemoryPass, batchSize: number, backend: string, microBatch: number): string {
  if (pass === 'test') return `out of memory in a test pass at batch ${batchSize} on backend ${backend}: use a smaller \`testBatch\``;
  const where = microBatch >= batchSize ? `batch ${batchSize}` : `batch ${batchSize} (micro-batch ${microBatch})`;
  return `out of memory in a training step at ${where} on backend ${backend}: start the run again with a smaller \`microBatch\` (e.g. ${Math.max(1, microBatch >> 1)}) or \`trainBatch\``;
}

/** Whether `error` is an allocation failure of the TF.js backend (wasm abort or ArrayBuffer allocation). */
export function isOutOfMemory(error: unknown): boolean {
  if (error instanceof WebAssembly.RuntimeError) return /^Aborted\(|out of memory|enlarge memory/i.test(error.message);
  return error instanceof RangeError && /allocation failed|out of memory/i.test(error.message);
}
