// `npm run bench -- NAME [options]`: runs bench/NAME.ts (built on the fly with esbuild) and prints its table.
// Benchmarks print numbers; they never assert on time.
import { build } from 'esbuild';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const [name, ...rest] = process.argv.slice(2);
const available = readdirSync(join(root, 'bench')).filter((f) => f.endsWith('.ts')).map((f) => f.replace(/\.ts$/, ''));
if (!name || !available.includes(name)) {
  console.error(`usage: npm run bench -- ${available.join('|') || 'NAME'} [options]`);
  process.exit(2);
}
const outdir = join(root, '.cache', 'bench');
mkdirSync(outdir, { recursive: true });
// The bench and the worker it may start, bundled like the app's own Node code.
await build({
  absWorkingDir: root,
  entryPoints: { [name]: `bench/${name}.ts`, worker: 'electron/sync/worker.ts' },
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  packages: 'external',
  outdir,
  outExtension: { '.js': '.cjs' },
  logLevel: 'warning',
});
const entry = join(outdir, `${name}.cjs`);
if (!existsSync(entry)) throw new Error(`bench build produced no ${entry}`);
process.argv = [process.argv[0], entry, ...rest];
await import(pathToFileURL(entry).href);
