/**
 * Robust HTTP download into the cache: progress bar, retries, resume with HTTP Range (or restart
 * when the server ignores it), md5 check, and a temp file that is fsynced and atomically renamed, so
 * the final name only ever holds a complete, verified file.
 */
import { SingleBar } from 'cli-progress';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { md5File } from './files.js';

/** Options of {@link download}. */
export interface DownloadOptions {
  /** Expected md5 of the whole file; a mismatch discards the file and retries from scratch. */
  md5?: string;
  /** Extra attempts after the first one (default 3). */
  retries?: number;
  /** Wait before attempt k is `k * retryDelayMs` (default 1000). */
  retryDelayMs?: number;
  /** Show a progress bar on stderr (default: when stderr is a terminal). */
  progress?: boolean;
  /** Abandon an attempt when no byte arrives for this long (default 60,000 ms). */
  stallTimeoutMs?: number;
}

/** A failed download; `retryable` is false for answers that will not change (404, 403...). */
export class DownloadError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
    this.name = 'DownloadError';
  }
}

async function partSize(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch {
    return 0;
  }
}

function makeBar(enabled: boolean, label: string): SingleBar | null {
  if (!enabled) return null;
  return new SingleBar({
    format: `${label} [{bar}] {percentage}% | {doneMb}/{totalMb} MB | ETA {eta_formatted}`,
    stream: process.stderr,
    etaBuffer: 50,
    hideCursor: true,
  });
}

/** Progress-bar payload: bytes shown in MB. */
function megabytes(done: number, total: number): { doneMb: string; totalMb: string } {
  return { doneMb: (done / 1e6).toFixed(1), totalMb: total > 0 ? (total / 1e6).toFixed(1) : '?' };
}

function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/** Aborts a transfer when it is not kicked for `ms` milliseconds. */
class Watchdog {
  private readonly controller = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  readonly signal = this.controller.signal;

  constructor(private readonly ms: number) {
    this.kick();
  }

  kick(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.controller.abort(new Error(`stalled, no data for ${this.ms} ms`)), this.ms);
  }

  stop(): void {
    clearTimeout(this.timer);
  }
}

/** Request `url` from byte `offset`; returns the response once its status says bytes follow. */
async function request(url: string, part: string, offset: number, signal: AbortSignal): Promise<Response> {
  const response = await fetch(url, { headers: offset > 0 ? { Range: `bytes=${offset}-` } : {}, signal }).catch(
    (error: unknown) => {
      throw new DownloadError(`${url}: request failed (${(error as Error).message})`, true);
    },
  );
  if (response.status === 416) {
    // The partial file is not a prefix the server recognises: start over.
    await rm(part, { force: true });
    throw new DownloadError(`${url}: server rejected the resume range, restarting`, true);
  }
  if (response.status !== 200 && response.status !== 206) {
    await response.body?.cancel();
    throw new DownloadError(`${url}: HTTP ${response.status} ${response.statusText}`, isRetryableStatus(response.status));
  }
  return response;
}

/** Append the response body to `part`, fsync it, and return the number of bytes now in the file. */
async function writeBody(response: Response, part: string, offset: number, bar: SingleBar | null, watchdog: Watchdog): Promise<number> {
  const handle = await open(part, offset > 0 ? 'a' : 'w');
  let received = offset;
  try {
    const reader = response.body?.getReader();
    for (let chunk = await reader?.read(); chunk && !chunk.done; chunk = await reader?.read()) {
      watchdog.kick();
      await handle.write(chunk.value);
      received += chunk.value.length;
      bar?.update(received, megabytes(received, bar.getTotal()));
    }
    await handle.sync();
  } catch (error) {
    const reason = watchdog.signal.aborted ? (watchdog.signal.reason as Error) : (error as Error);
    throw new DownloadError(`${response.url}: connection lost after ${received} bytes (${reason.message})`, true);
  } finally {
    await handle.close();
  }
  return received;
}

/** One attempt: resume from the bytes already in `part` (or restart when the server ignores Range). */
async function attempt(url: string, part: string, bar: SingleBar | null, stallMs: number): Promise<void> {
  let offset = await partSize(part);
  const watchdog = new Watchdog(stallMs);
  try {
    const response = await request(url, part, offset, watchdog.signal);
    if (response.status === 200) offset = 0;
    const length = Number(response.headers.get('content-length') ?? NaN);
    const total = Number.isFinite(length) ? offset + length : 0;
    bar?.start(total, offset, megabytes(offset, total));
    const received = await writeBody(response, part, offset, bar, watchdog).finally(() => bar?.stop());
    if (total > 0 && received !== total) {
      throw new DownloadError(`${url}: truncated, received ${received} of ${total} bytes`, true);
    }
  } finally {
    watchdog.stop();
  }
}

async function verify(part: string, url: string, expected: string | undefined): Promise<void> {
  if (expected === undefined) return;
  const actual = await md5File(part);
  if (actual !== expected) {
    await rm(part, { force: true });
    throw new DownloadError(`${url}: md5 mismatch, expected ${expected}, got ${actual}`, true);
  }
}

/**
 * Download `url` to `dest`. Bytes go to `dest + '.part'`; an interrupted attempt is resumed with an
 * HTTP Range request. Once complete and verified, the file is fsynced and renamed to `dest`. If every
 * attempt fails, the partial file is removed and the last error is thrown.
 */
export async function download(url: string, dest: string, options: DownloadOptions = {}): Promise<void> {
  const retries = options.retries ?? 3;
  const delay = options.retryDelayMs ?? 1000;
  const part = `${dest}.part`;
  const bar = makeBar(options.progress ?? process.stderr.isTTY === true, `downloading ${url}`);
  await mkdir(dirname(dest), { recursive: true });
  let lastError: DownloadError | null = null;
  for (let k = 0; k <= retries; k++) {
    if (k > 0) await new Promise((resolve) => setTimeout(resolve, k * delay));
    try {
      await attempt(url, part, bar, options.stallTimeoutMs ?? 60_000);
      await verify(part, url, options.md5);
      await rename(part, dest);
      return;
    } catch (error) {
      lastError = error instanceof DownloadError ? error : new DownloadError(`${url}: ${(error as Error).message}`, false);
      if (!lastError.retryable) break;
    }
  }
  await rm(part, { force: true });
  throw new DownloadError(`download of ${url} to ${dest} failed: ${lastError?.message}`, false);
}
