import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { runCli } from '../helpers/cli';
import { corpusMbox } from '../helpers/mail-corpus';

/**
 * The `homing` executable answers folders, list, search and show from the store itself (electron/cli/
 * entry.ts), without loading the mail service, its contract or the whole CLI; everything else, and every
 * case the service must decide, is handed to the whole CLI (homing-cli.cjs). A preload records every
 * module the process loads, so these tests see which path ran.
 */
describe('the reading commands start without the mail service', () => {
  const dir = mkdtempSync(join(tmpdir(), 'homing-cli-reading-'));
  const dataDir = join(dir, 'data');
  const trace = join(dir, 'loaded.txt');
  const preload = join(dir, 'trace-loads.cjs');
  let firstId = 0;

  /** Runs the built executable with the preload; returns its result and the modules it loaded. */
  const traced = (...args: string[]) =>
    new Promise<{ status: number; stdout: string; stderr: string; loaded: string[] }>((resolve) => {
      rmSync(trace, { force: true });
      const bin = join(inject('buildDir'), 'node', 'homing.cjs');
      execFile(process.execPath, ['--require', preload, bin, '--data-dir', dataDir, ...args], { encoding: 'utf8', env: { ...process.env, TRACE_FILE: trace } }, (error, stdout, stderr) => {
        const loaded = readFileSync(trace, 'utf8').split('\n').filter(Boolean);
        resolve({ status: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr, loaded });
      });
    });
  const service = (loaded: string[]) => loaded.some((m) => m.endsWith('homing-cli.cjs'));
  const zod = (loaded: string[]) => loaded.some((m) => m === 'zod' || m.includes('node_modules/zod/'));
  // ~60 and ~35 ms of a start, which folders, list, search and show of a plain-text message need not pay (a
  // message of any other shape is read with mailparser; a header: search with an encoded word decodes it with libmime).
  const mailparser = (loaded: string[]) => loaded.some((m) => m === 'mailparser' || m.includes('node_modules/mailparser/'));
  const libmime = (loaded: string[]) => loaded.some((m) => m === 'libmime' || m.includes('node_modules/libmime/'));
  // ~5–10 ms of CPU; no reading command hashes or draws random bytes (show loaded it with the skeleton's marker nonce).
  const crypto = (loaded: string[]) => loaded.some((m) => m === 'node:crypto' || m === 'crypto');

  beforeAll(async () => {
    writeFileSync(
      preload,
      `const Module = require('module'); const fs = require('fs'); const load = Module._load;
       Module._load = function (request) { fs.appendFileSync(process.env.TRACE_FILE, request + '\\n'); return load.apply(this, arguments); };
       fs.writeFileSync(process.env.TRACE_FILE, '');`,
    );
    writeFileSync(join(dir, 'mail.mbox'), corpusMbox(30));
    // The store is created by the writer: the whole CLI.
    expect((await runCli(['--data-dir', dataDir, 'import', join(dir, 'mail.mbox'), '--folder', 'INBOX'])).status).toBe(0);
    const listed = JSON.parse((await runCli(['--data-dir', dataDir, 'list', '--json'])).stdout) as Array<{ id: number }>;
    firstId = listed[0]!.id;
  });

  it('answers folders, list, search and show on the store alone, a plain-text message without a MIME parser', async () => {
    const show = (...flags: string[]) => ['show', String(firstId), ...flags];
    for (const args of [['folders'], ['list', '--folder', 'INBOX'], ['search', 'from:sender3'], show('--raw'), show(), show('--json'), ['list', '--json']]) {
      const run = await traced(...args);
      expect(run.status, args.join(' ')).toBe(0);
      expect(run.stdout.length, args.join(' ')).toBeGreaterThan(0);
      expect(service(run.loaded), args.join(' ')).toBe(false);
      expect(zod(run.loaded), args.join(' ')).toBe(false);
      expect(mailparser(run.loaded) || libmime(run.loaded), args.join(' ')).toBe(false);
      expect(crypto(run.loaded), args.join(' ')).toBe(false);
    }
  });

  it('gives the same answers as the mail service', async () => {
    const viaService = async (...args: string[]) => {
      // An old password file makes the reading path hand over (the service tells about it at every command).
      writeFileSync(join(dataDir, 'credentials.json'), '{}', { mode: 0o600 });
      try {
        const run = await traced(...args);
        expect(service(run.loaded)).toBe(true);
        return run;
      } finally {
        rmSync(join(dataDir, 'credentials.json'), { force: true });
      }
    };
    for (const args of [['folders', '--json'], ['list', '--json'], ['search', 'from:sender3', '--json'], ['show', String(firstId), '--json'], ['show', String(firstId), '--raw']]) {
      const local = await traced(...args);
      const remote = await viaService(...args);
      expect(local.status, args.join(' ')).toBe(0);
      expect(remote.status, args.join(' ')).toBe(0);
      expect(local.stdout, args.join(' ')).toBe(remote.stdout);
    }
  });

  it('hands arguments the contract refuses to the service, which names the error', async () => {
    const run = await traced('search', 'word', '--limit', '5000');
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/^homing: INVALID_ARGUMENT: Invalid arguments for search/);
    expect(service(run.loaded)).toBe(true);
  });

  it('answers --version alone', async () => {
    for (const flag of ['--version', '-V']) {
      const run = await traced(flag);
      expect(run.status, flag).toBe(0);
      expect(run.stdout, flag).toMatch(/^homing \d+\.\d+\.\d+/);
      expect(service(run.loaded), flag).toBe(false);
    }
  });

  it('hands every other command to the whole CLI, which carries the parts of zod it uses', async () => {
    const run = await traced('account', 'list');
    expect(run.status).toBe(0);
    expect(service(run.loaded)).toBe(true);
    // zod's CommonJS build in node_modules loads every locale it has, ~40% of the whole CLI's start.
    expect(zod(run.loaded)).toBe(false);
  });

  it('turns on the runtime’s compile cache, where it has one, before the program and the whole CLI load', async () => {
    // Node 20 has no module.enableCompileCache (22.1 and Electron 45's Node have): the preload gives it one.
    const withCache = join(dir, 'trace-with-cache.cjs');
    writeFileSync(
      withCache,
      `require(${JSON.stringify(preload)});
       require('module').enableCompileCache = (d) => { require('fs').appendFileSync(process.env.TRACE_FILE, 'enableCompileCache ' + d + '\\n'); return { status: 1 }; };`,
    );
    const order = async (...args: string[]) => {
      rmSync(trace, { force: true });
      const bin = join(inject('buildDir'), 'node', 'homing.cjs');
      const env = { ...process.env, TRACE_FILE: trace, XDG_CACHE_HOME: join(dir, 'cache') };
      await new Promise((resolve) => execFile(process.execPath, ['--require', withCache, bin, '--data-dir', dataDir, ...args], { env }, resolve));
      const loaded = readFileSync(trace, 'utf8').split('\n').filter(Boolean);
      return loaded.filter((m) => m.startsWith('enableCompileCache') || /homing-(read|cli)\.cjs$/.test(m));
    };
    const cacheDir = join(dir, 'cache', 'Homing', 'compile-cache');
    expect(await order('folders')).toEqual([`enableCompileCache ${cacheDir}`, expect.stringMatching(/homing-read\.cjs$/)]);
    expect(await order('account', 'list')).toEqual([`enableCompileCache ${cacheDir}`, expect.stringMatching(/homing-read\.cjs$/), expect.stringMatching(/homing-cli\.cjs$/)]);
  });
});
