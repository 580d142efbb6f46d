// Gets better-sqlite3 for Electron's ABI into dist/electron-native/, leaving node_modules' Node build in
// place: the app loads this one (via better-sqlite3's `nativeBinding` option), while the CLI and the tests
// keep using the Node build. So `npm start` and `npm test` work in either order on one checkout.
//
// First the build better-sqlite3 publishes for this Electron version, platform and architecture
// (prebuild-install, as better-sqlite3's own install and electron-builder's rebuild do), so most people need
// no compiler; only where none is published, node-gyp compiles it (Python 3 and a C++ toolchain: README,
// "Building the installers"). Needs the network once; skipped when the build for this Electron exists.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Copies better-sqlite3 without its Node build (build/), so whatever lands in build/ is the Electron one. */
function cleanCopy(sqliteDir, work) {
  rmSync(work, { recursive: true, force: true });
  const nodeBuild = join(sqliteDir, 'build');
  cpSync(sqliteDir, work, { recursive: true, filter: (src) => src !== nodeBuild && !src.startsWith(nodeBuild + sep) });
}

/** Downloads the published Electron build into work/build/Release; false when there is none (or no network). */
export function fetchPrebuilt({ work, prebuildInstall, electronVersion, platform = process.platform, arch = process.arch, env = process.env, log = console.log }) {
  try {
    execFileSync(process.execPath, [prebuildInstall, '--runtime=electron', `--target=${electronVersion}`, `--platform=${platform}`, `--arch=${arch}`], {
      cwd: work,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (error) {
    log(`electron-native: no published build of better-sqlite3 for Electron ${electronVersion} (${platform}-${arch}): ${String(error.stderr ?? error.message).trim().split('\n').at(-1)}`);
    return false;
  }
  return existsSync(join(work, 'build', 'Release', 'better_sqlite3.node'));
}

/** Compiles it with node-gyp (as shipped with npm) against Electron's headers. */
export function compileWithNodeGyp({ work, electronVersion, env = process.env }) {
  // npm_execpath points at npm's CLI when this runs through npm (npm start), whose node-gyp it uses.
  const npmCli = env.npm_execpath;
  const nodeGyp = npmCli ? join(dirname(npmCli), '..', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js') : null;
  if (!nodeGyp || !existsSync(nodeGyp)) throw new Error('electron-native: run this through npm (npm start), which provides node-gyp.');
  // npm_config_nodedir (set on some machines) would point node-gyp at Node's headers instead of Electron's.
  const gypEnv = { ...env };
  delete gypEnv.npm_config_nodedir;
  execFileSync(
    process.execPath,
    [nodeGyp, 'rebuild', '--release', `--target=${electronVersion}`, '--runtime=electron', '--dist-url=https://electronjs.org/headers'],
    { cwd: work, env: gypEnv, stdio: 'inherit' },
  );
}

/**
 * Puts better_sqlite3.node for Electron into outDir (with a stamp naming the versions and where it came
 * from), unless the stamp says it is there already. Returns 'present', 'prebuilt' or 'compiled'.
 */
export function ensureElectronSqlite({
  sqliteDir,
  electronVersion,
  outDir,
  workDir,
  prebuildInstall,
  fetch = fetchPrebuilt,
  compile = compileWithNodeGyp,
  env = process.env,
  log = console.log,
}) {
  const sqliteVersion = JSON.parse(readFileSync(join(sqliteDir, 'package.json'), 'utf8')).version;
  const stamp = join(outDir, 'stamp.json');
  const wanted = { electronVersion, sqliteVersion };
  if (existsSync(stamp) && existsSync(join(outDir, 'better_sqlite3.node'))) {
    const found = JSON.parse(readFileSync(stamp, 'utf8'));
    if (found.electronVersion === electronVersion && found.sqliteVersion === sqliteVersion) return 'present';
  }
  cleanCopy(sqliteDir, workDir);
  let source = 'prebuilt';
  if (!fetch({ work: workDir, prebuildInstall, electronVersion, env, log })) {
    log(`electron-native: compiling better-sqlite3 ${sqliteVersion} for Electron ${electronVersion} (needs Python 3 and a C++ toolchain) ...`);
    cleanCopy(sqliteDir, workDir);
    compile({ work: workDir, electronVersion, env });
    source = 'compiled';
  }
  mkdirSync(outDir, { recursive: true });
  cpSync(join(workDir, 'build', 'Release', 'better_sqlite3.node'), join(outDir, 'better_sqlite3.node'));
  writeFileSync(stamp, JSON.stringify({ ...wanted, source }));
  log(`electron-native: better-sqlite3 ${sqliteVersion} for Electron ${electronVersion} (${source}) in ${outDir}`);
  return source;
}

if (process.argv[1]?.endsWith('electron-native.mjs')) {
  const require = createRequire(join(root, 'package.json'));
  const sqliteDir = dirname(require.resolve('better-sqlite3/package.json'));
  try {
    ensureElectronSqlite({
      sqliteDir,
      electronVersion: JSON.parse(readFileSync(require.resolve('electron/package.json'), 'utf8')).version,
      outDir: join(root, 'dist', 'electron-native'),
      workDir: join(root, '.cache', 'electron-native', 'better-sqlite3'),
      // prebuild-install is better-sqlite3's own dependency (its install script uses it).
      prebuildInstall: createRequire(join(sqliteDir, 'package.json')).resolve('prebuild-install/bin.js'),
    });
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  }
}
