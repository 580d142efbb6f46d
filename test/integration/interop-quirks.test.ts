import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { connectImap } from '../../electron/protocols/imap/imap-connection';
import { imapEngine } from '../../electron/sync/imap/imap-engine';
import { type FakePop3Options, type FakePop3Server, startFakePop3 } from '../servers/fake-pop3';
import { type DovecotServer, startDovecot } from '../servers/dovecot';
import { type ImapQuirkProxy, type LineRewrite, startImapQuirkProxy } from '../servers/imap-quirk-proxy';
import { corpusMessage } from '../helpers/imap-corpus';
import { deliverMany, imapFixture, secondClient, serverState, storeState } from '../helpers/imap-sync';
import { fakePop3Fixture, storedPop3, testMessage } from '../helpers/pop3-fixture';
import { homingFailure } from '../helpers/homing-failure';

/**
 * Quirks of servers in the wild that none of the three local servers (Dovecot, Cyrus, Courier) shows,
 * so they are played by scripted fake servers; every test name says so. Already covered elsewhere:
 * no UIDL, no CAPA, -ERR at each step, drops mid-RETR, byte-by-byte replies (pop3-fake-server.test.ts).
 */

const servers: FakePop3Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});

async function fake(options: FakePop3Options): Promise<FakePop3Server> {
  const server = await startFakePop3(options);
  servers.push(server);
  return server;
}



const big = testMessage(1, Array.from({ length: 200 }, (_, i) => `line ${i} ${'x'.repeat(60)}`).join('\r\n') + '\r\n');
const small = testMessage(2);

describe('POP3 quirks', () => {
  it('scripted fake server: no TOP in CAPA: a message over the size limit is downloaded whole, TOP is never sent', async () => {
    const server = await fake({ messages: [big, small], capa: ['USER', 'UIDL'] });
    const f = await fakePop3Fixture(server, { maxKb: 4 });
    expect(await f.engine.syncOnce(f.context())).toEqual({ added: 2 });
    const stored = storedPop3(f.db, f.account.id);
    expect(stored.map((m) => m.bodyStatus)).toEqual(['full', 'full']);
    expect(stored.map((m) => m.raw.toString()).sort()).toEqual([big, small].sort());
    expect(server.commands.some((c) => c.startsWith('TOP'))).toBe(false);
  });

  it('scripted fake server: TOP offered but refused (-ERR, as some servers do for TOP of a large message): RETR instead, nothing lost', async () => {
    const server = await fake({
      messages: [big, small],
      capa: ['USER', 'UIDL', 'TOP'],
      override: (verb) => (verb === 'TOP' ? '-ERR TOP not supported\r\n' : undefined),
    });
    const f = await fakePop3Fixture(server, { maxKb: 4, policy: { kind: 'after-download' } });
    expect(await f.engine.syncOnce(f.context())).toEqual({ added: 2 });
    const stored = storedPop3(f.db, f.account.id);
    expect(stored.map((m) => m.raw.toString()).sort()).toEqual([big, small].sort());
    expect(stored.every((m) => m.bodyStatus === 'full')).toBe(true);
    expect(server.commands.some((c) => c.startsWith('TOP'))).toBe(true);
    expect(server.messages).toEqual([]);
  });

  it('scripted fake server: no CAPA and no TOP (RFC 1939 minimum): over the limit is stored whole after TOP fails', async () => {
    const server = await fake({ messages: [big], capa: null, override: (verb) => (verb === 'TOP' ? '-ERR unknown command\r\n' : undefined) });
    const f = await fakePop3Fixture(server, { maxKb: 4 });
    expect(await f.engine.syncOnce(f.context())).toEqual({ added: 1 });
    expect(storedPop3(f.db, f.account.id)[0]).toMatchObject({ bodyStatus: 'full', subject: 'message 1' });
  });

  it('scripted fake server: drops the connection on a wrong password (no -ERR): one fresh try, then AUTH_FAILED (not retried with backoff), nothing changed', async () => {
    const server = await fake({
      messages: [small],
      greeting: '+OK POP3 ready',
      capa: ['USER', 'UIDL', 'TOP'],
      override: (verb, args) => (verb === 'PASS' && args.join(' ') !== 'secret' ? 'drop' : undefined),
    });
    const f = await fakePop3Fixture(server, { password: 'wrong-password-123', policy: { kind: 'after-download' } });
    const error = await homingFailure(f.engine.syncOnce(f.context()));
    expect(error.code).toBe('AUTH_FAILED');
    expect(JSON.stringify({ message: error.message, detail: error.detail })).not.toContain('wrong-password-123');
    expect(error.detail).toMatchObject({ closedOnLogin: true });
    // A cut at that moment looks the same, so one fresh connection tries again; no more than that.
    expect(server.sessions()).toBe(2);
    expect(server.commands.filter((c) => c.startsWith('PASS'))).toHaveLength(2);
    expect(storedPop3(f.db, f.account.id)).toEqual([]);
    expect(server.messages).toHaveLength(1);
  });

  it('scripted fake server: drops the connection on a wrong SASL PLAIN password: AUTH_FAILED after two attempts', async () => {
    const server = await fake({
      messages: [small],
      greeting: '+OK POP3 ready',
      capa: ['USER', 'UIDL', 'SASL PLAIN'],
      override: (verb, args) => {
        if (verb !== 'AUTH' || !args[1]) return undefined;
        const [, , pass] = Buffer.from(args[1], 'base64').toString('utf8').split('\0');
        return pass === 'secret' ? undefined : 'drop';
      },
    });
    const f = await fakePop3Fixture(server, { password: 'wrong-password-123' });
    const error = await homingFailure(f.engine.syncOnce(f.context()));
    expect(error.code).toBe('AUTH_FAILED');
    expect(server.sessions()).toBe(2);
    expect(server.commands.filter((c) => c.startsWith('AUTH'))).toHaveLength(2);
  });

  it('scripted fake server: a connection cut once at login (the right password) is tried again at once and the pass completes', async () => {
    let cut = false;
    const server = await fake({
      messages: [small],
      greeting: '+OK POP3 ready',
      capa: ['USER', 'UIDL'],
      override: (verb) => (verb === 'PASS' && !cut ? ((cut = true), 'drop') : undefined),
    });
    const f = await fakePop3Fixture(server);
    expect(await f.engine.syncOnce(f.context())).toEqual({ added: 1 });
    expect(server.sessions()).toBe(2);
  });
});

