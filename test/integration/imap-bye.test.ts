import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { imapEngine } from '../../electron/sync/imap/imap-engine';
import { type DovecotServer, startDovecot } from '../servers/dovecot';
import { type ImapQuirkProxy, startImapQuirkProxy } from '../servers/imap-quirk-proxy';
import { corpusMessage } from '../helpers/imap-corpus';
import { deliverMany, imapFixture, secondClient, serverState, storeState } from '../helpers/imap-sync';

/**
 * A server that says goodbye in the middle of a pass (an untagged BYE: shutdown, an idle or admin kick),
 * played by Dovecot behind a rewriting proxy: a real Dovecot sends BYE only when it stops, and then not at
 * a chosen point of a FETCH.
 */
describe('IMAP: an untagged BYE in the middle of a sync', () => {
  let server: DovecotServer;
  let proxy: ImapQuirkProxy;
  let byeAt = 0;
  let fetchLines = 0;
  let byeSent = false;
  let cutPending = false;
  beforeAll(async () => {
    server = await startDovecot({ users: [{ name: 'bye', password: 'bye-secret' }], allowPlaintext: true });
    await deliverMany(
      server,
      'bye',
      Array.from({ length: 20 }, (_, i) => ({ raw: corpusMessage(i), flags: i % 3 ? [] : ['\\Seen'] })),
    );
    proxy = await startImapQuirkProxy({ host: '127.0.0.1', port: server.ports.imap }, (line) => {
      // The server closes right after its BYE: the line after it is never sent.
      if (cutPending) return (cutPending = false), 'cut';
      if (byeAt === 0 || !/^\* \d+ FETCH |^\)$|^ .*\)$/.test(line)) return undefined;
      if (++fetchLines < byeAt) return undefined;
      byeSent = true;
      cutPending = true;
      return `${line}\r\n* BYE Server shutting down`;
    });
  });
  afterAll(async () => {
    await proxy?.close();
    await server?.destroy();
  });

  for (const at of [3, 30]) {
    it(`rewriting proxy: BYE after ${at} FETCH lines ends the pass with a clear error, keeps what was complete, and the next pass completes`, async () => {
      const fx = await imapFixture(server, { user: 'bye', port: proxy.port, security: 'none' });
      byeAt = at;
      fetchLines = 0;
      byeSent = false;
      const outcome = await fx.runtime.syncOne(fx.account, new AbortController().signal);
      byeAt = 0;
      expect(byeSent).toBe(true);
      // The user is told the connection closed, with the server's own words.
      expect(outcome.error?.code).toBe('CONNECTION_LOST');
      expect(outcome.error?.message).toContain('Server shutting down');
      const after = await fx.runtime.syncOne(fx.account, new AbortController().signal);
      expect(after.error).toBeNull();
      // Every message once, with its flags (and a further pass changes nothing).
      await imapEngine.syncOnce(fx.context());
      const other = await secondClient(server, 'bye');
      try {
        expect(storeState(fx.db, fx.account.id)).toEqual(await serverState(other));
      } finally {
        await other.logout();
      }
    });
  }
});
