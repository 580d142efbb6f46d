import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureElectronSqlite } from '../../../build/electron-native.mjs';

/**
 * `npm start` gets better-sqlite3 for Electron (build/electron-native.mjs): the published build first,
 * through the real prebuild-install, here from a fake download host on loopback (the real one is GitHub,
 * out of reach); node-gyp only when none is published. The compile step itself needs Electron's headers
 * from the network, so it is replaced here by a stand-in that records it ran.
 */
const root = join(import.meta.dirname, '..', '..', '..');
const require = createRequire(join(root, 'package.json'));
const sqliteDir = dirname(require.resolve('better-sqlite3/package.json'));
const sqliteVersion = (JSON.parse(readFileSync(join(sqliteDir, 'package.json'), 'utf8')) as { version: string }).version;
const prebuildInstall = createRequire(join(sqliteDir, 'package.json')).resolve('prebuild-install/bin.js');
const electronVersion = (JSON.parse(readFileSync(require.resolve('electron/package.json'), 'utf8')) as { version: string }).version;
const electronAbi = readFileSync(join(dirname(require.resolve('electron/package.json')), 'abi_version'), 'utf8').trim();

/** A fake download host (argv: the tarball, the name part it serves): prints its port, logs each request to a file. */
const FAKE_HOST = `
const { readFileSync, appendFileSync } = require('node:fs');
const [tarball, served] = process.argv.slice(1);
const server = require('node:http').createServer((request, response) => {
  appendFileSync(tarball + '.requests', request.url + '\\n');
  if (request.url.includes(served)) response.writeHead(200).end(readFileSync(tarball));
  else response.writeHead(404).end();
});
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
`;

describe('better-sqlite3 for Electron (npm start)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'homing-electron-native-'));
  const published = Buffer.from('a stand-in for the published better_sqlite3.node');
  let host: ChildProcess;
  let env: NodeJS.ProcessEnv;
  const noCompile = () => {
    throw new Error('compiled although a build was published');
  };

  beforeAll(async () => {
    // The tarball layout better-sqlite3 publishes: build/Release/better_sqlite3.node.
    const staging = join(dir, 'staging');
    mkdirSync(join(staging, 'build', 'Release'), { recursive: true });
    writeFileSync(join(staging, 'build', 'Release', 'better_sqlite3.node'), published);
    execFileSync('tar', ['czf', join(dir, 'prebuilt.tar.gz'), '-C', staging, 'build']);
    // In a child process: ensureElectronSqlite waits for prebuild-install synchronously, as npm start does.
    host = spawn(process.execPath, ['-e', FAKE_HOST, join(dir, 'prebuilt.tar.gz'), `-electron-v${electronAbi}-`], { stdio: ['ignore', 'pipe', 'inherit'] });
    host.stdout!.setEncoding('utf8');
    const port = await new Promise<number>((resolve) => host.stdout!.once('data', (line: string) => resolve(Number(line.trim()))));
    env = {
      PATH: process.env.PATH,
      HOME: dir,
      npm_config_cache: join(dir, 'npm-cache'), // prebuild-install caches downloads there
      npm_config_better_sqlite3_binary_host: `http://127.0.0.1:${port}`,
    };
  });

  afterAll(() => {
    host.kill();
  });

  it('downloads the build published for this Electron’s ABI, compiles nothing, and keeps it', { timeout: 60_000 }, () => {
    const outDir = join(dir, 'out-prebuilt');
    const options = { sqliteDir, electronVersion, outDir, workDir: join(dir, 'work'), prebuildInstall, env, compile: noCompile, log: () => {} };
    expect(ensureElectronSqlite(options)).toBe('prebuilt');
    const requested = () => readFileSync(join(dir, 'prebuilt.tar.gz.requests'), 'utf8').trim().split('\n');
    expect(requested().at(-1)).toBe(`/v${sqliteVersion}/better-sqlite3-v${sqliteVersion}-electron-v${electronAbi}-${process.platform}-${process.arch}.tar.gz`);
    expect(readFileSync(join(outDir, 'better_sqlite3.node'))).toEqual(published);
    expect(JSON.parse(readFileSync(join(outDir, 'stamp.json'), 'utf8'))).toEqual({ electronVersion, sqliteVersion, source: 'prebuilt' });
    const before = requested().length;
    expect(ensureElectronSqlite(options)).toBe('present');
    expect(requested().length).toBe(before);
  });

  it('compiles only when no build is published for that Electron', { timeout: 60_000 }, () => {
    const outDir = join(dir, 'out-compiled');
    const compiled: string[] = [];
    const source = ensureElectronSqlite({
      sqliteDir,
      electronVersion: '46.0.0-alpha.1', // a newer ABI than the fake host publishes
      outDir,
      workDir: join(dir, 'work2'),
      prebuildInstall,
      env,
      log: () => {},
      compile: ({ work }: { work: string }) => {
        compiled.push(work);
        mkdirSync(join(work, 'build', 'Release'), { recursive: true });
        writeFileSync(join(work, 'build', 'Release', 'better_sqlite3.node'), 'compiled');
      },
    });
    expect(source).toBe('compiled');
    expect(compiled).toEqual([join(dir, 'work2')]);
    expect(readFileSync(join(outDir, 'better_sqlite3.node'), 'utf8')).toBe('compiled');
  });
});
