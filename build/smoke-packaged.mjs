// Starts what `npm run dist` built, once, on a fresh data directory. Run by the release workflow after
// `npm run dist` (under xvfb-run on Linux). Playwright cannot drive the packaged app: its inspect fuse is off.
//
//   node build/smoke-packaged.mjs unpacked    the unpacked app (release/*-unpacked, or the .app on macOS)
//   node build/smoke-packaged.mjs appimage    release/*.AppImage itself, through its runtime and AppRun
//   node build/smoke-packaged.mjs installed   /usr/bin/homing-desktop, as the deb or rpm installed it
//   node build/smoke-packaged.mjs cli [CMD]   the `homing` command: CMD (e.g. `homing` from PATH), or the
//                                              unpacked app's launcher (resources/cli/homing[.cmd])
//
// The app modes set HOMING_SMOKE_CHECK=1: the app waits for its window to show the first-run screen, prints
// "homing: smoke check passed" and quits; exit 0 only then. The cli mode runs `--version` and
// `account list --json` (which opens the store with the packaged better-sqlite3) and expects `[]`.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const release = join(root, 'release');
const TIMEOUT_MS = 180_000;

/** Where electron-builder leaves the unpacked app for this platform and architecture. */
export function unpackedExecutable(platform, arch, dir = release) {
  if (platform === 'darwin') {
    return [join(dir, `mac-${arch}`), join(dir, 'mac')].map((d) => join(d, 'Homing.app', 'Contents', 'MacOS', 'Homing')).find(existsSync) ?? null;
  }
  if (platform === 'win32') {
    return [join(dir, 'win-unpacked', 'Homing.exe'), join(dir, `win-${arch}-unpacked`, 'Homing.exe')].find(existsSync) ?? null;
  }
  return [join(dir, 'linux-unpacked', 'homing-desktop'), join(dir, `linux-${arch}-unpacked`, 'homing-desktop')].find(existsSync) ?? null;
}

/** The `homing` launcher inside the unpacked app (build/cli/, shipped as resources/cli/). */
export function unpackedLauncher(platform, arch, dir = release) {
  const executable = unpackedExecutable(platform, arch, dir);
  if (!executable) return null;
  if (platform === 'darwin') return join(dirname(dirname(executable)), 'Resources', 'cli', 'homing');
  return join(dirname(executable), 'resources', 'cli', platform === 'win32' ? 'homing.cmd' : 'homing');
}

/** Runs a program to its end: its exit code and everything it printed (echoed as it comes). */
function runToEnd(command, args, env) {
  return new Promise((resolve) => {
    // A .cmd runs through cmd.exe on Windows.
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'], shell: command.endsWith('.cmd') });
    const decoder = new StringDecoder('utf8');
    let output = '';
    const collect = (chunk) => {
      const text = decoder.write(chunk);
      output += text;
      process.stdout.write(text);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    const timer = setTimeout(() => {
      console.error(`smoke-packaged: no answer after ${TIMEOUT_MS / 1000} s`);
      child.kill();
    }, TIMEOUT_MS);
    child.on('error', (error) => {
      clearTimeout(timer);
      resolve({ code: null, output: `${output}\n${error.message}` });
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? signal, output });
    });
  });
}

async function smokeApp(executable) {
  const dataDir = mkdtempSync(join(tmpdir(), 'homing-smoke-'));
  console.log(`smoke-packaged: starting ${executable}`);
  const { code, output } = await runToEnd(executable, [], { ...process.env, HOMING_SMOKE_CHECK: '1', HOMING_DATA_DIR: dataDir });
  rmSync(dataDir, { recursive: true, force: true });
  const passed = code === 0 && output.includes('homing: smoke check passed');
  console.log(`smoke-packaged: exit ${code}; ${passed ? 'passed' : 'FAILED'}`);
  return passed;
}

async function smokeCli(command) {
  const dataDir = mkdtempSync(join(tmpdir(), 'homing-smoke-cli-'));
  const env = { ...process.env, HOMING_DATA_DIR: dataDir };
  console.log(`smoke-packaged: running ${command}`);
  const version = await runToEnd(command, ['--version'], env);
  const list = await runToEnd(command, ['account', 'list', '--json'], env);
  rmSync(dataDir, { recursive: true, force: true });
  const passed = version.code === 0 && /^homing \d/m.test(version.output) && list.code === 0 && list.output.trim() === '[]';
  console.log(`smoke-packaged: homing --version exit ${version.code}, account list exit ${list.code}; ${passed ? 'passed' : 'FAILED'}`);
  return passed;
}

if (process.argv[1]?.endsWith('smoke-packaged.mjs')) {
  const [mode = 'unpacked', command] = process.argv.slice(2);
  const fail = (message) => {
    console.error(`smoke-packaged: ${message}`);
    process.exit(1);
  };
  let passed;
  if (mode === 'unpacked') {
    const executable = unpackedExecutable(process.platform, process.arch);
    if (!executable) fail(`no unpacked app under ${release} (run npm run dist first)`);
    passed = await smokeApp(executable);
  } else if (mode === 'appimage') {
    const image = existsSync(release) ? readdirSync(release).find((f) => f.endsWith('.AppImage')) : undefined;
    if (!image) fail(`no AppImage under ${release}`);
    passed = await smokeApp(join(release, image));
  } else if (mode === 'installed') {
    if (!existsSync('/usr/bin/homing-desktop')) fail('/usr/bin/homing-desktop is missing: install the deb or rpm first');
    passed = await smokeApp('/usr/bin/homing-desktop');
  } else if (mode === 'cli') {
    const launcher = command ?? unpackedLauncher(process.platform, process.arch);
    if (!launcher) fail(`no unpacked app under ${release} (run npm run dist first)`);
    passed = await smokeCli(launcher);
  } else {
    fail(`unknown mode ${mode} (unpacked, appimage, installed, cli)`);
  }
  process.exit(passed ? 0 : 1);
}
