import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Security } from '../../shared/contract/accounts';
import { Pop3Client } from '../../electron/protocols/pop3/pop3-client';
import type { MessageSource } from '../../electron/store/message-source';
import { type FakePop3Options, type FakePop3Server, startFakePop3 } from '../servers/fake-pop3';
import { fakePop3Fixture, pop3Fixture, storedPop3, testMessage } from '../helpers/pop3-fixture';
import { homingFailure } from '../helpers/homing-failure';

/**
 * The client against a scripted fake server, for what Dovecot will not do. Every test name says so.
 * (Dovecot-backed tests are in pop3-client.test.ts and pop3-sync.test.ts.)
 */

const servers: FakePop3Server[] = [];
const clients: Pop3Client[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  for (const server of servers.splice(0)) await server.close();
});

async function fake(options: FakePop3Options): Promise<FakePop3Server> {
  const server = await startFakePop3(options);
  servers.push(server);
  return server;
}

async function connect(server: FakePop3Server, security: Security = 'none', timeouts = {}): Promise<Pop3Client> {
  const client = await Pop3Client.connect({ host: server.host, port: server.port, security, trustedFingerprint: null, timeouts });
  clients.push(client);
  return client;
}


function bytesOf(source: MessageSource): Buffer {
  if (source.kind !== 'buffer') throw new Error('expected an in-memory message');
  return source.bytes;
}

const tempDir = () => mkdtempSync(join(tmpdir(), 'homing-pop3-fake-'));

const dotted = Buffer.from(
  'From: a@example.org\r\nSubject: dots\r\n\r\n.leading dot\r\n..two leading dots\r\n.\r\n. \r\nend\r\n',
  'latin1',
);

