import { describe, expect, it } from 'vitest';
import { readSource } from '../../../../electron/store/message-sources';
import { eml, ingest, localFolder, tempStore } from '../../../helpers/store';

describe('commitMessage', () => {
  it('stores a message once per IMAP key and keeps its exact bytes', async () => {
    const { db } = tempStore();
    const folder = localFolder(db, 'INBOX');
    const bytes = eml({ From: 'Alice <alice@example.org>', Subject: 'Hi', 'Message-ID': '<1@x>', Date: 'Tue, 2 Jan 2024 10:00:00 +0000' });
    const key = { kind: 'imap' as const, uidvalidity: 7, uid: 1 };
    const first = await ingest(db, bytes, { accountId: 'local', folderId: folder.id, key });
    const again = await ingest(db, bytes, { accountId: 'local', folderId: folder.id, key });
    expect(first).toMatchObject({ inserted: true });
    expect(again).toEqual({ messageId: first.messageId, inserted: false, upgraded: false });
    expect(db.sqlite.prepare('SELECT count(*) AS n FROM messages').get()).toEqual({ n: 1 });
    expect(readSource(db, first.messageId).equals(bytes)).toBe(true);
  });
});
