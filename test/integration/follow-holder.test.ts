import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { connectToWriter } from '../../electron/command-socket/connect';
import { APP_VERSION } from '../../electron/version';
import { bridgeClient } from '../helpers/bridge-client';
import { runCli } from '../helpers/cli';
import { type DevWeb, startDevWeb } from '../helpers/dev-web';
import { corpusMessage } from '../helpers/imap-corpus';
import { deliverMany, eventually, secondClient } from '../helpers/imap-sync';
import { type DovecotServer, startDovecot } from '../servers/dovecot';
import { startFaultProxy } from '../servers/fault-proxy';

const PASSWORD = 'alice-secret';
const tempDir = () => mkdtempSync(join(tmpdir(), 'homing-follow-'));
const lockPid = (dataDir: string) => {
  try {
    return (JSON.parse(readFileSync(join(dataDir, 'homing.lock'), 'utf8')) as { pid: number }).pid;
  } catch {
    return 0;
  }
};
const recordPid = (dataDir: string) => {
  try {
    return (JSON.parse(readFileSync(join(dataDir, 'homing.socket.json'), 'utf8')) as { pid: number }).pid;
  } catch {
    return 0;
  }
};

interface Watcher {
  child: ChildProcess;
  exited: Promise<number | null>;
  stderr(): string;
}