describe('POP3 client', () => {
  it('scripted fake server: unstuffs dot-stuffed lines and keeps the bytes exactly', async () => {
    const eightBit = Buffer.concat([Buffer.from('Subject: 8bit\r\n\r\n'), Buffer.from([0xe9, 0xff, 0x00, 0x80]), Buffer.from('\r\n.\r\n')]);
    const server = await fake({ messages: [dotted, eightBit] });
    const client = await connect(server);
    await client.login('alice', 'secret');
    expect(bytesOf(await client.retr({ msgno: 1, tempDir: tempDir() })).equals(dotted)).toBe(true);
    expect(bytesOf(await client.retr({ msgno: 2, tempDir: tempDir() })).equals(eightBit)).toBe(true);
    await client.quit();
    expect(client.state).toBe('CLOSED');
  });

  it('scripted fake server: reads a whole session written one byte per TCP segment (terminator split byte by byte)', async () => {
    const server = await fake({ messages: [dotted, 'Subject: two\r\n\r\nbody\r\n'], chunkBytes: 1 });
    const client = await connect(server);
    await client.login('alice', 'secret');
    expect(await client.uidl()).toEqual([
      { msgno: 1, uidl: 'uid-1' },
      { msgno: 2, uidl: 'uid-2' },
    ]);
    expect(bytesOf(await client.retr({ msgno: 1, tempDir: tempDir() })).equals(dotted)).toBe(true);
    expect(bytesOf(await client.top({ msgno: 2, lines: 0, tempDir: tempDir() })).toString()).toBe('Subject: two\r\n\r\n');
    await client.quit();
  });

  it('scripted fake server: no CAPA (RFC 1939 only) still logs in with USER/PASS', async () => {
    const server = await fake({ capa: null, messages: ['Subject: x\r\n\r\ny\r\n'] });
    const client = await connect(server);
    expect(client.capabilities.known).toBe(false);
    // The greeting offers APOP and the connection is plain (security none): APOP keeps the password off the wire.
    expect(await client.login('alice', 'secret')).toBe('apop');
    expect(await client.stat()).toEqual({ count: 1, size: 'Subject: x\r\n\r\ny\r\n'.length });
    const plainGreeting = await fake({ capa: null, greeting: '+OK ready' });
    const other = await connect(plainGreeting);
    expect(await other.login('alice', 'secret')).toBe('user');
    expect(plainGreeting.commands).toEqual(['CAPA', 'USER alice', 'PASS secret']);
  });

  it('scripted fake server: no UIDL answers -ERR, which the client reports as a server refusal', async () => {
    const server = await fake({ uidl: false, messages: ['Subject: x\r\n\r\ny\r\n'] });
    const client = await connect(server);
    expect(client.capabilities.has('UIDL')).toBe(false);
    await client.login('alice', 'secret');
    const error = await homingFailure(client.uidl());
    expect(error.code).toBe('SERVER_ERROR');
    expect(await client.list()).toEqual([{ msgno: 1, size: 17 }]);
  });

  it('scripted fake server: logs in with SASL PLAIN, SASL LOGIN, USER/PASS and APOP', async () => {
    for (const mechanism of ['plain', 'login', 'user', 'apop'] as const) {
      const server = await fake({});
      const client = await connect(server);
      expect(await client.login('alice', 'secret', mechanism)).toBe(mechanism);
      expect(client.state).toBe('TRANSACTION');
    }
    const server = await fake({ capa: ['SASL PLAIN LOGIN', 'USER'], greeting: '+OK ready' });
    const client = await connect(server);
    expect(await client.login('alice', 'secret')).toBe('plain');
    expect(server.commands[1]).toBe(`AUTH PLAIN ${Buffer.from('\0alice\0secret').toString('base64')}`);
  });

  it('scripted fake server: sends a long AUTH PLAIN response after the empty challenge (RFC 5034 255-octet limit)', async () => {
    const long = 'p'.repeat(300);
    const server = await fake({ password: long });
    const client = await connect(server);
    await client.login('alice', long, 'plain');
    expect(server.commands.slice(1, 2)).toEqual(['AUTH PLAIN']);
  });

  it('scripted fake server: -ERR at each step becomes a coded error with the server’s text', async () => {
    const cases: Array<{ verb: string; reply: string; code: string; step: (c: Pop3Client) => Promise<unknown> }> = [
      { verb: 'USER', reply: '-ERR no such user\r\n', code: 'AUTH_FAILED', step: (c) => c.login('alice', 'secret', 'user') },
      { verb: 'PASS', reply: '-ERR [AUTH] Invalid password for alice\r\n', code: 'AUTH_FAILED', step: (c) => c.login('alice', 'secret', 'user') },
      { verb: 'PASS', reply: '-ERR [IN-USE] Mailbox is locked by another POP3 session\r\n', code: 'MAILBOX_LOCKED', step: (c) => c.login('alice', 'secret', 'user') },
      { verb: 'PASS', reply: '-ERR [SYS/TEMP] Try again later\r\n', code: 'SERVER_ERROR', step: (c) => c.login('alice', 'secret', 'user') },
      { verb: 'AUTH', reply: '-ERR [AUTH] Authentication failed\r\n', code: 'AUTH_FAILED', step: (c) => c.login('alice', 'secret', 'plain') },
      { verb: 'APOP', reply: '-ERR [AUTH] bad digest\r\n', code: 'AUTH_FAILED', step: (c) => c.login('alice', 'secret', 'apop') },
      { verb: 'STAT', reply: '-ERR [SYS/PERM] broken\r\n', code: 'SERVER_ERROR', step: async (c) => (await c.login('alice', 'secret', 'user'), c.stat()) },
      { verb: 'LIST', reply: '-ERR nope\r\n', code: 'SERVER_ERROR', step: async (c) => (await c.login('alice', 'secret', 'user'), c.list()) },
      { verb: 'UIDL', reply: '-ERR nope\r\n', code: 'SERVER_ERROR', step: async (c) => (await c.login('alice', 'secret', 'user'), c.uidl()) },
      { verb: 'RETR', reply: '-ERR no such message\r\n', code: 'SERVER_ERROR', step: async (c) => (await c.login('alice', 'secret', 'user'), c.retr({ msgno: 1, tempDir: tempDir() })) },
      { verb: 'TOP', reply: '-ERR no TOP\r\n', code: 'SERVER_ERROR', step: async (c) => (await c.login('alice', 'secret', 'user'), c.top({ msgno: 1, lines: 1, tempDir: tempDir() })) },
      { verb: 'DELE', reply: '-ERR cannot\r\n', code: 'SERVER_ERROR', step: async (c) => (await c.login('alice', 'secret', 'user'), c.dele(1)) },
      { verb: 'RSET', reply: '-ERR cannot\r\n', code: 'SERVER_ERROR', step: async (c) => (await c.login('alice', 'secret', 'user'), c.rset()) },
      { verb: 'NOOP', reply: '-ERR cannot\r\n', code: 'SERVER_ERROR', step: async (c) => (await c.login('alice', 'secret', 'user'), c.noop()) },
      { verb: 'QUIT', reply: '-ERR some deleted messages not removed\r\n', code: 'SERVER_ERROR', step: async (c) => (await c.login('alice', 'secret', 'user'), c.quit()) },
    ];
    for (const testCase of cases) {
      const server = await fake({ messages: ['Subject: x\r\n\r\ny\r\n'], override: (verb) => (verb === testCase.verb ? testCase.reply : undefined) });
      const client = await connect(server);
      const error = await homingFailure(testCase.step(client));
      expect(error.code, testCase.verb).toBe(testCase.code);
      const said = testCase.reply.replace(/^-ERR (\[[^\]]+\] )?/, '').trim();
      expect(error.message, testCase.verb).toContain(said);
      expect(JSON.stringify(error.detail), testCase.verb).not.toContain('secret');
    }
    // A greeting of -ERR, and a CAPA of -ERR (which only means "no CAPA").
    const refusing = await fake({ greeting: '-ERR [SYS/TEMP] server is shutting down' });
    expect((await homingFailure(connect(refusing))).code).toBe('SERVER_ERROR');
    const noCapa = await fake({ override: (verb) => (verb === 'CAPA' ? '-ERR what?\r\n' : undefined) });
    expect((await connect(noCapa)).capabilities.known).toBe(false);
  });

  it('scripted fake server: a connection dropped mid-RETR fails with CONNECTION_LOST and leaves no temp file', async () => {
    const big = Buffer.from(`Subject: big\r\n\r\n${'x'.repeat(998)}\r\n`.repeat(1));
    const huge = Buffer.concat([Buffer.from('Subject: huge\r\n\r\n'), Buffer.alloc(6 * 1024 * 1024, 'y\r\n')]);
    for (const [raw, afterBytes] of [
      [big, 300],
      [huge, 5 * 1024 * 1024],
    ] as const) {
      const server = await fake({ messages: [raw], cutRetr: { msgno: 1, afterBytes } });
      const client = await connect(server);
      await client.login('alice', 'secret');
      const dir = tempDir();
      const error = await homingFailure(client.retr({ msgno: 1, tempDir: dir }));
      expect(error.code).toBe('CONNECTION_LOST');
      expect(client.state).toBe('CLOSED');
      expect((await homingFailure(client.noop())).code).toBe('CONNECTION_LOST');
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(readdirSync(dir)).toEqual([]);
    }
  });

  it('scripted fake server: a silent server times out (greeting, and a RETR that never comes)', async () => {
    const silent = await fake({ greeting: null });
    const error = await homingFailure(connect(silent, 'none', { commandMs: 300 }));
    expect(error.code).toBe('TIMEOUT');
    expect(error.message).toMatch(/greeting/);

    const stalls = await fake({ messages: ['Subject: x\r\n\r\ny\r\n'], override: (verb) => (verb === 'RETR' ? 'silence' : undefined) });
    const client = await connect(stalls, 'none', { transferIdleMs: 300 });
    await client.login('alice', 'secret');
    expect((await homingFailure(client.retr({ msgno: 1, tempDir: tempDir() }))).code).toBe('TIMEOUT');
  });

  it('scripted fake server: never sends a password over a plain connection unless security is none', async () => {
    // starttls, but the server does not offer STLS.
    const noStls = await fake({});
    expect((await homingFailure(connect(noStls, 'starttls'))).code).toBe('AUTH_PLAINTEXT_REFUSED');
    // starttls offered, then refused.
    const refuses = await fake({ capa: ['STLS', 'USER'] });
    expect((await homingFailure(connect(refuses, 'starttls'))).code).toBe('AUTH_PLAINTEXT_REFUSED');
    for (const server of [noStls, refuses]) {
      expect(server.commands.some((line) => /^(USER|PASS|AUTH|APOP)/.test(line))).toBe(false);
    }
    // A client whose security says tls cannot end up plain; the gate itself is checked by hand here.
    const plain = await fake({});
    const client = await connect(plain, 'none');
    (client as unknown as { security: Security }).security = 'starttls';
    const refused = await homingFailure(client.login('alice', 'secret', 'user'));
    expect(refused.code).toBe('AUTH_PLAINTEXT_REFUSED');
    expect(plain.commands).toEqual(['CAPA']);
  });

  it('scripted fake server: pipelines RETR and DELE when PIPELINING is offered, and not otherwise', async () => {
    const messages = ['Subject: 1\r\n\r\na\r\n', 'Subject: 2\r\n\r\nb\r\n', 'Subject: 3\r\n\r\nc\r\n'];
    for (const pipelining of [true, false]) {
      const server = await fake({ messages, capa: ['USER', 'UIDL', ...(pipelining ? ['PIPELINING'] : [])] });
      const client = await connect(server);
      await client.login('alice', 'secret');
      const dir = tempDir();
      const got = await Promise.all([1, 2, 3].map((msgno) => client.retr({ msgno, tempDir: dir })));
      expect(got.map((s) => bytesOf(s).toString())).toEqual(messages);
      await Promise.all([1, 2, 3].map((msgno) => client.dele(msgno)));
      await client.quit();
      const pipelined = server.arrivals.filter((a) => a.repliesWritten < a.index).map((a) => a.line);
      if (pipelining) expect(pipelined).toEqual(['RETR 2', 'RETR 3', 'DELE 2', 'DELE 3']);
      else expect(pipelined).toEqual([]);
      expect(server.messages).toEqual([]);
    }
  });

  it('scripted fake server: DELE without QUIT deletes nothing (a dropped session), RSET undoes DELE', async () => {
    const server = await fake({ messages: ['Subject: 1\r\n\r\na\r\n', 'Subject: 2\r\n\r\nb\r\n'] });
    const client = await connect(server);
    await client.login('alice', 'secret');
    await client.dele(1);
    client.close();
    expect(server.messages).toHaveLength(2);
    const again = await connect(server);
    await again.login('alice', 'secret');
    await again.dele(1);
    await again.rset();
    await again.quit();
    expect(server.messages).toHaveLength(2);
  });

  it('scripted fake server: refuses to start TLS on top of bytes sent after the STLS answer (CVE-2011-0411)', async () => {
    const server = await fake({ capa: ['STLS', 'USER'], override: (verb) => (verb === 'STLS' ? '+OK Begin TLS\r\n+OK injected\r\n' : undefined) });
    const error = await homingFailure(connect(server, 'starttls'));
    expect(error.code).toBe('PROTOCOL_ERROR');
  });
});

