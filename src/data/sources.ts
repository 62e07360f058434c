/** Where dataset files are looked for, and the options shared by every dataset source. */
import { join } from 'node:path';
import { defaultCacheDir } from './files.js';
import type { Split } from './dataset.js';

/** Options shared by the dataset sources (the `loadDataset` options). */
export interface SourceOptions {
  /** Which split to load (default `train`). */
  split?: Split;
  /** A directory searched first (the CLI's `--data-dir`). */
  dataDir?: string;
  /** Download missing files into the cache (default true). */
  download?: boolean;
  /** Check md5 sums (default true); turn off for custom data in an official format. */
  verify?: boolean;
  /** Download cache (default `$XDG_CACHE_HOME/random-erasing` or `~/.cache/random-erasing`). */
  cacheDir?: string;
  /** Base URL of the download mirror (default: the dataset's official site). */
  mirror?: string;
  /** Progress bar while downloading (default: when stderr is a terminal). */
  progress?: boolean;
  /** Download retries (default 3) and the delay unit between them in ms (default 1000). */
  retries?: number;
  retryDelayMs?: number;
  /** Overrides the system-wide location (e.g. /usr/share/datasets/fashion-mnist); `null` skips it. */
  systemDir?: string | null;
}

/** The dataset's folder inside the download cache. */
export function cacheFolder(name: string, options: SourceOptions): string {
  return join(options.cacheDir ?? defaultCacheDir(), name);
}

/**
 * Directories to search, in order: the explicit `dataDir`, `$RE_DATA_DIR` (each as is and with a
 * `name` subfolder), the system location, then the cache folder.
 */
export function searchDirs(name: string, options: SourceOptions, systemDir: string | null): string[] {
  const dirs: string[] = [];
  const env = process.env.RE_DATA_DIR;
  for (const base of [options.dataDir, env && env.length > 0 ? env : undefined]) {
    if (base !== undefined) dirs.push(base, join(base, name));
  }
  const system = options.systemDir === undefined ? systemDir : options.systemDir;
  if (system !== null) dirs.push(system);
  dirs.push(cacheFolder(name, options));
  return dirs;
}
