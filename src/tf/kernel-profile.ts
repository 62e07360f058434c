/** Per-kernel time profile of a piece of TF.js work (e.g. one training step). */
import { tf } from './tf.js';

/** Time spent in one kernel over the profiled work. */
export interface KernelTime {
  name: string;
  ms: number;
  calls: number;
}

/**
 * Runs `work` (synchronous or not) under `tf.profile` and returns the time per kernel, largest first
 * (GPU time on webgpu where the adapter has timestamp queries, else 0). Wrappers that tfjs records
 * around the kernels they run are left out so that no time is counted twice: composite ops (names
 * ending in `__op`) and custom-gradient functions (recorded under the name of the enclosing scope,
 * e.g. `unnamed scope` or `forward`, which is no registered kernel).
 */
export async function profileKernels(work: () => unknown): Promise<KernelTime[]> {
  const info = await tf.profile(async () => void (await work()));
  const backend = tf.getBackend();
  const byName = new Map<string, KernelTime>();
  for (const kernel of info.kernels) {
    if (kernel.name.endsWith('__op') || tf.getKernel(kernel.name, backend) === undefined) continue;
    const entry = byName.get(kernel.name) ?? { name: kernel.name, ms: 0, calls: 0 };
    entry.ms += Number(await kernel.kernelTimeMs);
    entry.calls += 1;
    byName.set(kernel.name, entry);
  }
  return [...byName.values()].sort((a, b) => b.ms - a.ms);
}
