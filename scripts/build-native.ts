/**
 * Builds the optional native kernels (native/, a Node-API addon over oneDNN) with node-gyp:
 * `npm run build:native`. Needs a C++17 compiler, python3, make and oneDNN's headers and library
 * (Debian: `apt-get install -y libdnnl-dev`). Node's headers are taken from the installation that
 * runs this script when it ships them (no download); otherwise node-gyp fetches them. Exits
 * non-zero with the reason when the build fails; everything runs without the addon (pure wasm).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const NATIVE = path.join(ROOT, 'native');
const DNNL_HEADER = '/usr/include/oneapi/dnnl/dnnl.hpp';

/** The prefix holding include/node/node_api.h for this Node, or undefined. */
function localNodeDir(): string | undefined {
  const prefix = path.resolve(path.dirname(process.execPath), '..');
  return existsSync(path.join(prefix, 'include', 'node', 'node_api.h')) ? prefix : undefined;
}

const nodeGyp = createRequire(import.meta.url).resolve('node-gyp/bin/node-gyp.js');
const nodeDir = localNodeDir();
const args = [nodeGyp, 'rebuild', `--directory=${NATIVE}`, ...(nodeDir ? [`--nodedir=${nodeDir}`] : [])];
if (!existsSync(DNNL_HEADER)) console.warn(`${DNNL_HEADER} not found: install oneDNN (Debian: apt-get install -y libdnnl-dev)`);
const build = spawnSync(process.execPath, args, { stdio: 'inherit' });
if (build.status !== 0) {
  console.error(`native kernels did not build (node-gyp exit ${build.status}); the pure wasm kernels still work`);
  process.exit(build.status ?? 1);
}
console.log(`built ${path.join(NATIVE, 'build', 'Release', 'random_erasing_native.node')}`);
