// npm run bench [-- NAME ... | --quick]: runs the benchmarks, prints tables, writes bench/results/*.json.
const all = ['core', 'flags', 'jobs', 'deploy'];
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const chosen = args.filter((a) => !a.startsWith('--'));
for (const name of chosen.length ? chosen : all) {
  if (!all.includes(name)) {
    console.error(`unknown benchmark "${name}"; choose from ${all.join(', ')}`);
    process.exit(2);
  }
  const mod = await import(`./${name}.bench.js`);
  await mod.run({ quick });
}
