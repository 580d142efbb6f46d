import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { bridgeClient } from '../helpers/bridge-client';
import { runCli } from '../helpers/cli';
import { type DevWeb, startDevWeb } from '../helpers/dev-web';
import { corpusMessage } from '../helpers/imap-corpus';
import { deliverMany, eventually, secondClient } from '../helpers/imap-sync';
import { findSecrets } from '../helpers/secret-scan';
import { eml } from '../helpers/store';
import { type DovecotServer, startDovecot } from '../servers/dovecot';

const PASSWORD = 'alice-secret';
const tempDir = () => mkdtempSync(join(tmpdir(), 'homing-forward-'));

interface SocketRecord {
  pid: number;
  address: string;
  fallbackDir?: string;
  token: string;
}
const recordPath = (dataDir: string) => join(dataDir, 'homing.socket.json');
const readRecord = (dataDir: string) => JSON.parse(readFileSync(recordPath(dataDir), 'utf8')) as SocketRecord;
const mode = (path: string) => statSync(path).mode & 0o777;

function addAccountArgs(server: DovecotServer, dataDir: string): string[] {
  return ['--data-dir', dataDir, 'account', 'add', '--email', 'alice@example.org', '--protocol', 'imap', '--host', '127.0.0.1',
    '--port', String(server.ports.imaps), '--security', 'tls', '--username', 'alice', '--password-env', 'FORWARD_TEST_PW',
    '--trust-fingerprint', server.certificate.fingerprint256];
}

/**
 * A client of the command socket that writes whatever bytes a test gives it (frames no homing sends) and
 * collects the frames that come back: 4-byte big-endian length, then JSON.
 */
class RawPeer {
  private buffer = Buffer.alloc(0);
  private readonly frames: unknown[] = [];
  private wake: () => void = () => undefined;
  private ended = false;
  readonly closed: Promise<void>;

  private constructor(readonly socket: Socket) {
    socket.on('error', () => undefined);
    socket.on('data', (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      while (this.buffer.length >= 4 && this.buffer.length >= 4 + this.buffer.readUInt32BE(0)) {
        const length = this.buffer.readUInt32BE(0);
        this.frames.push(JSON.parse(this.buffer.subarray(4, 4 + length).toString('utf8')));
        this.buffer = this.buffer.subarray(4 + length);
      }
      this.wake();
    });
    this.closed = new Promise((resolve) =>
      socket.once('close', () => {
        this.ended = true;
        this.wake();
        resolve();
      }),
    );
  }

  static open(address: string): Promise<RawPeer> {
    return new Promise((resolve, reject) => {
      const socket = connect({ path: address });
      socket.once('connect', () => resolve(new RawPeer(socket)));
      socket.once('error', reject);
    });
  }

  send(message: unknown): void {
    this.sendBytes(Buffer.from(JSON.stringify(message)));
  }

  sendBytes(body: Buffer, declaredLength = body.length): void {
    const head = Buffer.alloc(4);
    head.writeUInt32BE(declaredLength, 0);
    this.socket.write(Buffer.concat([head, body]));
  }