/** `homing sync --watch` in a terminal: the data directory's writer, serving the command socket. */
async function startWatch(dataDir: string): Promise<Watcher> {
  const bin = join(inject('buildDir'), 'node', 'homing.cjs');
  const child = spawn(process.execPath, [bin, '--data-dir', dataDir, 'sync', '--watch'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  await eventually(() => recordPid(dataDir), (pid) => pid === child.pid);
  return { child, exited, stderr: () => stderr };
}

async function serverFlags(server: DovecotServer, uid: number): Promise<string[]> {
  const other = await secondClient(server);
  try {
    const lock = await other.getMailboxLock('INBOX', { readOnly: true });
    try {
      const message = await other.fetchOne(String(uid), { flags: true }, { uid: true });
      return message ? [...(message.flags ?? [])] : [];
    } finally {
      lock.release();
    }
  } finally {
    await other.logout();
  }
}

/**
 * The app (dev:web: the same service and supervisor) opened while `homing sync --watch` holds the data
 * directory: its commands are handed to the watch process, what that process writes reaches the app's
 * listeners, and when it stops the app takes the writer over without a restart.
 */
describe('the app while homing sync --watch holds the data directory', () => {
  let server: DovecotServer;
  let dataDir: string;
  let accountId = '';
  let watcher: Watcher | null = null;
  let app: DevWeb | null = null;
  let window: Awaited<ReturnType<typeof bridgeClient>> | null = null;

  beforeAll(async () => {
    server = await startDovecot();
    await deliverMany(server, 'alice', Array.from({ length: 6 }, (_, i) => ({ raw: corpusMessage(i) })));
    dataDir = join(tempDir(), 'data');
    const added = await runCli(
      ['--data-dir', dataDir, 'account', 'add', '--email', 'alice@example.org', '--protocol', 'imap', '--host', '127.0.0.1',
        '--port', String(server.ports.imaps), '--security', 'tls', '--username', 'alice', '--password-env', 'FOLLOW_TEST_PW',
        '--trust-fingerprint', server.certificate.fingerprint256],
      { env: { FOLLOW_TEST_PW: PASSWORD } },
    );
    expect(added.status).toBe(0);
    accountId = added.stdout.trim();
    expect((await runCli(['--data-dir', dataDir, 'sync'])).status).toBe(0);
  });
  afterEach(async () => {
    window?.close();
    window = null;
    await app?.stop();
    app = null;
    if (watcher && watcher.child.exitCode === null && watcher.child.signalCode === null) {
      watcher.child.kill('SIGINT');
      await watcher.exited;
    }
    watcher = null;
  });
  afterAll(async () => {
    await server?.destroy();
  });

  it('hands its commands to the watch process, hears what that process syncs, and shows its sync status', async () => {
    watcher = await startWatch(dataDir);
    app = await startDevWeb(dataDir);
    window = await bridgeClient(app.url);
    const heard: Array<{ event: string; payload: unknown }> = [];
    window.api.on('messagesChanged', (payload) => heard.push({ event: 'messagesChanged', payload }));

    expect(await window.api.getAppInfo({})).toMatchObject({ writable: false });
    // What the sidebar shows comes from the watch process: live, not offline nor an error.
    await eventually(() => window!.api.getSyncStatus({}), (list) => list.some((s) => s.accountId === accountId && s.phase === 'watching' && s.watching));

    const inbox = (await window.api.listFolders({ accountId })).find((f) => f.path === 'INBOX')!;
    const ids = await window.api.listMessageIds({ mailbox: { folderId: inbox.id } });
    const [first] = await window.api.getMessageSummaries({ ids: [ids[0]!] });
    await window.api.markMessages({ ids: [first!.id], seen: true, flagged: true });
    expect((await window.api.getMessageSummaries({ ids: [first!.id] }))[0]).toMatchObject({ seen: true, flagged: true });
    // The watch process replays it on the server: it holds the lock all along.
    await eventually(() => serverFlags(server, first!.uid!), (flags) => flags.includes('\\Flagged') && flags.includes('\\Seen'));
    expect(lockPid(dataDir)).toBe(watcher.child.pid);

    // An error comes back as the local writer gives it.
    await expect(window.api.moveMessages({ ids: [first!.id], toFolderId: 999_999 })).rejects.toMatchObject({ code: 'NOT_FOUND' });

    // New mail synced by the watch process reaches the app's listeners.
    await deliverMany(server, 'alice', [{ raw: corpusMessage(20) }]);
    await eventually(() => window!.api.listMessageIds({ mailbox: { folderId: inbox.id } }), (list) => list.length === ids.length + 1, 30_000);
    await eventually(() => heard.length, (n) => n > 0);
    expect(watcher.stderr()).not.toMatch(/homing: (?!note)/);
  });

  it('takes the writer over when the watch process stops: no command lost or run twice, and it syncs itself', async () => {
    watcher = await startWatch(dataDir);
    app = await startDevWeb(dataDir);
    window = await bridgeClient(app.url);
    const inbox = (await window.api.listFolders({ accountId })).find((f) => f.path === 'INBOX')!;
    const ids = await window.api.listMessageIds({ mailbox: { folderId: inbox.id } });
    await window.api.getSyncStatus({});
    await eventually(() => window!.api.getSyncStatus({}), (list) => list.some((s) => s.accountId === accountId && s.phase === 'watching'));

    // Tags added one at a time across the stop: each lands once, whoever carried it out.
    const tagged: string[] = [];
    const stopping = (async () => {
      await new Promise((resolve) => setTimeout(resolve, 150));
      watcher!.child.kill('SIGINT');
    })();
    for (let i = 0; i < 12; i++) {
      const tag = `t${i}`;
      await window.api.tagMessages({ ids: [ids[0]!], add: [tag] });
      tagged.push(tag);
      await new Promise((resolve) => setTimeout(resolve, 60));
    }
    await stopping;
    expect(await watcher.exited).toBe(0);
    // The app holds the lock now, and serves the command socket in its turn.
    await eventually(() => lockPid(dataDir), (pid) => pid === app!.pid);
    await eventually(() => recordPid(dataDir), (pid) => pid === app!.pid);
    const tags = await window.api.listTags({ accountId });
    expect(tags.filter((t) => /^t\d+$/.test(t.name)).map((t) => [t.name, t.count]).sort()).toEqual(tagged.map((t) => [t, 1]).sort());
    expect(await window.api.getAppInfo({})).toMatchObject({ writable: true });

    // It watches by itself: new mail arrives without a command.
    await deliverMany(server, 'alice', [{ raw: corpusMessage(21) }]);
    await eventually(() => window!.api.listMessageIds({ mailbox: { folderId: inbox.id } }), (list) => list.length === ids.length + 1, 30_000);
    // And homing in a terminal is handed to it.
    const marked = await runCli(['--data-dir', dataDir, 'mark', String(ids[1]), '--flag']);
    expect(marked).toMatchObject({ status: 0, stderr: '' });
  });

  it('takes the writer over from a watch process that was killed', async () => {
    watcher = await startWatch(dataDir);
    app = await startDevWeb(dataDir);
    window = await bridgeClient(app.url);
    await eventually(() => window!.api.getSyncStatus({}), (list) => list.some((s) => s.accountId === accountId && s.phase === 'watching'));
    watcher.child.kill('SIGKILL');
    await watcher.exited;
    await eventually(() => lockPid(dataDir), (pid) => pid === app!.pid);
    const inbox = (await window.api.listFolders({ accountId })).find((f) => f.path === 'INBOX')!;
    const [id] = await window.api.listMessageIds({ mailbox: { folderId: inbox.id } });
    await window.api.markMessages({ ids: [id!], seen: false });
    expect((await window.api.getMessageSummaries({ ids: [id!] }))[0]).toMatchObject({ seen: false });
  });
});

/**
 * `homing sync` from cron (one pass, no --watch) or `homing import` holds the data directory while it
 * writes, and serves no command socket: nothing tells the app what it stores. Was a bug: the app followed
 * it (commands said DATA_DIR_LOCKED) but its window heard nothing, so new mail did not show until
 * something else made it read the store again.
 */
describe('the app while a one-shot homing sync holds the data directory', () => {
  it('hears what the one-shot pass stores while that pass still holds the directory', async () => {
    const server = await startDovecot();
    const proxy = await startFaultProxy({ host: '127.0.0.1', port: server.ports.imaps });
    let app: DevWeb | null = null;
    let window: Awaited<ReturnType<typeof bridgeClient>> | null = null;
    let pass: ChildProcess | null = null;
    try {
      const dataDir = join(tempDir(), 'data');
      const added = await runCli(
        ['--data-dir', dataDir, 'account', 'add', '--email', 'alice@example.org', '--protocol', 'imap', '--host', '127.0.0.1',
          '--port', String(proxy.port), '--security', 'tls', '--username', 'alice', '--password-env', 'FOLLOW_TEST_PW',
          '--trust-fingerprint', server.certificate.fingerprint256],
        { env: { FOLLOW_TEST_PW: PASSWORD } },
      );
      expect(added.status, added.stderr).toBe(0);
      const accountId = added.stdout.trim();
      expect((await runCli(['--data-dir', dataDir, 'sync'])).status).toBe(0);
      const padding = 'Words to make the message long enough to take a while. '.repeat(100);
      await deliverMany(server, 'alice', Array.from({ length: 4 }, (_, i) => ({
        raw: Buffer.from(`From: Cron <cron@example.org>\r\nTo: alice@example.org\r\nSubject: From cron ${i}\r\nMessage-ID: <cron-${i}@example.org>\r\n\r\n${padding}\r\n`),
      })));
      // A slow server, so that the pass still holds the directory when the app has opened.
      proxy.inject({ kind: 'throttle', bytesPerSecond: 3_000 });
      const bin = join(inject('buildDir'), 'node', 'homing.cjs');
      pass = spawn(process.execPath, [bin, '--data-dir', dataDir, 'sync'], { stdio: ['ignore', 'ignore', 'pipe'] });
      const passed = new Promise<number | null>((resolve) => pass!.once('exit', (code) => resolve(code)));
      await eventually(() => lockPid(dataDir), (pid) => pid === pass!.pid);
      app = await startDevWeb(dataDir);
      window = await bridgeClient(app.url);
      const heard: Array<{ folderIds: number[]; messageIds: number[]; passRunning: boolean }> = [];
      window.api.on('messagesChanged', (change) => heard.push({ ...change, passRunning: pass!.exitCode === null && lockPid(dataDir) === pass!.pid }));
      expect(await window.api.getAppInfo({})).toMatchObject({ writable: false });
      const inbox = (await window.api.listFolders({ accountId })).find((f) => f.path === 'INBOX')!;

      // Told while the pass runs (the list of INBOX reads the store again), not only once the app writes.
      await eventually(() => heard.filter((h) => h.passRunning && h.folderIds.includes(inbox.id)).length, (n) => n > 0, 60_000);
      expect(await passed).toBe(0);
      const ids = await window.api.listMessageIds({ mailbox: { folderId: inbox.id } });
      const subjects = (await window.api.getMessageSummaries({ ids })).map((m) => m.subject);
      expect(subjects.filter((s) => s.startsWith('From cron'))).toHaveLength(4);
    } finally {
      window?.close();
      await app?.stop();
      if (pass && pass.exitCode === null) pass.kill('SIGKILL');
      await proxy.close();
      await server.destroy();
    }
  }, 120_000);
});

/**
 * `homing sync` from cron that holds the data directory for a long pass (a first download, a slow server),
 * with the app open and the user working in it, and `homing` run in a terminal meanwhile. Was a gap: the
 * one-shot holder served no command socket, so every change made in the window and every writing `homing`
 * failed with DATA_DIR_LOCKED until the pass ended. The server is slowed by a test proxy that throttles it
 * (fake only in its pace) until the test lets the pass finish.
 */
describe('the app and homing while a long one-shot homing sync holds the data directory', () => {
  let server: DovecotServer;
  let proxy: Awaited<ReturnType<typeof startFaultProxy>>;
  let dataDir: string;
  let accountId = '';
  let app: DevWeb | null = null;
  let window: Awaited<ReturnType<typeof bridgeClient>> | null = null;
  let pass: ChildProcess | null = null;
  let delivered = 0;

  beforeAll(async () => {
    server = await startDovecot();
    proxy = await startFaultProxy({ host: '127.0.0.1', port: server.ports.imaps });
    await deliverMany(server, 'alice', Array.from({ length: 4 }, (_, i) => ({ raw: corpusMessage(i) })));
    dataDir = join(tempDir(), 'data');
    const added = await runCli(
      ['--data-dir', dataDir, 'account', 'add', '--email', 'alice@example.org', '--protocol', 'imap', '--host', '127.0.0.1',
        '--port', String(proxy.port), '--security', 'tls', '--username', 'alice', '--password-env', 'FOLLOW_TEST_PW',
        '--trust-fingerprint', server.certificate.fingerprint256],
      { env: { FOLLOW_TEST_PW: PASSWORD } },
    );
    expect(added.status, added.stderr).toBe(0);
    accountId = added.stdout.trim();
    expect((await runCli(['--data-dir', dataDir, 'sync'])).status).toBe(0);
  });
  afterEach(async () => {
    proxy.heal();
    window?.close();
    window = null;
    await app?.stop();
    app = null;
    if (pass && pass.exitCode === null && pass.signalCode === null) pass.kill('SIGKILL');
    pass = null;
  });
  afterAll(async () => {
    await proxy?.close();
    await server?.destroy();
  });

  /**
   * Mail for the pass to download, the server slowed to `slow.bytesPerSecond` (read by the proxy at each
   * chunk it forwards: raised later, the pass ends), and the pass started; resolves once it holds the lock.
   */
  const startSlowPass = async () => {
    const padding = 'Words to make the message long enough to take a while. '.repeat(100);
    await deliverMany(server, 'alice', Array.from({ length: 4 }, () => {
      const n = delivered++;
      return { raw: Buffer.from(`From: Cron <cron@example.org>\r\nTo: alice@example.org\r\nSubject: Slow ${n}\r\nMessage-ID: <slow-${n}@example.org>\r\n\r\n${padding}\r\n`) };
    }));
    const slow = { kind: 'throttle' as const, bytesPerSecond: 1_000 };
    proxy.inject(slow);
    const bin = join(inject('buildDir'), 'node', 'homing.cjs');
    const child = spawn(process.execPath, [bin, '--data-dir', dataDir, 'sync'], { stdio: ['ignore', 'ignore', 'pipe'] });
    pass = child;
    let stderr = '';
    child.stderr!.setEncoding('utf8').on('data', (text: string) => (stderr += text));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    await eventually(() => lockPid(dataDir), (pid) => pid === child.pid, 30_000);
    return {
      child,
      exited,
      stderr: () => stderr,
      finish() {
        slow.bytesPerSecond = 100_000_000;
        proxy.heal();
      },
    };
  };

  it('hands the window’s changes and a terminal’s homing to the pass, each carried out once, and takes over when it ends', async () => {
    const cron = await startSlowPass();
    // It serves the command socket while it writes, as a watch does.
    await eventually(() => recordPid(dataDir), (pid) => pid === cron.child.pid, 30_000);
    app = await startDevWeb(dataDir);
    window = await bridgeClient(app.url);
    const heard: number[][] = [];
    window.api.on('messagesChanged', (change) => heard.push(change.messageIds));
    expect(await window.api.getAppInfo({})).toMatchObject({ writable: false });
    const inbox = (await window.api.listFolders({ accountId })).find((f) => f.path === 'INBOX')!;
    const ids = await window.api.listMessageIds({ mailbox: { folderId: inbox.id } });
    const [first, second] = await window.api.getMessageSummaries({ ids: ids.slice(0, 2) });

    // A click in the window while the pass runs: carried out by the pass's process, not refused.
    await window.api.markMessages({ ids: [first!.id], seen: true, flagged: true });
    expect((await window.api.getMessageSummaries({ ids: [first!.id] }))[0]).toMatchObject({ seen: true, flagged: true });
    // The reading pane reads an open message again when an event names it: the holder's event does.
    await eventually(() => heard.some((list) => list.includes(first!.id)), Boolean);
    await window.api.tagMessages({ ids: [first!.id], add: ['during-cron'] });
    // homing in a terminal meanwhile: handed to the pass too.
    const marked = await runCli(['--data-dir', dataDir, 'mark', String(second!.id), '--flag']);
    expect(marked).toMatchObject({ status: 0, stderr: '' });
    expect((await window.api.getMessageSummaries({ ids: [second!.id] }))[0]).toMatchObject({ flagged: true });
    expect(lockPid(dataDir)).toBe(cron.child.pid);
    expect(cron.child.exitCode).toBeNull();

    // The pass ends on its own; the app takes the writer over and carries out the next change itself.
    cron.finish();
    expect(await cron.exited).toBe(0);
    expect(cron.stderr()).not.toMatch(/homing: (?!note)/);
    await eventually(() => lockPid(dataDir), (pid) => pid === app!.pid, 30_000);
    await window.api.tagMessages({ ids: [first!.id], add: ['after-cron'] });
    const tags = await window.api.listTags({ accountId });
    expect(tags.filter((t) => t.name === 'during-cron' || t.name === 'after-cron').map((t) => [t.name, t.count]).sort()).toEqual([['after-cron', 1], ['during-cron', 1]]);
    const subjects = (await window.api.getMessageSummaries({ ids: await window.api.listMessageIds({ mailbox: { folderId: inbox.id } }) })).map((m) => m.subject);
    expect(subjects.filter((s) => s.startsWith('Slow '))).toHaveLength(4);
    // What the window changed reaches the server, once the app syncs.
    await eventually(() => serverFlags(server, first!.uid!), (flags) => flags.includes('\\Flagged') && flags.includes('\\Seen'), 60_000);
    await eventually(() => serverFlags(server, second!.uid!), (flags) => flags.includes('\\Flagged'), 60_000);
  }, 180_000);

  it('starts a homing sync --watch meanwhile: it waits for the pass to finish, then becomes the writer', async () => {
    const cron = await startSlowPass();
    await eventually(() => recordPid(dataDir), (pid) => pid === cron.child.pid, 30_000);
    const watcher = spawn(process.execPath, [join(inject('buildDir'), 'node', 'homing.cjs'), '--data-dir', dataDir, 'sync', '--watch'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    watcher.stderr!.setEncoding('utf8').on('data', (text: string) => (stderr += text));
    const watcherExited = new Promise<number | null>((resolve) => watcher.once('exit', (code) => resolve(code)));
    try {
      // Was DATA_DIR_LOCKED, 'the process holding the directory does that already': a pass from cron does not watch.
      await eventually(() => stderr, (text) => text.includes(`homing: note: waiting for homing (pid ${cron.child.pid}), which is writing`), 30_000);
      expect(watcher.exitCode).toBeNull();
      cron.finish();
      expect(await cron.exited).toBe(0);
      await eventually(() => lockPid(dataDir), (pid) => pid === watcher.pid, 30_000);
      await eventually(() => recordPid(dataDir), (pid) => pid === watcher.pid, 30_000);
      await eventually(() => stderr, (text) => /: synced, \d+ new/.test(text), 60_000);
    } finally {
      // (Interrupted before it has started watching, a watch exits by the signal rather than with 0: not this test's matter.)
      watcher.kill('SIGINT');
    }
    await watcherExited;
    expect(stderr).not.toMatch(/homing: (?!note)/);
  }, 120_000);

  it('takes the writer over from a one-shot pass that was killed, and carries out the window’s changes itself', async () => {
    const cron = await startSlowPass();
    await eventually(() => recordPid(dataDir), (pid) => pid === cron.child.pid, 30_000);
    app = await startDevWeb(dataDir);
    window = await bridgeClient(app.url);
    const inbox = (await window.api.listFolders({ accountId })).find((f) => f.path === 'INBOX')!;
    const [id] = await window.api.listMessageIds({ mailbox: { folderId: inbox.id } });
    await window.api.markMessages({ ids: [id!], seen: false });
    cron.child.kill('SIGKILL');
    await cron.exited;
    await eventually(() => lockPid(dataDir), (pid) => pid === app!.pid, 30_000);
    await window.api.markMessages({ ids: [id!], seen: true });
    expect((await window.api.getMessageSummaries({ ids: [id!] }))[0]).toMatchObject({ seen: true });
  }, 120_000);
});

describe('homing and a holder that is stopping', () => {
  it('runs a command the holder refused as it quit (WRITER_STOPPING) itself, once the lock is free', async () => {
    const dataDir = join(tempDir(), 'data');
    expect((await runCli(['--data-dir', dataDir, 'account', 'list'])).status).toBe(0);
    // A scripted holder (fake: a real one refuses only in the moment between its stop and its exit): this
    // test process holds the lock, serves the socket, and answers every call WRITER_STOPPING.
    const address = join(dataDir, 'homing.sock');
    const token = 'z'.repeat(43);
    const calls: string[] = [];
    const fake = createServer((socket) => {
      let buffer = Buffer.alloc(0);
      const send = (message: unknown) => {
        const body = Buffer.from(JSON.stringify(message));
        const head = Buffer.alloc(4);
        head.writeUInt32BE(body.length, 0);
        socket.write(Buffer.concat([head, body]));
      };
      socket.on('error', () => undefined);
      socket.on('data', (chunk: Buffer) => {
        buffer = Buffer.concat([buffer, chunk]);
        while (buffer.length >= 4 && buffer.length >= 4 + buffer.readUInt32BE(0)) {
          const frame = JSON.parse(buffer.subarray(4, 4 + buffer.readUInt32BE(0)).toString('utf8')) as { type: string; id?: number; method?: string };
          buffer = buffer.subarray(4 + buffer.readUInt32BE(0));
          if (frame.type === 'hello') send({ type: 'welcome', pid: process.pid, version: APP_VERSION });
          if (frame.type === 'call') {
            calls.push(frame.method!);
            send({ type: 'result', id: frame.id, envelope: { ok: false, error: { code: 'WRITER_STOPPING', message: 'stopping' } } });
            // Its lock goes a moment later, as a stopping holder's does once its service has closed.
            setTimeout(() => rmSync(join(dataDir, 'homing.lock'), { force: true }), 700);
          }
        }
      });
    });
    await new Promise<void>((resolve) => fake.listen(address, () => resolve()));
    try {
      writeFileSync(join(dataDir, 'homing.lock'), JSON.stringify({ pid: process.pid, host: hostname(), since: new Date().toISOString() }), { mode: 0o600 });
      writeFileSync(join(dataDir, 'homing.socket.json'), JSON.stringify({ pid: process.pid, host: hostname(), version: APP_VERSION, address, token }), { mode: 0o600 });
      const made = await runCli(['--data-dir', dataDir, 'folder', 'create', '--account', 'local', 'Handed']);
      expect(made).toMatchObject({ status: 0, stderr: '' });
      expect(calls).toEqual(['createFolder']);
      const folders = JSON.parse((await runCli(['--data-dir', dataDir, 'folders', '--json'])).stdout) as Array<{ path: string }>;
      expect(folders.filter((f) => f.path === 'Handed')).toHaveLength(1);
    } finally {
      fake.close();
    }
  });
});

describe('the command socket is reached only when it is this user’s', () => {
  it('refuses a socket in a folder others can write to, before sending anything', async () => {
    const dataDir = tempDir();
    chmodSync(dataDir, 0o700);
    const open = join(tempDir(), 'shared');
    mkdirSync(open);
    chmodSync(open, 0o777);
    const address = join(open, 's');
    let connected = false;
    const listener = createServer(() => (connected = true));
    await new Promise<void>((resolve) => listener.listen(address, () => resolve()));
    try {
      writeFileSync(join(dataDir, 'homing.socket.json'), JSON.stringify({
        pid: process.pid, host: hostname(), version: APP_VERSION,
        address, token: 'x'.repeat(43),
      }), { mode: 0o600 });
      const link = await connectToWriter(dataDir, { pid: process.pid });
      expect(link).toEqual({ refusal: expect.stringContaining('in a folder others can write to') });
      expect(connected).toBe(false);
      expect(existsSync(address)).toBe(true);
    } finally {
      listener.close();
    }
  });
});
