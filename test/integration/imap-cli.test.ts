import { execFile } from 'node:child_process';
import { createCipheriv } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSource } from '../../electron/store/message-sources';
import { openReadDb, closeDb } from '../../electron/store/open';
import { runCli } from '../helpers/cli';
import { deliverMany, secondClient, serverFiles, sha256 } from '../helpers/imap-sync';
import { corpusMessage } from '../helpers/imap-corpus';
import { type DovecotServer, startDovecot } from '../servers/dovecot';

const tempDir = () => mkdtempSync(join(tmpdir(), 'homing-imap-cli-'));

/** `homing account add` for the test Dovecot; returns the new account id. */
async function addAccount(server: DovecotServer, dataDir: string, password = 'alice-secret', username = 'alice', extra: string[] = []): Promise<string> {
  const added = await runCli(
    ['--data-dir', dataDir, 'account', 'add', '--email', `${username}@example.org`, '--protocol', 'imap', '--host', '127.0.0.1',
      '--port', String(server.ports.imaps), '--security', 'tls', '--username', username, '--password-env', 'IMAP_TEST_PW',
      '--trust-fingerprint', server.certificate.fingerprint256, ...extra],
    { env: { IMAP_TEST_PW: password } },
  );
  expect(added.stderr).toBe('');
  expect(added.status).toBe(0);
  return added.stdout.trim();
}

