/** File-system helpers shared by the dataset readers: md5, existence, the cache directory. */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { access } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** Hex md5 of a buffer. */
export function md5(data: Uint8Array): string {
  return createHash('md5').update(data).digest('hex');
}

/** Hex md5 of a file, streamed. */
export async function md5File(path: string): Promise<string> {
  const hash = createHash('md5');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Whether a path exists. */
export async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

/** The download cache: `$XDG_CACHE_HOME/random-erasing`, else `~/.cache/random-erasing`. */
export function defaultCacheDir(): string {
  const xdg = process.env.XDG_CACHE_HOME;
  return join(xdg && xdg.length > 0 ? xdg : join(homedir(), '.cache'), 'random-erasing');
}
