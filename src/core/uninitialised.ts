/**
 * Uninitialised memory for large copies, where the runtime has Node's `Buffer`, and the one-time
 * hint that keeps the C allocator from handing such blocks back to the kernel after each collection.
 */

type AllocUnsafeSlow = (bytes: number) => Uint8Array;

const allocUnsafeSlow = (globalThis as { Buffer?: { allocUnsafeSlow: AllocUnsafeSlow } }).Buffer?.allocUnsafeSlow;

/**
 * glibc's ceiling on its dynamic mmap threshold on 64-bit systems (DEFAULT_MMAP_THRESHOLD_MAX). Freeing
 * an mmapped block up to this size raises the mmap threshold to the block's size and the trim
 * threshold to twice that (mallopt(3), M_MMAP_THRESHOLD).
 */
const GLIBC_MMAP_THRESHOLD_MAX = 32 * 1024 * 1024;

/** The hint block: under the ceiling with room for glibc's chunk header and page rounding. */
const HINT_BYTES = GLIBC_MMAP_THRESHOLD_MAX - 64 * 1024;

let hinted = false;

/**
 * Allocate and drop one untouched block just under glibc's ceiling, once per process. V8 frees dead
 * ArrayBuffers in batches at a collection; left at its first adjustment (a 1.2 MB trim threshold
 * after the first freed image), glibc returns most of each batch to the kernel and the next images
 * fault their pages in again. Once the block is freed, glibc keeps up to 64 MB of freed heap, as it
 * would after any 32 MB buffer came and went. Elsewhere the block is an untouched allocation, freed
 * at the next collection.
 */
function hintAllocator(alloc: AllocUnsafeSlow): void {
  if (hinted) return;
  hinted = true;
  alloc(HINT_BYTES);
}

/**
 * `bytes` of uninitialised memory (contents unspecified, its own ArrayBuffer, byteOffset 0), or
 * undefined where the runtime has no uninitialised allocation (browsers).
 */
export function uninitialisedBytes(bytes: number): Uint8Array | undefined {
  if (allocUnsafeSlow === undefined) return undefined;
  hintAllocator(allocUnsafeSlow);
  return allocUnsafeSlow(bytes);
}