describe('homing sync (the CLI) with an IMAP account', () => {
  let server: DovecotServer;

  beforeAll(async () => {
    server = await startDovecot();
    await deliverMany(server, 'alice', [
      ...Array.from({ length: 30 }, (_, i) => ({ raw: corpusMessage(i) })),
      ...Array.from({ length: 4 }, (_, i) => ({ folder: 'Archive', raw: corpusMessage(100 + i) })),
      // Not a message at all: the parser (on a pool thread in the built app) falls back, keeping it searchable.
      { folder: 'Archive', raw: Buffer.from('this line is not a header field\r\nand neither is this one\r\n') },
    ]);
  });
  afterAll(async () => {
    await server?.destroy();
  });

  it('adds, syncs (exit 0, no progress bar when stderr is not a terminal), lists, and sends a local action on the next sync', async () => {
    const dir = tempDir();
    const id = await addAccount(server, dir);
    const synced = await runCli(['--data-dir', dir, 'sync']);
    expect(synced.status).toBe(0);
    expect(synced.stderr).toBe(`${id}: synced, 35 new\n`);

    const db = openReadDb(join(dir, 'homing.sqlite'));
    try {
      const broken = db.sqlite.prepare(`SELECT parse_status AS status, snippet FROM messages WHERE parse_status = 'failed'`).all();
      expect(broken).toEqual([{ status: 'failed', snippet: 'this line is not a header field and neither is this one' }]);
    } finally {
      closeDb(db);
    }
    const listed = JSON.parse((await runCli(['--data-dir', dir, 'list', '--folder', 'INBOX', '--json'])).stdout) as Array<{ id: number; uid: number; seen: boolean }>;
    expect(listed).toHaveLength(30);
    const target = listed.find((m) => !m.seen)!;
    expect((await runCli(['--data-dir', dir, 'mark', String(target.id), '--read'])).status).toBe(0);
    const again = await runCli(['--data-dir', dir, 'sync']);
    expect(again).toMatchObject({ status: 0, stderr: `${id}: synced, 0 new\n` });

    const other = await secondClient(server);
    try {
      const lock = await other.getMailboxLock('INBOX', { readOnly: true });
      try {
        expect(((await other.fetchOne(String(target.uid), { flags: true }, { uid: true })) || null)?.flags?.has('\\Seen')).toBe(true);
      } finally {
        lock.release();
      }
    } finally {
      await other.logout();
    }
  });

  it('syncs without loading what imapflow requires but never uses here (pino, socks)', async () => {
    // The build bundles imapflow with pino (its default logger: every connection is given ours) and socks
    // (proxies, never opened) replaced; they were ~65 ms of each sync worker's start. A preload given in
    // NODE_OPTIONS runs in the worker threads too, and records every module any thread loads.
    const dir = tempDir();
    const trace = join(dir, 'loaded.txt');
    const preload = join(dir, 'trace-loads.cjs');
    writeFileSync(
      preload,
      `const Module = require('module'); const fs = require('fs'); const load = Module._load;
       Module._load = function (request) { fs.appendFileSync(process.env.TRACE_FILE, request + '\\n'); return load.apply(this, arguments); };`,
    );
    await addAccount(server, dir);
    writeFileSync(trace, '');
    const synced = await runCli(['--data-dir', dir, 'sync'], { env: { NODE_OPTIONS: `--require ${preload}`, TRACE_FILE: trace } });
    expect(synced.status).toBe(0);
    const loaded = readFileSync(trace, 'utf8').split('\n');
    expect(loaded).toContain('better-sqlite3'); // the trace saw the sync worker's loads
    expect(loaded.filter((m) => /^(pino|socks)(\/|$)/.test(m) || /node_modules\/(pino|socks)\//.test(m))).toEqual([]);
  });

  it('exits 1 when any account fails, naming its error code, and still syncs the others', async () => {
    const dir = tempDir();
    const good = await addAccount(server, dir);
    // --no-test: `account add` would refuse the wrong password itself; here the sync must report it.
    const bad = await addAccount(server, dir, 'not-the-password', 'alice-typo', ['--no-test']);
    const result = await runCli(['--data-dir', dir, 'sync']);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`${good}: synced, 35 new\n`);
    expect(result.stderr).toMatch(new RegExp(`^homing: AUTH_FAILED: ${bad}: .*Authentication failed`, 'm'));
    // What to run when the password was changed elsewhere (the watch prints the same after its line).
    expect(result.stderr).toContain(`\n  if its password changed: homing account edit ${bad} --password-env VAR (or --password-command CMD)\n`);
    expect(result.stderr).not.toContain('not-the-password');
  });

  it('draws a progress bar on stderr when it is a terminal', async () => {
    const dir = tempDir();
    await addAccount(server, dir);
    const bin = join(inject('buildDir'), 'node', 'homing.cjs');
    // script(1) runs the command on a pseudo-terminal, as a person at a shell would.
    const output = await new Promise<string>((resolve, reject) =>
      execFile('script', ['-qec', `${process.execPath} ${bin} --data-dir ${dir} sync`, '/dev/null'], { encoding: 'utf8' }, (error, stdout) =>
        error ? reject(error) : resolve(stdout),
      ),
    );
    // ESC [ K (erase line) after a carriage return, then "ID phase folder [bar] done/total".
    expect(output).toMatch(new RegExp(`\r${String.fromCharCode(27)}\\[K\\S+ (headers|bodies) INBOX \\[[#.]{24}\\] \\d+/\\d+`));
    expect(output).toMatch(/synced, 35 new/);
  });
});

describe('a 20 MB message', () => {
  let server: DovecotServer;
  let big: Buffer;

  beforeAll(async () => {
    server = await startDovecot();
    // About 20 MB on the server: a 15 MB attachment, base64 (incompressible, like a video).
    const payload = createCipheriv('aes-128-ctr', Buffer.alloc(16, 7), Buffer.alloc(16)).update(Buffer.alloc(15 * 1024 * 1024));
    big = Buffer.from(
      'From: Bob <bob@example.org>\r\nTo: Alice <alice@example.org>\r\nSubject: the video\r\nDate: Mon, 1 Jan 2024 10:00:00 +0000\r\n' +
        'Message-ID: <big@example.org>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="big"\r\n\r\n' +
        `--big\r\nContent-Type: text/plain\r\n\r\nA large file.\r\n--big\r\nContent-Type: video/mp4; name="clip.mp4"\r\nContent-Transfer-Encoding: base64\r\n` +
        `Content-Disposition: attachment; filename="clip.mp4"\r\n\r\n${payload.toString('base64').replace(/.{76}/g, '$&\r\n')}\r\n--big--\r\n`,
      'latin1',
    );
    expect(big.length).toBeGreaterThan(20 * 1024 * 1024);
    await deliverMany(server, 'alice', [{ raw: big }, { raw: corpusMessage(2) }]);
  });
  afterAll(async () => {
    await server?.destroy();
  });

  it('is streamed to the store byte for byte with the sync process under 300 MB of RSS', async () => {
    const dir = tempDir();
    await addAccount(server, dir);
    // The sync runs in its own process (the CLI, with its worker thread): its peak RSS is written at exit.
    const hook = join(dir, 'rss-hook.cjs');
    const report = join(dir, 'rss.txt');
    writeFileSync(hook, `process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(report)}, String(process.resourceUsage().maxRSS)));\n`);
    const result = await runCli(['--data-dir', dir, 'sync'], { env: { NODE_OPTIONS: `--require ${hook}` } });
    expect(result.stderr).toMatch(/synced, 2 new/);
    expect(result.status).toBe(0);
    const peakMb = Number(readFileSync(report, 'utf8')) / 1024;
    expect(peakMb).toBeGreaterThan(10); // the hook did measure something
    expect(peakMb).toBeLessThan(300);

    const db = openReadDb(join(dir, 'homing.sqlite'));
    try {
      const row = db.sqlite.prepare(`SELECT id, body_status, size FROM messages ORDER BY size DESC LIMIT 1`).get() as { id: number; body_status: string; size: number };
      expect(row.body_status).toBe('full');
      expect(row.size).toBe(big.length);
      const [file] = (await serverFiles(server, 'alice', 'INBOX')).filter((f) => f.bytes.length === big.length);
      expect(sha256(readSource(db, row.id))).toBe(sha256(file!.bytes));
    } finally {
      closeDb(db);
    }
  });
});
