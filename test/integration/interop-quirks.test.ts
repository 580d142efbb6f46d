import { afterEach, describe, expect, it } from 'vitest';
import { HomingError } from '../../shared/errors';
import type { Pop3DeletePolicy } from '../../shared/contract/accounts';
import { type FakePop3Options, type FakePop3Server, startFakePop3 } from '../servers/fake-pop3';
import { pop3Fixture, storedPop3, testMessage } from '../helpers/pop3-fixture';

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

const fixtureFor = (server: FakePop3Server, options: { policy?: Pop3DeletePolicy; maxKb?: number | null; password?: string } = {}) =>
  pop3Fixture({
    port: server.port,
    security: 'none',
    user: 'alice',
    password: options.password ?? 'secret',
    settings: { pop3Delete: options.policy ?? { kind: 'never' }, pop3MaxMessageKb: options.maxKb ?? null },
  });

async function failure(promise: Promise<unknown>): Promise<HomingError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof HomingError) return error;
    throw error;
  }
  throw new Error('expected the promise to reject');
}

const big = testMessage(1, Array.from({ length: 200 }, (_, i) => `line ${i} ${'x'.repeat(60)}`).join('\r\n') + '\r\n');
const small = testMessage(2);

describe('POP3 quirks', () => {
  it('scripted fake server: no TOP in CAPA: a message over the size limit is downloaded whole, TOP is never sent', async () => {
    const server = await fake({ messages: [big, small], capa: ['USER', 'UIDL'] });
    const f = await fixtureFor(server, { maxKb: 4 });
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
    const f = await fixtureFor(server, { maxKb: 4, policy: { kind: 'after-download' } });
    expect(await f.engine.syncOnce(f.context())).toEqual({ added: 2 });
    const stored = storedPop3(f.db, f.account.id);
    expect(stored.map((m) => m.raw.toString()).sort()).toEqual([big, small].sort());
    expect(stored.every((m) => m.bodyStatus === 'full')).toBe(true);
    expect(server.commands.some((c) => c.startsWith('TOP'))).toBe(true);
    expect(server.messages).toEqual([]);
  });

  it('scripted fake server: no CAPA and no TOP (RFC 1939 minimum): over the limit is stored whole after TOP fails', async () => {
    const server = await fake({ messages: [big], capa: null, override: (verb) => (verb === 'TOP' ? '-ERR unknown command\r\n' : undefined) });
    const f = await fixtureFor(server, { maxKb: 4 });
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
    const f = await fixtureFor(server, { password: 'wrong-password-123', policy: { kind: 'after-download' } });
    const error = await failure(f.engine.syncOnce(f.context()));
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
    const f = await fixtureFor(server, { password: 'wrong-password-123' });
    const error = await failure(f.engine.syncOnce(f.context()));
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
    const f = await fixtureFor(server);
    expect(await f.engine.syncOnce(f.context())).toEqual({ added: 1 });
    expect(server.sessions()).toBe(2);
  });
});
