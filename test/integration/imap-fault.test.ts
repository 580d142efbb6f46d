import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { searchKeySql } from '../../electron/store/search-key';
import { imapEngine } from '../../electron/sync/imap/imap-engine';
import { type DovecotServer, startDovecot } from '../servers/dovecot';
import { type FaultProxy, startFaultProxy } from '../servers/fault-proxy';
import { deliverMany, imapFixture, type ImapFixture, storedMessages, storeState } from '../helpers/imap-sync';
import { corpusMessage } from '../helpers/imap-corpus';

/** A message of about `kb` KB (a text body), to give the body phase bytes to be cut in. */
function sized(i: number, kb: number): Buffer {
  const head = corpusMessage(i).toString('latin1').split('\r\n\r\n')[0]!;
  return Buffer.from(`${head.replace(/Content-Type:.*\r\n/i, '')}\r\n\r\n${`line ${i} `.padEnd(78, '.').concat('\r\n').repeat(kb * 13)}`, 'latin1');
}

/** Stored messages without a full-text row, or still marked as waiting for their body's. */
function unindexed(fx: ImapFixture): number {
  const row = fx.db.sqlite
    .prepare(
      `SELECT count(*) AS n FROM messages m WHERE m.account_id = ? AND (m.search_pending = 1 OR NOT EXISTS (SELECT 1 FROM message_search s WHERE s.rowid = ${searchKeySql('m.date', 'm.id')}))`,
    )
    .get(fx.account.id) as { n: number };
  return row.n;
}

/** Each message's full-text row, by folder and UID. */
function searchRows(fx: ImapFixture): unknown[] {
  return fx.db.sqlite
    .prepare(
      `SELECT f.path, m.uid, s.subject, s.sender, s.recipients, s.body, s.attachments FROM messages m JOIN folders f ON f.id = m.folder_id
       JOIN message_search s ON s.rowid = ${searchKeySql('m.date', 'm.id')} WHERE m.account_id = ? ORDER BY f.path, m.uid`,
    )
    .all(fx.account.id);
}

describe('IMAP: a connection cut mid-sync', () => {
  let server: DovecotServer;
  let proxy: FaultProxy;
  let reference: ImapFixture;
  let totalBytes = 0;

  beforeAll(async () => {
    server = await startDovecot();
    await deliverMany(server, 'alice', [
      ...Array.from({ length: 250 }, (_, i) => ({ raw: corpusMessage(i), flags: i % 4 ? [] : ['\\Seen'] })),
      ...Array.from({ length: 20 }, (_, i) => ({ raw: sized(1000 + i, 64) })),
      ...Array.from({ length: 60 }, (_, i) => ({ folder: 'Archive', raw: corpusMessage(2000 + i), flags: ['\\Flagged'] })),
      ...Array.from({ length: 5 }, (_, i) => ({ folder: 'Archive', raw: sized(3000 + i, 5 * 1024) })),
    ]);
    proxy = await startFaultProxy({ host: '127.0.0.1', port: server.ports.imaps });
    // The uninterrupted sync, through the same proxy, gives the store to compare with and the bytes a pass moves.
    reference = await imapFixture(server, { port: proxy.port });
    const before = proxy.bytesDown;
    await imapEngine.syncOnce(reference.context());
    totalBytes = proxy.bytesDown - before;
  });
  afterAll(async () => {
    await proxy?.close();
    await server?.destroy();
  });

  it.each([
    ['during login', 0.001, false],
    ['in the header phase', 0.05, false],
    ['in the body phase', 0.4, false],
    ['while streaming a large message (RST)', 0.8, true],
  ])('cut %s: the rerun ends with the same store as an uninterrupted sync', async (_name, fraction, reset) => {
    const fx = await imapFixture(server, { port: proxy.port });
    proxy.inject({ kind: 'cut', afterBytes: Math.floor(totalBytes * fraction), reset }, 1);
    const cut = await fx.runtime.syncOne(fx.account, new AbortController().signal);
    expect(cut.ok).toBe(false);
    expect(cut.error?.code).toMatch(/^(CONNECTION_LOST|TLS_FAILED|TIMEOUT)$/);
    // Every message the cut pass stored is searchable, by its headers at least: none left waiting for a body that did not come.
    expect(unindexed(fx)).toBe(0);

    const rerun = await fx.runtime.syncOne(fx.account, new AbortController().signal);
    expect(rerun.error).toBeNull();
    expect(storeState(fx.db, fx.account.id)).toEqual(storeState(reference.db, reference.account.id));
    const rows = storedMessages(fx.db, fx.account.id);
    expect(rows).toHaveLength(storedMessages(reference.db, reference.account.id).length);
    expect(rows.every((m) => m.bodyStatus === 'full')).toBe(true);
    // The full-text rows are the bodies' (the header rows of the cut pass replaced), as after the uninterrupted sync.
    expect(searchRows(fx)).toEqual(searchRows(reference));
  });
});
