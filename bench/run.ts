/**
 * Benchmarks: `npm run bench [section ...]`. Each section is a module in this folder exporting
 * `run(): Promise<void>` that prints its own figures. With no argument every section runs.
 */
const SECTIONS = ['core', 'engine', 'loader', 'models', 'layer', 'detection'] as const;

const wanted = process.argv.slice(2);
for (const name of wanted) {
  if (!(SECTIONS as readonly string[]).includes(name)) {
    console.error(`unknown bench section '${name}'; expected one of: ${SECTIONS.join(', ')}`);
    process.exit(2);
  }
}
for (const name of wanted.length > 0 ? wanted : SECTIONS) {
  console.log(`\n=== ${name} ===`);
  const section = (await import(`./${name}.js`)) as { run: () => Promise<void> };
  await section.run();
}
