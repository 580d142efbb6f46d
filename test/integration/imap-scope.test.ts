import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAccountFolders } from '../../electron/store/folders';
import { readSource } from '../../electron/store/message-sources';
import { searchKeySql } from '../../electron/store/search-key';
import { imapEngine } from '../../electron/sync/imap/imap-engine';
import { type DovecotServer, startDovecot } from '../servers/dovecot';
import { deliverMany, imapFixture, secondClient, serverFiles, sha256, storedMessages } from '../helpers/imap-sync';
import { corpusMessage } from '../helpers/imap-corpus';

const DAY = 24 * 3600 * 1000;

describe('IMAP account options: offline scope, subscribed folders only; completing a message on demand', () => {
  let server: DovecotServer;

  beforeAll(async () => {
    server = await startDovecot();
    await deliverMany(server, 'alice', [
      ...Array.from({ length: 5 }, (_, i) => ({ raw: corpusMessage(i), internalDate: new Date(Date.now() - (400 + i) * DAY) })),
      ...Array.from({ length: 5 }, (_, i) => ({ raw: corpusMessage(10 + i), internalDate: new Date(Date.now() - i * DAY) })),
      { folder: 'Hidden', raw: corpusMessage(20) },
    ]);
    // Hidden exists on the server but is not subscribed.
    const other = await secondClient(server);
    try {
      await other.mailboxUnsubscribe('Hidden');
    } finally {
      await other.logout();
    }
  });
  afterAll(async () => {
    await server?.destroy();
  });

  it('keeps only the last N days offline (older mail listed with headers), and completes an old message when asked', async () => {
    const fx = await imapFixture(server, { settings: { offlineScope: { kind: 'recent', days: 30 } } });
    await imapEngine.syncOnce(fx.context());
    const inbox = storedMessages(fx.db, fx.account.id).filter((m) => m.folder === 'INBOX');
    expect(inbox).toHaveLength(10);
    const old = inbox.filter((m) => m.bodyStatus === 'headers');
    expect(old).toHaveLength(5);
    expect(inbox.filter((m) => m.bodyStatus === 'full')).toHaveLength(5);
    // Every row is searchable once the pass is done: the old ones by their headers (their bodies never come).
    const unindexed = fx.db.sqlite
      .prepare(
        `SELECT count(*) AS n FROM messages m WHERE m.account_id = ? AND (m.search_pending = 1 OR NOT EXISTS (SELECT 1 FROM message_search s WHERE s.rowid = ${searchKeySql('m.date', 'm.id')}))`,
      )
      .get(fx.account.id) as { n: number };
    expect(unindexed.n).toBe(0);
    // A headers-only row already shows the server's size, not the size of its header block.
    const files = await serverFiles(server, 'alice', 'INBOX');
    expect(files.map((f) => f.bytes.length)).toContain(old[0]!.size);

    await imapEngine.completeMessage!(fx.context(), old[0]!.id);
    const completed = storedMessages(fx.db, fx.account.id).find((m) => m.id === old[0]!.id)!;
    expect(completed.bodyStatus).toBe('full');
    expect(files.map((f) => sha256(f.bytes))).toContain(sha256(readSource(fx.db, completed.id)));
    // A second pass does not download what is out of scope.
    await imapEngine.syncOnce(fx.context());
    expect(storedMessages(fx.db, fx.account.id).filter((m) => m.folder === 'INBOX' && m.bodyStatus === 'headers')).toHaveLength(4);
  });

  it('with "subscribed folders only", leaves unsubscribed folders out (INBOX always in)', async () => {
    const all = await imapFixture(server);
    await imapEngine.syncOnce(all.context());
    expect(listAccountFolders(all.db, all.account.id).map((f) => f.path)).toContain('Hidden');

    const subscribed = await imapFixture(server, { settings: { subscribedOnly: true } });
    await imapEngine.syncOnce(subscribed.context());
    const paths = listAccountFolders(subscribed.db, subscribed.account.id).map((f) => f.path);
    expect(paths).toContain('INBOX');
    expect(paths).not.toContain('Hidden');
    expect(storedMessages(subscribed.db, subscribed.account.id).some((m) => m.folder === 'Hidden')).toBe(false);
  });
});
