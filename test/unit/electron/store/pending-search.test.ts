import { describe, expect, it } from 'vitest';
import { parseMessage } from '../../../../electron/mime/parse-message';
import { commitMessage } from '../../../../electron/store/ingest';
import { copyMessageRow } from '../../../../electron/store/message-copy';
import { indexPendingSearch } from '../../../../electron/store/pending-search';
import { searchMessages } from '../../../../electron/store/search';
import { writeTransaction } from '../../../../electron/store/write-transaction';
import { parsedFromEnvelope } from '../../../../electron/sync/imap/envelope-message';
import { MemoryVault } from '../../../../electron/accounts/vault';
import { SyncRuntime } from '../../../../electron/sync/sync-runtime';
import { createWriter } from '../../../../electron/sync/writer';
import { eml, localFolder, tempStore } from '../../../helpers/store';

type Db = ReturnType<typeof tempStore>['db'];
const count = (db: Db, sql: string) => (db.sqlite.prepare(sql).get() as { n: number }).n;
const found = (db: Db, text: string) => searchMessages(db, text, { limit: 10 }).hits.map((h) => h.id);

const HEADER = 'From: Alice Aardvark <alice@example.org>\r\nTo: bob@example.org\r\nBcc: carol.quokka@example.org\r\nSubject: Wombat census\r\nMessage-ID: <w1@x>\r\nDate: Tue, 2 Jan 2024 10:00:00 +0000\r\n';
const FULL = Buffer.from(`${HEADER}\r\nThe numbat counted forty.\r\n`);
const KEY = { kind: 'imap' as const, uidvalidity: 7, uid: 1 };

/** The header phase's row: a header block and the server's envelope, its full-text row left to the body. */
function storeHeaderRow(db: Db, folderId: number, uid = 1): number {
  const header = Buffer.from(`${HEADER}\r\n`);
  const parsed = parsedFromEnvelope(
    {
      subject: 'Wombat census',
      from: [{ name: 'Alice Aardvark', address: 'alice@example.org' }],
      to: [{ address: 'bob@example.org' }],
      bcc: [{ address: 'carol.quokka@example.org' }],
      messageId: '<w1@x>',
      date: new Date('2024-01-02T10:00:00Z'),
    },
    header,
  );
  return writeTransaction(db, (changes) =>
    commitMessage(db, changes, {
      accountId: 'local',
      folderId,
      key: { ...KEY, uid },
      source: { kind: 'buffer', bytes: header },
      parsed,
      bodyStatus: 'headers',
      size: FULL.length,
      searchRowLater: true,
    }),
  ).messageId;
}

describe('full-text rows left to the body (search_pending)', () => {
  it('a header row whose body follows is indexed once, by the body: no row to delete and write again', async () => {
    const { db } = tempStore();
    const folder = localFolder(db, 'INBOX');
    const id = storeHeaderRow(db, folder.id);
    expect(count(db, 'SELECT count(*) AS n FROM message_search')).toBe(0);
    expect(count(db, 'SELECT count(*) AS n FROM messages WHERE search_pending = 1')).toBe(1);

    const parsed = await parseMessage({ kind: 'buffer', bytes: FULL });
    const result = writeTransaction(db, (changes) =>
      commitMessage(db, changes, { accountId: 'local', folderId: folder.id, key: KEY, source: { kind: 'buffer', bytes: FULL }, parsed, bodyStatus: 'full' }),
    );
    expect(result).toEqual({ messageId: id, inserted: false, upgraded: true });
    expect(count(db, 'SELECT count(*) AS n FROM message_search')).toBe(1);
    expect(count(db, 'SELECT count(*) AS n FROM messages WHERE search_pending = 1')).toBe(0);
    expect(found(db, 'numbat')).toEqual([id]);
    expect(found(db, 'wombat')).toEqual([id]);
    expect(indexPendingSearch(db, { accountId: 'local' })).toBe(0);
  });

  it('a header row whose body never comes is searchable by its headers once swept (subject, sender, recipients, Bcc)', () => {
    const { db } = tempStore();
    const folder = localFolder(db, 'INBOX');
    const id = storeHeaderRow(db, folder.id);
    expect(found(db, 'wombat')).toEqual([]);

    expect(indexPendingSearch(db, { folderId: folder.id })).toBe(1);
    for (const word of ['wombat', 'aardvark', 'bob@example.org', 'quokka']) expect(found(db, word)).toEqual([id]);
    expect(count(db, 'SELECT count(*) AS n FROM messages WHERE search_pending = 1')).toBe(0);
    // Swept once: a second sweep finds nothing, and the body arriving later replaces the header row.
    expect(indexPendingSearch(db, { accountId: 'local' })).toBe(0);
    expect(count(db, 'SELECT count(*) AS n FROM message_search')).toBe(1);
  });

  it('sweeps in pages, every pending row of the scope and no other', () => {
    const { db } = tempStore();
    const inbox = localFolder(db, 'INBOX');
    const other = localFolder(db, 'Other');
    for (let uid = 1; uid <= 1203; uid++) storeHeaderRow(db, inbox.id, uid);
    storeHeaderRow(db, other.id, 1);
    expect(indexPendingSearch(db, { folderId: inbox.id })).toBe(1203);
    expect(count(db, 'SELECT count(*) AS n FROM message_search')).toBe(1203);
    expect(count(db, `SELECT count(*) AS n FROM messages WHERE search_pending = 1 AND folder_id = ${other.id}`)).toBe(1);
  });

  it('a copy of a pending row gets its own header row at once', () => {
    const { db } = tempStore();
    const inbox = localFolder(db, 'INBOX');
    const target = localFolder(db, 'Kept');
    const id = storeHeaderRow(db, inbox.id);
    const copy = writeTransaction(db, (changes) => copyMessageRow(db, changes, { id, accountId: 'local' }, target.id));
    expect(found(db, 'wombat')).toEqual([copy]);
    expect(count(db, `SELECT count(*) AS n FROM messages WHERE search_pending = 1 AND id = ${copy}`)).toBe(0);
  });

  it('a full or header-only message stored without searchRowLater is indexed at once, as before', async () => {
    const { db } = tempStore();
    const folder = localFolder(db, 'INBOX');
    const bytes = eml({ Subject: 'Echidna', 'Message-ID': '<e@x>' });
    const parsed = await parseMessage({ kind: 'buffer', bytes });
    const { messageId } = writeTransaction(db, (changes) =>
      commitMessage(db, changes, { accountId: 'local', folderId: folder.id, key: KEY, source: { kind: 'buffer', bytes }, parsed, bodyStatus: 'headers' }),
    );
    expect(found(db, 'echidna')).toEqual([messageId]);
    expect(count(db, 'SELECT count(*) AS n FROM messages WHERE search_pending = 1')).toBe(0);
  });

  it('a writer starting after a killed pass indexes the rows it left pending, before any pass runs', () => {
    const { db, dir } = tempStore();
    const folder = localFolder(db, 'INBOX');
    const id = storeHeaderRow(db, folder.id);
    expect(found(db, 'wombat')).toEqual([]);
    const shutdown = new AbortController();
    const ctx = { db, dataDir: dir, vault: new MemoryVault(), shutdown: shutdown.signal, emit: () => undefined };
    const writer = createWriter(ctx, { runtime: new SyncRuntime(ctx), rereadDelayMs: 60_000 });
    try {
      expect(found(db, 'wombat')).toEqual([id]);
      expect(count(db, 'SELECT count(*) AS n FROM messages WHERE search_pending = 1')).toBe(0);
    } finally {
      writer.dispose();
      shutdown.abort();
    }
  });
});
