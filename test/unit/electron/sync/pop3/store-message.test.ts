import { describe, expect, it } from 'vitest';
import { parseMessage } from '../../../../../electron/mime/parse-message';
import { beginListing } from '../../../../../electron/store/pop3-listing';
import { commitMessages, type ReadyMessage } from '../../../../../electron/sync/pop3/store-message';
import type { WriterContext } from '../../../../../electron/sync/writer-context';
import { eml, localFolder, tempStore } from '../../../../helpers/store';

const count = (db: ReturnType<typeof tempStore>['db'], sql: string) => (db.sqlite.prepare(sql).get() as { n: number }).n;
/** Every stored UIDL of the account, by UIDL. */
function knownUidls(db: ReturnType<typeof tempStore>['db'], accountId: string) {
  const rows = db.sqlite
    .prepare(
      `SELECT u.uidl, u.message_id AS messageId, u.downloaded_at AS downloadedAt, m.body_status AS bodyStatus
         FROM pop3_uidls u LEFT JOIN messages m ON m.id = u.message_id WHERE u.account_id = ?`,
    )
    .all(accountId) as Array<{ uidl: string; messageId: number | null; downloadedAt: number; bodyStatus: string | null }>;
  return new Map(rows.map((r) => [r.uidl, r]));
}

async function ready(i: number, bodyStatus: 'full' | 'partial' = 'full'): Promise<ReadyMessage> {
  // One sender and few words, so the batch's segment fits one page (the count below counts pages).
  const bytes = eml({ From: 'Sender <s@example.org>', Subject: `word${i} hello`, 'Message-ID': `<${i}@x>` }, `body text number ${i} unique${i}\r\n`);
  return { uidl: `uidl-${i}`, source: { kind: 'buffer', bytes }, parsed: await parseMessage({ kind: 'buffer', bytes }), encoded: null, bodyStatus };
}

describe('commitMessages (POP3)', () => {
  it('stores a batch with its UIDLs and writes its full-text terms to disk once, at commit', async () => {
    const { db } = tempStore();
    const folder = localFolder(db, 'INBOX');
    const writer = { db } as WriterContext;
    const batch = await Promise.all(Array.from({ length: 40 }, (_, i) => ready(i)));
    commitMessages(writer, { accountId: 'local', folderId: folder.id }, batch);
    // A statement savepoint in the batch's transaction (an upsert on pop3_uidls opened one per message)
    // makes FTS5 write each message's terms as a segment of its own. Rows with id <= 10 are FTS5's
    // structure and averages records.
    expect(count(db, 'SELECT count(*) AS n FROM message_search_data WHERE id > 10')).toBe(1);
    const known = knownUidls(db, 'local');
    expect(known.size).toBe(40);
    expect(count(db, 'SELECT count(*) AS n FROM messages')).toBe(40);
    for (const m of batch) expect(known.get(m.uidl)?.messageId).toBeTypeOf('number');
  });

  it('completes a partial message under the same UIDL, keeping its row and first download time', async () => {
    const { db } = tempStore();
    const folder = localFolder(db, 'INBOX');
    const writer = { db } as WriterContext;
    const [partial] = commitMessages(writer, { accountId: 'local', folderId: folder.id }, [await ready(1, 'partial')]);
    const first = knownUidls(db, 'local').get('uidl-1')!;
    const [full] = commitMessages(writer, { accountId: 'local', folderId: folder.id }, [await ready(1, 'full')]);
    expect(full).toMatchObject({ messageId: partial!.messageId, upgraded: true });
    expect(knownUidls(db, 'local').get('uidl-1')).toMatchObject({ messageId: partial!.messageId, downloadedAt: first.downloadedAt, bodyStatus: 'full' });
    expect(count(db, 'SELECT count(*) AS n FROM pop3_uidls')).toBe(1);
    // The record's hash follows the completed bytes (what a new UIDL's download is compared with).
    expect(db.sqlite.prepare("SELECT u.content_hash = m.content_hash AS same FROM pop3_uidls u JOIN messages m ON m.id = u.message_id").get()).toEqual({ same: 1 });
  });

  it('with the listing: bytes deleted here for good under a UIDL no longer listed are not stored again, in the same one-segment commit', async () => {
    const { db } = tempStore();
    const folder = localFolder(db, 'INBOX');
    const writer = { db } as WriterContext;
    const target = { accountId: 'local', folderId: folder.id };
    const [first] = commitMessages(writer, target, [await ready(1)]);
    db.sqlite.prepare('DELETE FROM messages WHERE id = ?').run(first!.messageId);
    const segments = count(db, 'SELECT count(*) AS n FROM message_search_data WHERE id > 10');
    // The server changed its UIDLs: message 1 is listed as uidl-101 now, with two new messages.
    const builder = beginListing(db, 'local');
    ['uidl-101', 'uidl-2', 'uidl-3'].forEach((uidl, i) => builder.add(i + 1, uidl, 100));
    const listing = builder.finish(() => undefined);
    const again = { ...(await ready(1)), uidl: 'uidl-101' };
    const results = commitMessages(writer, target, [await ready(2), again, await ready(3)], { arrival: true, listing });
    expect(results.map((r) => [r.inserted, r.messageId === null])).toEqual([
      [true, false],
      [false, true],
      [true, false],
    ]);
    expect(count(db, 'SELECT count(*) AS n FROM messages')).toBe(2);
    const known = knownUidls(db, 'local');
    expect([...known.keys()].sort()).toEqual(['uidl-101', 'uidl-2', 'uidl-3']);
    expect(known.get('uidl-101')?.messageId).toBeNull();
    expect(count(db, 'SELECT count(*) AS n FROM message_search_data WHERE id > 10')).toBe(segments + 1);
  });
});
