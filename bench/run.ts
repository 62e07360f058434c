/**
 * Benchmarks: `npm run bench [section ...]`. Each section is a module in this folder exporting
 * `run(): Promise<void>` that prints its own figures. With no argument every section runs but those
 * run on request only (`webgpu`: minutes a step on a software adapter; see bench/webgpu-gpu.sh).
 */
const SECTIONS = ['core', 'engine', 'loader', 'models', 'layer', 'detection', 'webgpu'] as const;
const ON_REQUEST: readonly string[] = ['webgpu'];

const wanted = process.argv.slice(2);
for (const name of wanted) {
  if (!(SECTIONS as readonly string[]).includes(name)) {
    console.error(`unknown bench section '${name}'; expected one of: ${SECTIONS.join(', ')}`);
    process.exit(2);
  }
}
for (const name of wanted.length > 0 ? wanted : SECTIONS.filter((s) => !ON_REQUEST.includes(s))) {
  console.log(`\n=== ${name} ===`);
  const section = (await import(`./${name}.js`)) as { run: () => Promise<void> };
  await section.run();
}
