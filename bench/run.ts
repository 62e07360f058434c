/**
 * Benchmarks: `npm run bench [section [argument ...] ...]`. Each section is a module in this folder
 * exporting `run(args): Promise<void>` that prints its own figures; the words after a section name, up
 * to the next section name, are its arguments (flags need `npm run bench -- ...`). With no section every
 * section runs but those run on request only: `webgpu` (minutes a step on a software adapter; see
 * bench/webgpu-gpu.sh) and `fidelity` (hours).
 */
const SECTIONS: readonly string[] = ['core', 'engine', 'loader', 'models', 'layer', 'detection', 'webgpu', 'fidelity'];
const ON_REQUEST: readonly string[] = ['webgpu', 'fidelity'];
const TAKES_ARGUMENTS: readonly string[] = ['fidelity'];

const plan: Array<{ name: string; args: string[] }> = [];
for (const word of process.argv.slice(2)) {
  if (SECTIONS.includes(word)) plan.push({ name: word, args: [] });
  else if (plan.length > 0) plan[plan.length - 1].args.push(word);
  else {
    console.error(`unknown bench section '${word}'; expected one of: ${SECTIONS.join(', ')}`);
    process.exit(2);
  }
}
const extra = plan.find((s) => s.args.length > 0 && !TAKES_ARGUMENTS.includes(s.name));
if (extra) {
  console.error(`bench section '${extra.name}' takes no arguments, got: ${extra.args.join(' ')}`);
  process.exit(2);
}
const quick = SECTIONS.filter((s) => !ON_REQUEST.includes(s)).map((name) => ({ name, args: [] }));
for (const { name, args } of plan.length > 0 ? plan : quick) {
  console.log(`\n=== ${name} ===`);
  const section = (await import(`./${name}.js`)) as { run: (args: string[]) => Promise<void> };
  await section.run(args);
}
