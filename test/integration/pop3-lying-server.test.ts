import { afterEach, describe, expect, it } from 'vitest';
import { type FakePop3Options, type FakePop3Server, startFakePop3 } from '../servers/fake-pop3';
import { fakePop3Fixture, storedPop3, testMessage } from '../helpers/pop3-fixture';
import { homingFailure } from '../helpers/homing-failure';

/**
 * Servers whose answers do not match their maildrop: LIST sizes that lie, a message another client
 * deleted between the listing and the RETR, dot-stuffed lines across every read boundary of a message
 * large enough to go to a temp file. Played by a scripted fake server (a real one does none of it on
 * demand); every test name says so.
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



/** A LIST whose sizes are `size(n)` instead of the messages' own. */
const lyingList = (server: () => FakePop3Server, size: (n: number) => number) => (verb: string, args: string[]) => {
  if (verb !== 'LIST') return undefined;
  const count = server().messages.length;
  if (args[0]) return `+OK ${args[0]} ${size(Number(args[0]))}\r\n`;
  return `+OK\r\n${Array.from({ length: count }, (_, i) => `${i + 1} ${size(i + 1)}\r\n`).join('')}.\r\n`;
};

describe('POP3: a server whose answers do not match its maildrop', () => {
  const big = testMessage(1, Array.from({ length: 90_000 }, (_, i) => `line ${i} ${'y'.repeat(60)}`).join('\r\n') + '\r\n');
  const smalls = [2, 3, 4].map((n) => testMessage(n));

  it('scripted fake server: LIST sizes that say 1 byte (a 6 MB message among them) or 0: every message stored whole, byte for byte, once', async () => {
    const server: FakePop3Server = await fake({ messages: [big, ...smalls], override: lyingList(() => server, (n) => (n === 2 ? 0 : 1)) });
    const f = await fakePop3Fixture(server, { maxKb: 1024 });
    expect(await f.engine.syncOnce(f.context())).toEqual({ added: 4 });
    expect(await f.engine.syncOnce(f.context())).toEqual({ added: 0 });
    const stored = storedPop3(f.db, f.account.id);
    expect(stored.map((m) => m.raw.toString()).sort()).toEqual([big, ...smalls].sort());
  });

  it('scripted fake server: LIST sizes that say 2 GB for small messages: headers kept under the size limit, nothing lost; without a limit each stored whole', async () => {
    const server: FakePop3Server = await fake({ messages: smalls, override: lyingList(() => server, () => 2 ** 31) });
    const f = await fakePop3Fixture(server, { maxKb: 1024 });
    expect(await f.engine.syncOnce(f.context())).toEqual({ added: 3 });
    const stored = storedPop3(f.db, f.account.id);
    expect(stored).toHaveLength(3);
    expect(stored.map((m) => m.subject).sort()).toEqual(['message 2', 'message 3', 'message 4']);
    // Without a limit the same lie downloads everything whole.
    const whole = await fakePop3Fixture(server);
    expect(await whole.engine.syncOnce(whole.context())).toEqual({ added: 3 });
    expect(storedPop3(whole.db, whole.account.id).map((m) => m.raw.toString()).sort()).toEqual([...smalls].sort());
  });

  it('scripted fake server: a message deleted by another client between LIST and RETR: reported, the others stored, and the next pass succeeds with each message once', async () => {
    const raws = [1, 2, 3].map((n) => testMessage(n));
    let goneInSession = 0;
    const server: FakePop3Server = await fake({
      messages: raws,
      override: (verb, args) => {
        // The other client's QUIT lands after our listing: message 2 is gone by the time we ask for it,
        // and from the next session on the maildrop no longer has it.
        if (goneInSession && server.sessions() > goneInSession && server.messages.length === 3) server.messages.splice(1, 1);
        if (verb === 'RETR' && args[0] === '2' && server.messages.length === 3) {
          goneInSession = server.sessions();
          return '-ERR no such message\r\n';
        }
        return undefined;
      },
    });
    const f = await fakePop3Fixture(server);
    const error = await homingFailure(f.engine.syncOnce(f.context()));
    expect(error.code).toBe('SERVER_ERROR');
    expect(error.message).toMatch(/1 message\(s\) could not be downloaded: .*no such message/);
    expect(storedPop3(f.db, f.account.id).map((m) => m.subject).sort()).toEqual(['message 1', 'message 3']);
    expect(await f.engine.syncOnce(f.context())).toEqual({ added: 0 });
    expect(storedPop3(f.db, f.account.id).map((m) => m.raw.toString()).sort()).toEqual([raws[0], raws[2]].sort());
  });

  it('scripted fake server: a 6 MB message of dot-stuffed lines, sent in odd-sized writes: every boundary (in memory, then the temp file) unstuffed exactly', async () => {
    // Lines of 77 bytes, writes of 1009: the CRLF-dot falls on every possible split over the message.
    const dots = Buffer.from(testMessage(5, Array.from({ length: 80_000 }, (_, i) => `.${i % 2 ? '.' : ''}${'z'.repeat(70)}${String(i % 100).padStart(3, '0')}`).join('\r\n') + '\r\n.\r\n'));
    const server = await fake({ messages: [dots, smalls[0]!], chunkBytes: 1009 });
    const f = await fakePop3Fixture(server, { policy: { kind: 'after-download' } });
    expect(await f.engine.syncOnce(f.context())).toEqual({ added: 2 });
    const stored = storedPop3(f.db, f.account.id).sort((a, b) => b.raw.length - a.raw.length);
    expect(stored[0]!.raw.equals(dots)).toBe(true);
    expect(stored[1]!.raw.toString()).toBe(smalls[0]);
    expect(server.messages).toEqual([]);
  });
});
