import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { defaultAccountSettings } from '../../../../shared/contract/accounts';
import { insertAccount } from '../../../../electron/store/accounts';
import { findFolderByPath } from '../../../../electron/store/folders';
import { onCommit, writeTransaction, type ChangeSet } from '../../../../electron/store/write-transaction';
import { SyncRuntime } from '../../../../electron/sync/sync-runtime';
import type { WriterContext } from '../../../../electron/sync/writer-context';
import { createLibraryWrites } from '../../../../electron/sync/writes/library-writes';
import { eml, ingest, localFolder, tempStore } from '../../../helpers/store';

function writer() {
  const { db, dir } = tempStore();
  const ctx = { db, dataDir: dir, vault: {} as WriterContext['vault'], emit: () => {}, shutdown: new AbortController().signal } as WriterContext;
  return { db, dir, writes: createLibraryWrites(ctx, new SyncRuntime(ctx)) };
}

describe('library writes', () => {
  it('remembers remote-content choices per sender and names their messages in one change event', async () => {
    const { db, writes } = writer();
    const folder = localFolder(db, 'INBOX');
    const { messageId } = await ingest(db, eml({ From: 'News <news@shop.example>', Subject: 'Sale' }), { accountId: 'local', folderId: folder.id, key: { kind: 'local' } });
    const events: ChangeSet[] = [];
    onCommit(db, (c) => events.push(c));
    await writes.allowRemoteContent({ address: 'NEWS@shop.example', allow: true });
    expect(db.sqlite.prepare("SELECT allow_remote_content AS a FROM addresses WHERE address = 'news@shop.example'").get()).toEqual({ a: 1 });
    expect(events).toHaveLength(1);
    expect([...events[0]!.contents.get('local')!.messageIds]).toEqual([messageId]);
    await writes.allowRemoteContent({ address: 'news@shop.example', allow: false });
    expect(db.sqlite.prepare("SELECT allow_remote_content AS a FROM addresses WHERE address = 'news@shop.example'").get()).toEqual({ a: 0 });
  });

  it('refuses to import into an account whose folders mirror a server (IMAP), before anything is read or made', async () => {
    const { db, dir, writes } = writer();
    const imap = writeTransaction(db, (changes) =>
      insertAccount(db, changes, {
        name: 'i', email: 'i@example.org', protocol: 'imap', host: '127.0.0.1', port: 993, security: 'tls', username: 'i',
        trustedFingerprint: null, settings: defaultAccountSettings,
      }),
    );
    await expect(writes.importMail({ path: join(dir, 'none.mbox'), accountId: imap.id, folderPath: 'INBOX' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(findFolderByPath(db, imap.id, 'INBOX')).toBeNull();
    await expect(writes.importMail({ path: join(dir, 'none.mbox'), accountId: 'nobody', folderPath: 'X' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('completes only messages that need it: a full one comes back as is, a local one cannot be fetched', async () => {
    const { db, writes } = writer();
    const folder = localFolder(db, 'INBOX');
    const full = await ingest(db, eml({ Subject: 'whole' }, 'all here\r\n'), { accountId: 'local', folderId: folder.id, key: { kind: 'local' } });
    const detail = await writes.completeMessage({ id: full.messageId });
    expect(detail).toMatchObject({ id: full.messageId, bodyStatus: 'full' });
    expect(detail.text).toContain('all here');
    const headersOnly = await ingest(db, eml({ Subject: 'partial' }, ''), { accountId: 'local', folderId: folder.id, key: { kind: 'pop3', uidl: 'x' }, bodyStatus: 'headers' });
    await expect(writes.completeMessage({ id: headersOnly.messageId })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(writes.completeMessage({ id: 999 })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('imports through the writer into Local Folders by default path', async () => {
    const { db, dir, writes } = writer();
    const { writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    writeFileSync(join(dir, 'one.eml'), eml({ Subject: 'imported', From: 'a@b.c' }));
    expect(await writes.importMail({ path: join(dir, 'one.eml'), accountId: 'local', folderPath: 'Imports/2024' })).toEqual({ imported: 1, duplicates: 0, unparsable: 0 });
    expect(db.sqlite.prepare("SELECT total_count AS n FROM folders WHERE path = 'Imports/2024'").get()).toEqual({ n: 1 });
  });
});
