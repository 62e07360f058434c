/**
 * Benchmarks: `npm run bench [section [argument ...] ...]`. Each section is a module in this folder
 * exporting `run(args): Promise<void>` that prints its own figures; the words after a section name, up
 * to the next section name, are its arguments (flags need `npm run bench -- ...`). With no section the
 * quick ones run; `fidelity` (hours) runs only when named.
 */
const QUICK = ['core', 'engine', 'loader', 'models'] as const;
const SECTIONS: readonly string[] = [...QUICK, 'fidelity'];

const plan: Array<{ name: string; args: string[] }> = [];
for (const word of process.argv.slice(2)) {
  if (SECTIONS.includes(word)) plan.push({ name: word, args: [] });
  else if (plan.length > 0) plan[plan.length - 1].args.push(word);
  else {
    console.error(`unknown bench section '${word}'; expected one of: ${SECTIONS.join(', ')}`);
    process.exit(2);
  }
}
const extra = plan.find((s) => s.args.length > 0 && s.name !== 'fidelity');
if (extra) {
  console.error(`bench section '${extra.name}' takes no arguments, got: ${extra.args.join(' ')}`);
  process.exit(2);
}
for (const { name, args } of plan.length > 0 ? plan : QUICK.map((name) => ({ name, args: [] }))) {
  console.log(`\n=== ${name} ===`);
  const section = (await import(`./${name}.js`)) as { run: (args: string[]) => Promise<void> };
  await section.run(args);
}
