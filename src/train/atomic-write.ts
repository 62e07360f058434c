/**
 * Crash-safe file writes: the bytes go to a temporary file next to the target, are flushed to disk,
 * and only then renamed over the target. A failure at any point leaves the previous file untouched.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';

/** A write that failed; the previous content of `path` is intact. */
export class WriteError extends Error {
  constructor(
    readonly path: string,
    cause: unknown,
  ) {
    super(`could not write ${path}: ${(cause as Error)?.message ?? String(cause)} (the previous file, if any, is unchanged)`, {
      cause,
    });
    this.name = 'WriteError';
  }
}

/** Write `data` to `file` atomically (temp file, fsync, rename, fsync of the directory). */
export async function writeFileAtomic(file: string, data: string | Uint8Array): Promise<void> {
  const temp = `${file}.tmp`;
  try {
    const handle = await fs.open(temp, 'w');
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(temp, file);
    await syncDirectory(path.dirname(file));
  } catch (error) {
    await fs.rm(temp, { force: true }).catch(() => undefined);
    throw new WriteError(file, error);
  }
}

async function syncDirectory(dir: string): Promise<void> {
  const handle = await fs.open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