describe('POP3 sync', () => {
  const messages = () => [testMessage(1), testMessage(2, '.dotted\r\n'), testMessage(3)];

  it('scripted fake server: no UIDL under "leave on server" stores everything once and explains POP3_NO_UIDL', async () => {
    const server = await fake({ uidl: false, messages: messages() });
    const f = await fakePop3Fixture(server);
    const error = await homingFailure(f.engine.syncOnce(f.context()));
    expect(error.code).toBe('POP3_NO_UIDL');
    expect(error.message).toMatch(/right after download/);
    expect(error.detail).toMatchObject({ policy: 'never', workingPolicies: ['after-download'], added: 3 });
    expect(storedPop3(f.db, f.account.id).map((m) => m.subject).sort()).toEqual(['message 1', 'message 2', 'message 3']);
    // Again: everything is downloaded again (nothing says what is new) but nothing is stored twice or deleted.
    expect((await homingFailure(f.engine.syncOnce(f.context()))).detail).toMatchObject({ added: 0 });
    expect(storedPop3(f.db, f.account.id)).toHaveLength(3);
    expect(server.messages).toHaveLength(3);
    expect(server.commands.some((c) => c.startsWith('DELE'))).toBe(false);
  });

  it('scripted fake server: no UIDL with "delete right after download" works fully', async () => {
    const server = await fake({ uidl: false, messages: messages() });
    const f = await fakePop3Fixture(server, { policy: { kind: 'after-download' } });
    expect(await f.engine.syncOnce(f.context())).toEqual({ added: 3 });
    expect(server.messages).toEqual([]);
    expect(storedPop3(f.db, f.account.id).map((m) => m.raw.toString()).sort()).toEqual(messages().sort());
    expect(await f.engine.syncOnce(f.context())).toEqual({ added: 0 });
  });

  it('scripted fake server: a connection dropped mid-RETR stores nothing half, deletes nothing, and the next run completes', async () => {
    const raws = Array.from({ length: 6 }, (_, i) => testMessage(i + 1, 'x'.repeat(3000) + '\r\n'));
    // Newest first: RETR 6, 5, 4 … The cut comes in the middle of message 3.
    const server = await fake({ messages: raws, cutRetr: { msgno: 3, afterBytes: 1500 }, capa: ['USER', 'UIDL', 'TOP'] });
    const f = await fakePop3Fixture(server, { policy: { kind: 'after-download' } });
    const error = await homingFailure(f.engine.syncOnce(f.context()));
    expect(error.code).toBe('CONNECTION_LOST');
    const first = storedPop3(f.db, f.account.id);
    expect(first.map((m) => m.subject).sort()).toEqual(['message 4', 'message 5', 'message 6']);
    for (const m of first) expect(raws).toContain(m.raw.toString());
    expect(server.messages).toHaveLength(6);
    const leftovers = existsSync(join(f.dir, 'tmp')) ? readdirSync(join(f.dir, 'tmp'), { recursive: true }) : [];
    expect(leftovers.filter((n) => String(n).endsWith('.eml'))).toEqual([]);

    expect(await f.engine.syncOnce(f.context())).toEqual({ added: 3 });
    expect(server.messages).toEqual([]);
    const stored = storedPop3(f.db, f.account.id);
    expect(stored).toHaveLength(6);
    expect(stored.map((m) => m.raw.toString()).sort()).toEqual([...raws].sort());
  });

  it('scripted fake server: the whole sync works with replies written one byte at a time', async () => {
    const server = await fake({ messages: messages(), chunkBytes: 1 });
    const f = await fakePop3Fixture(server, { policy: { kind: 'after-download' } });
    expect(await f.engine.syncOnce(f.context())).toEqual({ added: 3 });
    expect(storedPop3(f.db, f.account.id).map((m) => m.raw.toString()).sort()).toEqual(messages().sort());
    expect(server.messages).toEqual([]);
  });

  it('scripted fake server: a message the server refuses is skipped and reported; the others are stored and deleted', async () => {
    const server = await fake({ messages: messages(), override: (verb, args) => (verb === 'RETR' && args[0] === '2' ? '-ERR [SYS/PERM] message is unreadable\r\n' : undefined) });
    const f = await fakePop3Fixture(server, { policy: { kind: 'after-download' } });
    const error = await homingFailure(f.engine.syncOnce(f.context()));
    expect(error.code).toBe('SERVER_ERROR');
    expect(error.message).toMatch(/1 message\(s\) could not be downloaded: .*unreadable/);
    expect(storedPop3(f.db, f.account.id).map((m) => m.subject).sort()).toEqual(['message 1', 'message 3']);
    expect(server.messages.map((m) => m.raw.toString())).toEqual([testMessage(2, '.dotted\r\n')]);
  });

  it('scripted fake server: unique-ids RFC 1939 does not allow (blanks, a control character, 600 characters, empty) are keys of their own, not a failed listing', async () => {
    // One such line failed the whole UIDL listing with PROTOCOL_ERROR at every pass: nothing downloaded, ever.
    const odd = ['abc def', 'tab\there', 'ctl\x01x', 'x'.repeat(600), ''];
    const raws = odd.map((_, i) => testMessage(i + 1));
    const server = await fake({ messages: [...odd.map((uidl, i) => ({ uidl, raw: Buffer.from(raws[i]!) })), { uidl: 'plain-7', raw: Buffer.from(testMessage(7)) }] });
    const f = await fakePop3Fixture(server, { policy: { kind: 'after-download' } });
    expect(await f.engine.syncOnce(f.context())).toEqual({ added: 6 });
    const stored = storedPop3(f.db, f.account.id);
    expect(stored.map((m) => m.raw.toString()).sort()).toEqual([...raws, testMessage(7)].sort());
    expect(stored.map((m) => m.uidl!).filter((u) => u !== 'plain-7').every((u) => /^uidl-sha256 [0-9a-f]{64}$/.test(u))).toBe(true);
    expect(server.messages).toEqual([]);
  });

  it('scripted fake server: an unusual unique-id is as stable as the server: kept on the server, stored once over several passes', async () => {
    const server = await fake({ messages: [{ uidl: 'has a blank', raw: Buffer.from(testMessage(1)) }, { uidl: 'ok-2', raw: Buffer.from(testMessage(2)) }] });
    const f = await fakePop3Fixture(server, { policy: { kind: 'never' } });
    expect(await f.engine.syncOnce(f.context())).toEqual({ added: 2 });
    expect(await f.engine.syncOnce(f.context())).toEqual({ added: 0 });
    expect(storedPop3(f.db, f.account.id)).toHaveLength(2);
    expect(server.messages).toHaveLength(2);
  });

  it('scripted fake server: a message stored partially is not completed with another one when its UIDL is later listed twice', async () => {
    const big = testMessage(1, `${'x'.repeat(100)}\r\n`.repeat(40));
    const server = await fake({ messages: [{ uidl: 'u-1', raw: Buffer.from(big) }] });
    const f = await pop3Fixture({ port: server.port, security: 'none', user: 'alice', password: 'secret', settings: { pop3MaxMessageKb: 1 } });
    expect(await f.engine.syncOnce(f.context())).toEqual({ added: 1 });
    const partial = storedPop3(f.db, f.account.id)[0]!;
    expect(partial.bodyStatus).toBe('partial');
    // A broken server now gives that id to a newer message too, listed first.
    server.messages.unshift({ uidl: 'u-1', raw: Buffer.from(testMessage(2)) });
    const error = await homingFailure(f.engine.completeMessage!(f.context(), partial.id));
    expect(error.code).toBe('SERVER_ERROR');
    const after = storedPop3(f.db, f.account.id).find((m) => m.id === partial.id)!;
    expect(after.bodyStatus).toBe('partial');
    expect(after.raw.toString()).toContain('Subject: message 1');
  });

  it('scripted fake server: a LIST line whose size is not a number is a message of unknown size, not a failed listing (with UIDL and without)', async () => {
    // One such line failed LIST with PROTOCOL_ERROR at every pass: nothing downloaded, ever.
    const brokenList = (verb: string) => (verb === 'LIST' ? `+OK\r\n1 ${testMessage(1).length}\r\n2 n/a\r\n3\r\n.\r\n` : undefined);
    for (const uidl of [true, false]) {
      const server = await fake({ messages: messages(), uidl, override: brokenList });
      const f = await fakePop3Fixture(server, { policy: { kind: 'after-download' } });
      expect(await f.engine.syncOnce(f.context())).toEqual({ added: 3 });
      expect(storedPop3(f.db, f.account.id).map((m) => m.raw.toString()).sort()).toEqual(messages().sort());
      expect(server.messages).toEqual([]);
    }
  });

  it('scripted fake server: a server that ignores TOP\'s line count and sends a whole 18 MB message: the headers and first lines are kept, the pass succeeds', async () => {
    // The whole answer was over TOP's 16 MiB limit: RESPONSE_TOO_LARGE at every pass, nothing else deleted.
    const big = Buffer.from(testMessage(1, `${'z'.repeat(70)}\r\n`.repeat(260_000)));
    const raws = [big, Buffer.from(testMessage(2))];
    const server = await fake({
      messages: raws.map((raw, i) => ({ uidl: `u-${i + 1}`, raw })),
      override: (verb, args) => (verb === 'TOP' ? Buffer.concat([Buffer.from('+OK\r\n'), raws[Number(args[0]) - 1]!, Buffer.from('.\r\n')]) : undefined),
    });
    const f = await pop3Fixture({ port: server.port, security: 'none', user: 'alice', password: 'secret', settings: { pop3MaxMessageKb: 100 } });
    expect(await f.engine.syncOnce(f.context())).toEqual({ added: 2 });
    const partial = storedPop3(f.db, f.account.id).find((m) => m.subject === 'message 1')!;
    expect(partial.bodyStatus).toBe('partial');
    const headerEnd = big.indexOf('\r\n\r\n') + 4;
    let end = headerEnd;
    for (let line = 0; line < 40; line++) end = big.indexOf('\n', end) + 1;
    expect(partial.raw.equals(big.subarray(0, end))).toBe(true);
    expect(await f.engine.syncOnce(f.context())).toEqual({ added: 0 });
    await f.engine.completeMessage!(f.context(), partial.id);
    expect(storedPop3(f.db, f.account.id).find((m) => m.id === partial.id)!.raw.equals(big)).toBe(true);
  });

  it('scripted fake server: no CAPA (RFC 1939 only): the whole sync works with USER/PASS, UIDL and DELE', async () => {
    const server = await fake({ capa: null, greeting: '+OK ready', messages: messages() });
    const f = await fakePop3Fixture(server, { policy: { kind: 'after-download' } });
    expect(await f.engine.syncOnce(f.context())).toEqual({ added: 3 });
    expect(storedPop3(f.db, f.account.id).map((m) => m.raw.toString()).sort()).toEqual(messages().sort());
    expect(server.messages).toEqual([]);
    expect(server.commands.slice(0, 3)).toEqual(['CAPA', 'USER alice', 'PASS secret']);
    expect(await f.engine.syncOnce(f.context())).toEqual({ added: 0 });
  });

  it('scripted fake server: -ERR to a DELE keeps that message on the server; the next pass deletes it', async () => {
    let refuse = true;
    const server = await fake({ messages: messages(), override: (verb, args) => (refuse && verb === 'DELE' && args[0] === '2' ? '-ERR [SYS/TEMP] cannot delete now\r\n' : undefined) });
    const f = await fakePop3Fixture(server, { policy: { kind: 'after-download' } });
    expect(await f.engine.syncOnce(f.context())).toEqual({ added: 3 });
    expect(server.messages.map((m) => m.uidl)).toEqual(['uid-2']);
    expect(storedPop3(f.db, f.account.id)).toHaveLength(3);
    refuse = false;
    expect(await f.engine.syncOnce(f.context())).toEqual({ added: 0 });
    expect(server.messages).toEqual([]);
    expect(storedPop3(f.db, f.account.id)).toHaveLength(3);
  });

  it('scripted fake server: -ERR to QUIT (deletions not done) fails the pass, keeps everything, and the next pass deletes', async () => {
    let refuse = true;
    const server = await fake({ messages: messages(), override: (verb) => (refuse && verb === 'QUIT' ? '-ERR [SYS/TEMP] some deleted messages not removed\r\n' : undefined) });
    const f = await fakePop3Fixture(server, { policy: { kind: 'after-download' } });
    const error = await homingFailure(f.engine.syncOnce(f.context()));
    expect(error.code).toBe('SERVER_ERROR');
    expect(error.message).toContain('some deleted messages not removed');
    expect(server.messages).toHaveLength(3);
    expect(storedPop3(f.db, f.account.id)).toHaveLength(3);
    refuse = false;
    expect(await f.engine.syncOnce(f.context())).toEqual({ added: 0 });
    expect(server.messages).toEqual([]);
    expect(storedPop3(f.db, f.account.id).map((m) => m.raw.toString()).sort()).toEqual(messages().sort());
  });

  it('scripted fake server: a server that falls silent mid-session (at UIDL, at QUIT) times out; nothing deleted, the next pass completes', async () => {
    let silentAt: string | null = 'UIDL';
    const server = await fake({ messages: messages(), override: (verb) => (verb === silentAt ? 'silence' : undefined) });
    const f = await pop3Fixture({
      port: server.port,
      security: 'none',
      user: 'alice',
      password: 'secret',
      settings: { pop3Delete: { kind: 'after-download' } },
      engine: { timeouts: { commandMs: 300, transferIdleMs: 300, quitMs: 300 } },
    });
    const atUidl = await homingFailure(f.engine.syncOnce(f.context()));
    expect(atUidl.code).toBe('TIMEOUT');
    expect(storedPop3(f.db, f.account.id)).toEqual([]);
    silentAt = 'QUIT';
    const atQuit = await homingFailure(f.engine.syncOnce(f.context()));
    expect(atQuit.code).toBe('TIMEOUT');
    // Everything was stored and DELE'd, but a session that never reached its UPDATE state deletes nothing.
    expect(storedPop3(f.db, f.account.id)).toHaveLength(3);
    expect(server.messages).toHaveLength(3);
    silentAt = null;
    expect(await f.engine.syncOnce(f.context())).toEqual({ added: 0 });
    expect(server.messages).toEqual([]);
    expect(storedPop3(f.db, f.account.id)).toHaveLength(3);
  });

  it('scripted fake server: -ERR [IN-USE] at login ends the pass with MAILBOX_LOCKED, nothing changed', async () => {
    const server = await fake({ messages: messages(), override: (verb) => (['AUTH', 'PASS', 'APOP'].includes(verb) ? '-ERR [IN-USE] Mailbox is locked\r\n' : undefined) });
    const f = await fakePop3Fixture(server, { policy: { kind: 'after-download' } });
    expect((await homingFailure(f.engine.syncOnce(f.context()))).code).toBe('MAILBOX_LOCKED');
    expect(storedPop3(f.db, f.account.id)).toEqual([]);
  });
});
