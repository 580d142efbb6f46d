// Bundles the Node-side entry points (Electron main, preload, sync worker, CLI, dev-web bridge) with esbuild.
// Output: dist/node/*.cjs. CommonJS throughout: a sandboxed preload cannot be an ES module, and one format
// keeps `__dirname`-relative paths (worker.cjs beside main.cjs and homing.cjs) simple.
import { build } from 'esbuild';
import { chmod, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// `--outdir DIR` lets test runs build into a private folder, so parallel runs never read a half-written bundle.
const outdirArg = process.argv.indexOf('--outdir');
const outdir = outdirArg > 0 ? process.argv[outdirArg + 1] : join(root, 'dist', 'node');

const common = {
  absWorkingDir: root,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: 'linked',
  logLevel: 'warning',
  outdir,
  outExtension: { '.js': '.cjs' },
};

await rm(outdir, { recursive: true, force: true });
await Promise.all([
  // Dependencies stay in node_modules (better-sqlite3 is native; electron-builder packs the rest).
  build({
    ...common,
    packages: 'external',
    plugins: [bundleEsm('zod'), bundleImapflow()],
    banner: { js: '#!/usr/bin/env node' }, // homing.cjs is the CLI's bin; harmless in the others
    entryPoints: {
      main: 'electron/main.ts',
      worker: 'electron/sync/worker.ts',
      // MIME parsing threads started by the sync worker (electron/sync/parse-pool.ts).
      'parse-worker': 'electron/sync/parse-worker.ts',
      // The WAL checkpoint thread started by the sync worker (electron/sync/wal-checkpointer.ts).
      'checkpoint-worker': 'electron/sync/checkpoint-worker.ts',
      'homing-cli': 'electron/cli/main.ts',
      'dev-web': 'electron/bridge/dev-web.ts',
    },
  }),
  // The `homing` executable (electron/cli/launcher.ts) turns on the runtime's compile cache, then requires
  // homing-read.cjs (electron/cli/entry.ts), which answers the reading commands itself and requires
  // homing-cli.cjs (every command, through the mail service) for the rest. better-sqlite3's JavaScript is
  // bundled into homing-read.cjs (its native binding stays in node_modules, opened by path:
  // electron/store/native-binding.ts): a dozen small files fewer to find and compile at every start.
  build({
    ...common,
    packages: 'external',
    banner: { js: '#!/usr/bin/env node' },
    entryPoints: { homing: 'electron/cli/launcher.ts', 'homing-read': 'electron/cli/entry.ts' },
    plugins: [bundlePackage('better-sqlite3')],
  }),
  // The preload runs sandboxed, where only `electron` can be required: bundle everything else into it.
  build({ ...common, external: ['electron'], entryPoints: { preload: 'electron/preload.ts' } }),
]);
await chmod(join(outdir, 'homing.cjs'), 0o755);

/** Bundles one package that `packages: 'external'` would leave in node_modules (its own dependencies stay there). */
function bundlePackage(name) {
  const path = createRequire(join(root, 'package.json')).resolve(name);
  return { name: `bundle-${name}`, setup: (b) => b.onResolve({ filter: new RegExp(`^${name}$`) }, () => ({ path })) };
}

/**
 * Bundles a package from its ES module build, of which esbuild keeps only what the code uses. zod's
 * CommonJS build, required from node_modules, loads every locale it has: ~40% of the whole CLI's start.
 */
function bundleEsm(name) {
  const path = fileURLToPath(import.meta.resolve(name));
  return { name: `bundle-esm-${name}`, setup: (b) => b.onResolve({ filter: new RegExp(`^${name}$`) }, () => ({ path })) };
}

/**
 * Bundles imapflow with two of the packages it requires when it loads replaced: pino (its default logger,
 * never used: every connection is given ours) and socks (SOCKS proxies, never used here; loaded on first
 * use). Together they were ~65 ms of the sync worker's start, paid by every sync and the first screenful.
 */
function bundleImapflow() {
  const resolve = createRequire(join(root, 'package.json')).resolve;
  const imapflow = resolve('imapflow');
  const inImapflow = (importer) => importer.startsWith(dirname(imapflow));
  const stubs = { pino: join(root, 'build', 'imapflow', 'pino-never-used.cjs'), socks: join(root, 'build', 'imapflow', 'socks-on-first-use.cjs') };
  return {
    name: 'bundle-imapflow',
    setup(b) {
      b.onResolve({ filter: /^imapflow$/ }, () => ({ path: imapflow }));
      b.onResolve({ filter: /^(pino|socks)$/ }, (args) => (inImapflow(args.importer) ? { path: stubs[args.path] } : undefined));
    },
  };
}