  async next(): Promise<Record<string, unknown>> {
    while (this.frames.length === 0) {
      if (this.ended) throw new Error('closed without a frame');
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
    return this.frames.shift() as Record<string, unknown>;
  }

  /** Every frame received so far (the connection has closed). */
  all(): unknown[] {
    return [...this.frames];
  }

  /** Hello with the record's token; resolves with the welcome. */
  async hello(token: string): Promise<Record<string, unknown>> {
    this.send({ type: 'hello', token, version: '0' });
    return this.next();
  }
}

/**
 * `homing` while dev:web (the app's backend in a Node process) holds the data directory: writing
 * commands are handed to it over its command socket and take effect there (its window hears the
 * events), errors and exit statuses come back as from a local run, and the socket refuses anyone
 * without the token and closes only the connection that sends a bad frame.
 */
describe('homing commands handed to a running dev:web over the command socket', () => {
  let server: DovecotServer;
  let dataDir: string;
  let app: DevWeb;
  let window: Awaited<ReturnType<typeof bridgeClient>>;
  const heard: Array<{ event: string; payload: unknown }> = [];
  let accountId = '';
  const outputs: Record<string, string> = {};

  beforeAll(async () => {
    server = await startDovecot();
    await deliverMany(server, 'alice', Array.from({ length: 12 }, (_, i) => ({ raw: corpusMessage(i) })));
    dataDir = join(tempDir(), 'data');
    app = await startDevWeb(dataDir);
    window = await bridgeClient(app.url);
    for (const event of ['accountsChanged', 'messagesChanged', 'foldersChanged'] as const) {
      window.api.on(event, (payload) => heard.push({ event, payload }));
    }
  });
  afterAll(async () => {
    window?.close();
    await app?.stop();
    await server?.destroy();
  });

  it('serves a 0600 socket in the 0700 data directory, named with its token in a 0600 record', () => {
    const record = readRecord(dataDir);
    expect(record.pid).toBe(app.pid);
    expect(record.address).toBe(join(dataDir, 'homing.sock'));
    expect(statSync(record.address).isSocket()).toBe(true);
    expect(mode(record.address)).toBe(0o600);
    expect(mode(recordPath(dataDir))).toBe(0o600);
    expect(mode(dataDir)).toBe(0o700);
    expect(record.token.length).toBeGreaterThanOrEqual(40);
  });

  it('hands `account add` to it: the window hears accountsChanged, the password is in the keychain and nowhere on disk', async () => {
    const added = await runCli(addAccountArgs(server, dataDir), { env: { FORWARD_TEST_PW: PASSWORD } });
    outputs.add = added.stdout + added.stderr;
    expect(added.stderr).toBe('');
    expect(added.status).toBe(0);
    accountId = added.stdout.trim();
    expect(accountId).toMatch(/^[0-9a-f]{16}$/);
    await eventually(() => heard.filter((h) => h.event === 'accountsChanged'), (list) => list.some((h) => JSON.stringify(h.payload).includes(accountId)));
    expect((await window.api.listAccounts({})).map((a) => a.id)).toContain(accountId);
    // The holder stored the password: its test of the account logs in with it.
    expect(await window.api.testConnection({ accountId })).toMatchObject({ ok: true });
    expect(findSecrets([PASSWORD], { dirs: [dataDir], texts: { ...outputs, devWeb: app.stderr() } })).toEqual([]);
  });

  it('hands `sync --progress` to it: the same lines and exit status as a local sync, progress on stderr', async () => {
    const synced = await runCli(['--data-dir', dataDir, 'sync', accountId, '--progress']);
    outputs.sync = synced.stdout + synced.stderr;
    expect(synced.status).toBe(0);
    expect(synced.stdout).toBe('');
    const lines = synced.stderr.trimEnd().split('\n');
    expect(lines.at(-1)).toMatch(new RegExp(`^${accountId}: synced, \\d+ new$`));
    expect(lines.slice(0, -1).length).toBeGreaterThan(0);
    for (const line of lines.slice(0, -1)) expect(line).toMatch(new RegExp(`^progress ${accountId} [a-z-]+ \\d+/\\d+$`));
    // Read by this homing from the store directly: the holder's sync is there.
    const listed = JSON.parse((await runCli(['--data-dir', dataDir, 'list', '--folder', 'INBOX', '--json'])).stdout) as unknown[];
    expect(listed).toHaveLength(12);
    await eventually(() => heard.filter((h) => h.event === 'messagesChanged').length, (n) => n > 0);
  });

  it('hands `mark` to it: the window hears the change and the next handed-over sync sets the flag on the server', async () => {
    const listed = JSON.parse((await runCli(['--data-dir', dataDir, 'list', '--folder', 'INBOX', '--json'])).stdout) as Array<{ id: number; uid: number; seen: boolean }>;
    const target = listed.find((m) => !m.seen)!;
    const before = heard.length;
    const marked = await runCli(['--data-dir', dataDir, 'mark', String(target.id), '--read']);
    expect(marked).toMatchObject({ status: 0, stdout: '', stderr: '' });
    await eventually(
      () => heard.slice(before).filter((h) => h.event === 'messagesChanged'),
      (list) => list.some((h) => JSON.stringify(h.payload).includes(String(target.id))),
    );
    expect((await window.api.getMessageSummaries({ ids: [target.id] }))[0]).toMatchObject({ seen: true });
    expect((await runCli(['--data-dir', dataDir, 'sync', accountId])).status).toBe(0);
    const other = await secondClient(server);
    try {
      const lock = await other.getMailboxLock('INBOX', { readOnly: true });
      try {
        expect((await other.fetchOne(String(target.uid), { flags: true }, { uid: true }) || null)?.flags?.has('\\Seen')).toBe(true);
      } finally {
        lock.release();
      }
    } finally {
      await other.logout();
    }
  });

  it('hands over `import` (a method that names files) with the path resolved where homing runs', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'one.eml'), eml({ From: 'a@example.org', To: 'b@example.org', Subject: 'Handed over', 'Message-ID': '<fw@example.org>' }, 'Body.\r\n'));
    const imported = await new Promise<{ status: number; stderr: string }>((resolve) => {
      const bin = join(inject('buildDir'), 'node', 'homing.cjs');
      execFile(process.execPath, [bin, '--data-dir', dataDir, 'import', 'one.eml', '--folder', 'Handed'], { cwd: dir }, (error, _stdout, stderr) =>
        resolve({ status: error ? Number(error.code) : 0, stderr }),
      );
    });
    expect(imported).toEqual({ status: 0, stderr: 'imported 1, already present 0, unparsable (kept raw) 0\n' });
    const local = JSON.parse((await runCli(['--data-dir', dataDir, 'list', '--account', 'local', '--folder', 'Handed', '--json'])).stdout) as Array<{ subject: string }>;
    expect(local.map((m) => m.subject)).toEqual(['Handed over']);
  });

  it('passes errors back as `homing: CODE: message` with the same exit status as a local run', async () => {
    const unknown = await runCli(['--data-dir', dataDir, 'sync', 'no-such-account']);
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toMatch(/^homing: NOT_FOUND: No mail account with id no-such-account\.\n$/);
    const missing = await runCli(['--data-dir', dataDir, 'mark', '999999', '--read']);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/^homing: NOT_FOUND: /);
    // Refused by the gate of this homing before anything is handed over, as locally.
    const usage = await runCli(['--data-dir', dataDir, 'mark', '1']);
    expect(usage.status).toBe(2);
  });

  it('refuses `sync --watch` (it must be the writer itself) with DATA_DIR_LOCKED and what to do', async () => {
    const watch = await runCli(['--data-dir', dataDir, 'sync', '--watch']);
    expect(watch.status).toBe(1);
    expect(watch.stderr).toMatch(/^homing: DATA_DIR_LOCKED: Another Homing process \(pid \d+\) is writing .* needs to be the only writer/);
    expect(watch.stderr).toContain('what to do: reading commands');
  });

  it('refuses a connection without the token, and one with a wrong token, and tells them nothing', async () => {
    const { address, token } = readRecord(dataDir);
    const noHello = await RawPeer.open(address);
    noHello.send({ type: 'call', id: 1, method: 'listAccounts', args: {} });
    expect(await noHello.next()).toMatchObject({ type: 'bye', error: { code: 'INVALID_ARGUMENT' } });
    await noHello.closed;

    const wrong = await RawPeer.open(address);
    expect(await wrong.hello(`${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`)).toMatchObject({ type: 'bye', error: { code: 'FORBIDDEN_SENDER' } });
    wrong.send({ type: 'subscribe' });
    wrong.send({ type: 'call', id: 2, method: 'markMessages', args: { ids: [1], seen: false } });
    await wrong.closed;
    expect(wrong.all()).toEqual([]);

    const right = await RawPeer.open(address);
    expect(await right.hello(token)).toMatchObject({ type: 'welcome', pid: app.pid });
    right.send({ type: 'call', id: 7, method: 'listAccounts', args: {} });
    expect(await right.next()).toMatchObject({ type: 'result', id: 7, envelope: { ok: true } });
    right.socket.destroy();
  });

  it('is out of reach of another user: the data directory is 0700 (run as root: the connect as nobody is refused)', async (ctx) => {
    if (process.getuid?.() !== 0) ctx.skip();
    const { address } = readRecord(dataDir);
    // The folder above the data directory is open to everyone: only the data directory's own mode stops them.
    chmodSync(dirname(dataDir), 0o711);
    const script = [
      `const fs = require('node:fs');`,
      `try { fs.accessSync(${JSON.stringify(dirname(dataDir))}, fs.constants.X_OK); console.log('parent ok'); } catch (e) { console.log(e.code); }`,
      `require('node:net').connect({ path: ${JSON.stringify(address)} }).on('connect', () => { console.log('connected'); process.exit(0); })`,
      `  .on('error', (e) => { console.log(e.code); process.exit(0); });`,
    ].join('\n');
    const outcome = await new Promise<string>((resolve) =>
      execFile(process.execPath, ['-e', script], { uid: 65534, gid: 65534 }, (_error, stdout) => resolve(stdout.trim())),
    );
    expect(outcome).toBe('parent ok\nEACCES');
  });

  it('closes only the connection that sends an oversized frame or one that is not JSON; the others keep working', async () => {
    const { address, token } = readRecord(dataDir);
    const bystander = await RawPeer.open(address);
    await bystander.hello(token);

    // Before the hello, a frame over 4 KiB is refused from its header alone.
    const early = await RawPeer.open(address);
    early.sendBytes(Buffer.from('{'), 5_000);
    expect(await early.next()).toMatchObject({ type: 'bye', error: { code: 'INVALID_ARGUMENT' } });
    await early.closed;

    const huge = await RawPeer.open(address);
    await huge.hello(token);
    huge.sendBytes(Buffer.from('{'), 0xffff_ffff);
    expect(await huge.next()).toMatchObject({ type: 'bye', error: { code: 'INVALID_ARGUMENT', message: expect.stringContaining('over the command socket') } });
    await huge.closed;

    const garbled = await RawPeer.open(address);
    await garbled.hello(token);
    garbled.sendBytes(Buffer.from('{"type":"call",'));
    expect(await garbled.next()).toMatchObject({ type: 'bye', error: { code: 'INVALID_ARGUMENT', message: expect.stringContaining('not JSON') } });
    await garbled.closed;

    const stranger = await RawPeer.open(address);
    await stranger.hello(token);
    stranger.send({ type: 'call', id: 1, method: 'listAccounts', args: {}, extra: 1 });
    expect(await stranger.next()).toMatchObject({ type: 'bye' });
    await stranger.closed;

    // The contract's gate answers a bad call without closing anything.
    bystander.send({ type: 'call', id: 3, method: 'noSuchMethod', args: {} });
    expect(await bystander.next()).toMatchObject({ type: 'result', id: 3, envelope: { ok: false, error: { code: 'UNKNOWN_METHOD' } } });
    bystander.send({ type: 'call', id: 4, method: 'markMessages', args: { ids: 'all' } });
    expect(await bystander.next()).toMatchObject({ type: 'result', id: 4, envelope: { ok: false, error: { code: 'INVALID_ARGUMENT' } } });
    bystander.send({ type: 'call', id: 5, method: 'listAccounts', args: {} });
    expect(await bystander.next()).toMatchObject({ type: 'result', id: 5, envelope: { ok: true } });
    bystander.socket.destroy();
    expect((await runCli(['--data-dir', dataDir, 'mark', '1', '--unread'])).status).toBe(0);
  });
});

