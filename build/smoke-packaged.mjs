// Starts the app electron-builder just packed (release/*-unpacked, or the .app on macOS) on a fresh data
// directory with HOMING_SMOKE_CHECK=1: the app waits for its window to show the empty state, prints
// "homing: smoke check passed" and quits. Exit 0 only then. Run by the release workflow after `npm run dist`
// (under xvfb-run on Linux). Playwright cannot drive the packaged app: its inspect fuse is off.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
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
  return [join(dir, 'linux-unpacked', 'homing'), join(dir, `linux-${arch}-unpacked`, 'homing')].find(existsSync) ?? null;
}

if (process.argv[1]?.endsWith('smoke-packaged.mjs')) {
  const executable = unpackedExecutable(process.platform, process.arch);
  if (!executable) {
    console.error(`smoke-packaged: no unpacked app under ${release} (run npm run dist first)`);
    process.exit(1);
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'homing-smoke-'));
  console.log(`smoke-packaged: starting ${executable}`);
  const child = spawn(executable, [], { env: { ...process.env, HOMING_SMOKE_CHECK: '1', HOMING_DATA_DIR: dataDir }, stdio: ['ignore', 'pipe', 'pipe'] });
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
  child.on('exit', (code, signal) => {
    clearTimeout(timer);
    rmSync(dataDir, { recursive: true, force: true });
    const passed = code === 0 && output.includes('homing: smoke check passed');
    console.log(`smoke-packaged: exit ${code ?? signal}; ${passed ? 'passed' : 'FAILED'}`);
    process.exit(passed ? 0 : 1);
  });
}
