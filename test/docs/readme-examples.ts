/**
 * README examples as programs: the ```ts blocks of a README section, their `random-erasing/<layer>`
 * imports pointed at this checkout's sources, type-checked and run.
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The ```ts blocks of the README section whose heading is `heading` (up to the next heading of its level). */
export async function sectionBlocks(heading: string): Promise<string[]> {
  const readme = await readFile(path.join(ROOT, 'README.md'), 'utf8');
  const level = heading.match(/^#+/)?.[0] ?? '';
  const start = readme.indexOf(`\n${heading}\n`);
  if (start < 0) throw new Error(`README has no section '${heading}'`);
  const end = readme.indexOf(`\n${level} `, start + heading.length + 2);
  const section = readme.slice(start, end < 0 ? undefined : end);
  return [...section.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);
}

/** A block with `random-erasing` and `random-erasing/<layer>` imports pointing at src/. */
function localImports(code: string): string {
  return code.replace(/from '(random-erasing(?:\/(\w+))?)'/g, (_, _name, layer: string | undefined) => {
    const target = path.join(ROOT, 'src', layer ?? '', 'index.js');
    return `from ${JSON.stringify(target)}`;
  });
}

/** Write each block as a module in a fresh folder; returns their paths. */
export async function writeBlocks(blocks: readonly string[]): Promise<string[]> {
  const dir = await mkdtemp(path.join(tmpdir(), 're-readme-'));
  return Promise.all(
    blocks.map(async (code, i) => {
      const file = path.join(dir, `example-${i}.mts`);
      // .mts: an ES module wherever it lies, so top-level await is allowed.
      await writeFile(file, localImports(code));
      return file;
    }),
  );
}

/** TypeScript errors in the given files, checked with the project's compiler options. */
export function typeErrors(files: readonly string[]): string[] {
  const config = ts.readConfigFile(path.join(ROOT, 'tsconfig.json'), ts.sys.readFile);
  const { options } = ts.parseJsonConfigFileContent(config.config, ts.sys, ROOT);
  const program = ts.createProgram(files, { ...options, noEmit: true, rootDir: undefined });
  return files.flatMap((file) =>
    ts.getPreEmitDiagnostics(program, program.getSourceFile(file)).map((d) => {
      const where = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : undefined;
      return `${path.basename(file)}:${where ? where.line + 1 : '?'}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
    }),
  );
}

/** Run a block module with console.log silenced; its errors propagate. */
export async function runBlock(file: string): Promise<void> {
  const log = console.log;
  console.log = () => undefined;
  try {
    await import(pathToFileURL(file).href);
  } finally {
    console.log = log;
  }
}
