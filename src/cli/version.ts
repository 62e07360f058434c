/** The package's version, read from its package.json (two folders above this file, in src/ and in dist/). */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** `version` of the package.json of this installation. */
export function packageVersion(): string {
  const file = fileURLToPath(new URL('../../package.json', import.meta.url));
  return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
}
