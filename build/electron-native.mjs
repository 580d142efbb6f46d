// Builds better-sqlite3 for Electron's ABI into dist/electron-native/, leaving node_modules' Node build in
// place: the app loads this one (via better-sqlite3's `nativeBinding` option), while the CLI and the tests
// keep using the Node build. So `npm start` and `npm test` work in either order on one checkout.
// Needs the network once (Electron's headers); skipped when the build for this Electron version exists.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));
const electronVersion = JSON.parse(readFileSync(require.resolve('electron/package.json'), 'utf8')).version;
const sqliteDir = dirname(require.resolve('better-sqlite3/package.json'));
const sqliteVersion = JSON.parse(readFileSync(join(sqliteDir, 'package.json'), 'utf8')).version;
const outDir = join(root, 'dist', 'electron-native');
const stamp = join(outDir, 'stamp.json');
const wanted = JSON.stringify({ electronVersion, sqliteVersion });

if (existsSync(stamp) && readFileSync(stamp, 'utf8') === wanted) process.exit(0);

const work = join(root, '.cache', 'electron-native', 'better-sqlite3');
rmSync(work, { recursive: true, force: true });
// Without the Node build (build/): node-gyp makes the Electron one from a clean tree.
const nodeBuild = join(sqliteDir, 'build');
cpSync(sqliteDir, work, { recursive: true, filter: (src) => src !== nodeBuild && !src.startsWith(nodeBuild + sep) });

// node-gyp as shipped with npm; npm_config_nodedir (set on some machines) would point it at Node's headers.
const npmCli = process.env.npm_execpath;
const nodeGyp = npmCli ? join(dirname(npmCli), '..', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js') : null;
if (!nodeGyp || !existsSync(nodeGyp)) {
  console.error('electron-native: run this through npm (npm start), which provides node-gyp.');
  process.exit(1);
}
const env = { ...process.env };
delete env.npm_config_nodedir;
console.log(`electron-native: building better-sqlite3 ${sqliteVersion} for Electron ${electronVersion} ...`);
execFileSync(
  process.execPath,
  [nodeGyp, 'rebuild', '--release', `--target=${electronVersion}`, '--runtime=electron', '--dist-url=https://electronjs.org/headers'],
  { cwd: work, env, stdio: 'inherit' },
);
mkdirSync(outDir, { recursive: true });
cpSync(join(work, 'build', 'Release', 'better_sqlite3.node'), join(outDir, 'better_sqlite3.node'));
writeFileSync(stamp, wanted);