describe('the command socket across holders', () => {
  it('a socket and record left by a killed dev:web block nobody: homing writes itself, a new dev:web serves again', async () => {
    const dataDir = join(tempDir(), 'data');
    const first = await startDevWeb(dataDir);
    const stale = readRecord(dataDir);
    await first.kill();
    expect(existsSync(stale.address)).toBe(true);

    // The lock's process is gone: homing takes the lock itself and writes.
    const direct = await runCli(['--data-dir', dataDir, 'import', writeEml(), '--folder', 'Direct']);
    expect(direct).toMatchObject({ status: 0, stderr: 'imported 1, already present 0, unparsable (kept raw) 0\n' });
    // It took the lock itself (the lock was the killed process's), served the socket in the killed one's
    // place while it wrote, and took both away when it was done.
    expect(existsSync(recordPath(dataDir))).toBe(false);
    expect(existsSync(stale.address)).toBe(false);

    const second = await startDevWeb(dataDir);
    try {
      const fresh = readRecord(dataDir);
      expect(fresh.pid).toBe(second.pid);
      expect(fresh.token).not.toBe(stale.token);
      const window = await bridgeClient(second.url);
      const heard: string[] = [];
      window.api.on('messagesChanged', (payload) => heard.push(payload.accountId));
      const handed = await runCli(['--data-dir', dataDir, 'import', writeEml(), '--folder', 'Handed']);
      expect(handed).toMatchObject({ status: 0, stderr: 'imported 1, already present 0, unparsable (kept raw) 0\n' });
      await eventually(() => heard, (list) => list.includes('local'));
      window.close();
    } finally {
      await second.stop();
    }
    // A clean stop takes the socket and its record away.
    expect(existsSync(join(dataDir, 'homing.sock'))).toBe(false);
    expect(existsSync(recordPath(dataDir))).toBe(false);
  });

  it('serves from a private folder outside a data directory whose path is too long for a socket', async () => {
    let dataDir = tempDir();
    while (Buffer.byteLength(join(dataDir, 'homing.sock')) <= 120) dataDir = join(dataDir, 'a-long-folder-name');
    mkdirSync(dataDir, { recursive: true });
    const app = await startDevWeb(dataDir);
    let record: SocketRecord;
    try {
      record = readRecord(dataDir);
      expect(record.fallbackDir).toBeDefined();
      expect(Buffer.byteLength(record.address)).toBeLessThanOrEqual(103);
      expect(dirname(record.address)).toBe(record.fallbackDir);
      expect(mode(record.fallbackDir!)).toBe(0o700);
      expect(mode(record.address)).toBe(0o600);
      const handed = await runCli(['--data-dir', dataDir, 'import', writeEml(), '--folder', 'Long']);
      expect(handed).toMatchObject({ status: 0, stderr: 'imported 1, already present 0, unparsable (kept raw) 0\n' });
      // The socket is nowhere near the long path: Node would have cut it short and bound it elsewhere.
      expect(existsSync(join(dataDir, 'homing.sock'))).toBe(false);
    } finally {
      await app.stop();
    }
    expect(existsSync(record.fallbackDir!)).toBe(false);
  });

  it('`homing sync --watch` serves it too, and stops serving when interrupted', async () => {
    const dataDir = join(tempDir(), 'data');
    expect((await runCli(['--data-dir', dataDir, 'account', 'list'])).status).toBe(0);
    const bin = join(inject('buildDir'), 'node', 'homing.cjs');
    const watcher: ChildProcess = spawn(process.execPath, [bin, '--data-dir', dataDir, 'sync', '--watch'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    watcher.stderr!.setEncoding('utf8').on('data', (text: string) => (stderr += text));
    const exited = new Promise<number | null>((resolve) => watcher.once('exit', (code) => resolve(code)));
    try {
      await eventually(() => (existsSync(recordPath(dataDir)) ? readRecord(dataDir).pid : 0), (pid) => pid === watcher.pid);
      const handed = await runCli(['--data-dir', dataDir, 'import', writeEml(), '--folder', 'FromCron']);
      expect(handed).toMatchObject({ status: 0, stderr: 'imported 1, already present 0, unparsable (kept raw) 0\n' });
      // A second watcher is refused: two would fight over the same accounts.
      const twice = await runCli(['--data-dir', dataDir, 'sync', '--watch']);
      expect(twice.status).toBe(1);
      expect(twice.stderr).toMatch(/^homing: DATA_DIR_LOCKED: /);
    } finally {
      watcher.kill('SIGINT');
    }
    expect(await exited).toBe(0);
    expect(stderr).toBe('');
    expect(existsSync(recordPath(dataDir))).toBe(false);
    expect(existsSync(join(dataDir, 'homing.sock'))).toBe(false);
    expect(existsSync(join(dataDir, 'homing.lock'))).toBe(false);
  });
});

let emlCount = 0;
/** A fresh .eml file (its own Message-ID) to import. */
function writeEml(): string {
  const dir = tempDir();
  chmodSync(dir, 0o700);
  const path = join(dir, `m${emlCount}.eml`);
  writeFileSync(path, eml({ From: 'a@example.org', To: 'b@example.org', Subject: `Message ${emlCount}`, 'Message-ID': `<m${emlCount++}@example.org>` }, 'Body.\r\n'));
  return path;
}
