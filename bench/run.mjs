// `npm run bench -- NAME [options]`: runs bench/NAME.ts (built on the fly with esbuild) and prints its table.
// `npm run bench [-- --sizes 1k,10k --only store,imap --runs N]`: the whole suite (bench/lib/report-suite.ts):
// every bench at every size that fits, one table of Homing beside its peers, bench/results/latest.json.
// `npm run bench -- --table [FILE]`: prints the suite's table again from a results file.
// Benchmarks print numbers; they never assert on time.
import { build } from 'esbuild';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const available = readdirSync(join(root, 'bench')).filter((f) => f.endsWith('.ts')).map((f) => f.replace(/\.ts$/, ''));
const suite = args.length === 0 || args[0].startsWith('--');
const name = suite ? null : args[0];
if (!suite && !available.includes(name)) {
  console.error(`usage: npm run bench -- ${available.join('|') || 'NAME'} [options]\n       npm run bench [-- --sizes 1k,10k,100k] [--only ${available.join(',')}] [--runs N]`);
  process.exit(2);
}
const outdir = join(root, '.cache', 'bench');
mkdirSync(outdir, { recursive: true });
// The benches, the worker they may start and the suite runner, bundled like the app's own Node code.
const entryPoints = { worker: 'electron/sync/worker.ts' };
if (suite) {
  for (const bench of available) entryPoints[bench] = `bench/${bench}.ts`;
  entryPoints.suite = 'bench/lib/report-suite.ts';
} else {
  entryPoints[name] = `bench/${name}.ts`;
}
await build({
  absWorkingDir: root,
  entryPoints,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  packages: 'external',
  outdir,
  outExtension: { '.js': '.cjs' },
  logLevel: 'warning',
  // test/helpers/chromium.ts falls back when import.meta.dirname is empty (the ui bench is bundled as CJS).
  logOverride: { 'empty-import-meta': 'silent' },
});
const entry = join(outdir, `${suite ? 'suite' : name}.cjs`);
if (!existsSync(entry)) throw new Error(`bench build produced no ${entry}`);
if (suite) {
  const { runSuite, renderSuiteTable } = await import(pathToFileURL(entry).href);
  if (args[0] === '--table') {
    const file = args[1] ?? join(root, 'bench', 'results', 'latest.json');
    console.log(renderSuiteTable(JSON.parse(readFileSync(file, 'utf8'))));
  } else {
    await runSuite(args, root, outdir);
  }
} else {
  process.argv = [process.argv[0], entry, ...args.slice(1)];
  await import(pathToFileURL(entry).href);
}