describe('IMAP quirks: Dovecot behind a rewriting proxy', () => {
  let server: DovecotServer;
  const proxies: ImapQuirkProxy[] = [];
  const users = ['omit', 'bogus', 'drop'].map((name) => ({ name, password: `${name}-secret` }));
  beforeAll(async () => {
    server = await startDovecot({ users, allowPlaintext: true });
  });
  afterAll(async () => {
    for (const proxy of proxies) await proxy.close();
    await server?.destroy();
  });
  const proxy = async (rewrite: LineRewrite) => {
    const p = await startImapQuirkProxy({ host: '127.0.0.1', port: server.ports.imap }, rewrite);
    proxies.push(p);
    return p;
  };
  const mailbox = (user: string) =>
    deliverMany(
      server,
      user,
      Array.from({ length: 10 }, (_, i) => ({ raw: corpusMessage(i), flags: i % 2 ? ['\\Seen'] : [] })),
    );

  /** The second client deletes (and flags) on the server directly; the proxied sync must still end equal to it. */
  async function changeAndCompare(user: string, via: ImapQuirkProxy, change: (uids: number[]) => { expunge: number[]; flag: number[] }) {
    const fx = await imapFixture(server, { user, port: via.port, security: 'none' });
    await imapEngine.syncOnce(fx.context());
    const other = await secondClient(server, user);
    try {
      const lock = await other.getMailboxLock('INBOX');
      try {
        const uids = (await other.search({ all: true }, { uid: true })) || [];
        const { expunge, flag } = change(uids);
        await other.messageFlagsAdd(flag.join(','), ['\\Flagged'], { uid: true });
        await other.messageDelete(expunge.join(','), { uid: true });
      } finally {
        lock.release();
      }
      await imapEngine.syncOnce(fx.context());
      expect(storeState(fx.db, fx.account.id)).toEqual(await serverState(other));
    } finally {
      await other.logout();
    }
  }

  it('rewriting proxy: QRESYNC is on, and a server that leaves out VANISHED still has its expunges found (count check, UID diff)', async () => {
    await mailbox('omit');
    const p = await proxy((line) => (/^\* VANISHED /i.test(line) ? null : undefined));
    const connection = await connectImap({ host: '127.0.0.1', port: p.port, security: 'none', username: 'omit', password: 'omit-secret', trustedFingerprint: null });
    expect(connection.qresync).toBe(true);
    await connection.logout();
    await changeAndCompare('omit', p, (uids) => ({ expunge: uids.slice(1, 4), flag: uids.slice(5, 6) }));
    expect(p.rewritten.some((l) => /^\* VANISHED \(EARLIER\)/i.test(l))).toBe(true);
  });

  it('rewriting proxy: a VANISHED (EARLIER) that also names messages still on the server loses nothing (they are fetched again)', async () => {
    await mailbox('bogus');
    let alive = 0;
    const p = await proxy((line) => (alive && /^\* VANISHED \(EARLIER\) /i.test(line) ? `${line},${alive}` : undefined));
    await changeAndCompare('bogus', p, (uids) => {
      alive = uids[7]!;
      return { expunge: uids.slice(0, 2), flag: uids.slice(8, 9) };
    });
    expect(p.rewritten.length).toBeGreaterThan(0);
  });

  it('rewriting proxy: a server that drops the connection on a wrong password (no tagged NO): one fresh try, then AUTH_FAILED', async () => {
    const p = await proxy((line) => (/^\S+ NO \[AUTHENTICATIONFAILED\]/i.test(line) ? 'cut' : undefined));
    const fx = await imapFixture(server, { user: 'drop', password: 'wrong-password-123', port: p.port, security: 'none' });
    const outcome = await fx.runtime.syncOne(fx.account, new AbortController().signal);
    expect(outcome.error?.code).toBe('AUTH_FAILED');
    expect(outcome.error?.message).not.toContain('wrong-password-123');
    // A cut at that moment looks the same, so one fresh connection tries again; no more than that.
    expect(p.rewritten).toHaveLength(2);
    expect(p.connections()).toBe(2);
  });

  it('rewriting proxy: a connection cut once right after LOGIN (the right password) is tried again at once and the pass completes', async () => {
    let cut = false;
    const p = await proxy((line) => (!cut && /^[^*+\s]\S* OK .*Logged in/i.test(line) ? ((cut = true), 'cut') : undefined));
    const fx = await imapFixture(server, { user: 'drop', port: p.port, security: 'none' });
    const outcome = await fx.runtime.syncOne(fx.account, new AbortController().signal);
    expect(outcome.error).toBeNull();
    expect(p.rewritten).toHaveLength(1);
    expect(p.connections()).toBeGreaterThanOrEqual(2);
  });
});
