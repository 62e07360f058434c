/**
 * Safe extraction of a .tar.gz archive whose member list is known in advance. Only the expected
 * files (and their folder) are accepted; any other name, absolute or `..` path, link or special file
 * aborts the extraction. Files go to a temporary folder that is renamed into place once complete, so
 * a failed extraction leaves nothing behind.
 */
import { createReadStream } from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { extract, type Header } from 'tar-stream';
import { DataError } from './dataset.js';

/** The members an archive must contain: files directly under one root folder. */
export interface ArchiveLayout {
  /** The top folder, e.g. `cifar-10-batches-bin`. */
  readonly root: string;
  /** File names inside the root folder; every one must be present, nothing else may be. */
  readonly files: readonly string[];
}

/** A member the layout does not allow. */
class Refusal extends Error {}

/** Check one header and return the file name it extracts to, or null for the root folder entry. */
function checkMember(header: Header, layout: ArchiveLayout): string | null {
  const name = header.name.replace(/^\.\//, '');
  if (name.startsWith('/') || /^[A-Za-z]:/.test(name) || name.includes('\\')) {
    throw new Refusal(`refusing member '${header.name}': absolute path`);
  }
  if (name.split('/').includes('..')) throw new Refusal(`refusing member '${header.name}': '..' in path`);
  if (header.type === 'directory') {
    if (name.replace(/\/$/, '') === layout.root) return null;
    throw new Refusal(`refusing unexpected folder '${header.name}'`);
  }
  if (header.type !== 'file' && header.type !== 'contiguous-file') {
    throw new Refusal(`refusing member '${header.name}' of type ${header.type} (only regular files are extracted)`);
  }
  const file = name.startsWith(`${layout.root}/`) ? name.slice(layout.root.length + 1) : '';
  if (!layout.files.includes(file)) throw new Refusal(`refusing unexpected member '${header.name}'`);
  return file;
}

async function writeSynced(path: string, entry: AsyncIterable<Uint8Array>): Promise<void> {
  const handle = await open(path, 'wx');
  try {
    for await (const chunk of entry) await handle.write(chunk);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Stream the archive's members into `temp`, checking each; returns the files written. */
async function extractMembers(archive: string, temp: string, layout: ArchiveLayout): Promise<Set<string>> {
  const seen = new Set<string>();
  const tar = extract();
  const feedError = pipeline(createReadStream(archive), createGunzip(), tar).then(
    () => null,
    (error: Error) => error,
  );
  try {
    for await (const entry of tar) {
      const file = checkMember(entry.header, layout);
      if (file === null) {
        entry.resume();
        continue;
      }
      if (seen.has(file)) throw new Refusal(`duplicate member '${entry.header.name}'`);
      seen.add(file);
      // streamx streams are async-iterable at run time; its typings do not say so.
      await writeSynced(join(temp, file), entry as unknown as AsyncIterable<Uint8Array>);
    }
  } catch (error) {
    if (error instanceof Refusal) throw error;
    // A read or gunzip failure reaches the loop as a destroyed stream: report its cause instead.
    throw (await feedError) ?? error;
  }
  const error = await feedError;
  if (error) throw error;
  return seen;
}

/**
 * Extract `archive` into `parent/<layout.root>`, replacing nothing until every expected member has
 * been written. Errors are {@link DataError}s naming the archive.
 */
export async function extractArchive(archive: string, parent: string, layout: ArchiveLayout): Promise<string> {
  const target = join(parent, layout.root);
  const temp = `${target}.tmp-${process.pid}`;
  await rm(temp, { recursive: true, force: true });
  await mkdir(temp, { recursive: true });
  try {
    const seen = await extractMembers(archive, temp, layout);
    const missing = layout.files.filter((file) => !seen.has(file));
    if (missing.length > 0) throw new Error(`missing members ${missing.join(', ')}`);
    await rm(target, { recursive: true, force: true });
    await rename(temp, target);
    return target;
  } catch (error) {
    await rm(temp, { recursive: true, force: true });
    throw new DataError(archive, `cannot extract: ${(error as Error).message}`);
  }
}
