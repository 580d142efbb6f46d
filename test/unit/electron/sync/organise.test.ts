import { describe, expect, it } from 'vitest';
import { defaultAccountSettings, type Account, type AccountSettings } from '../../../../shared/contract/accounts';
import { MemoryVault } from '../../../../electron/accounts/vault';
import { insertAccount } from '../../../../electron/store/accounts';
import type { WriteDb } from '../../../../electron/store/db';
import { upsertFolder } from '../../../../electron/store/folders';
import { listPendingOperations } from '../../../../electron/store/operation-queue';
import { writeTransaction } from '../../../../electron/store/write-transaction';
import { SyncRuntime } from '../../../../electron/sync/sync-runtime';
import { createWriter } from '../../../../electron/sync/writer';
import { type CommandName, commandNames, type MethodArgsInput, type MethodResult } from '../../../../shared/contract';
import { HomingError } from '../../../../shared/errors';
import { eml, ingest, tempStore } from '../../../helpers/store';

/** The writer's own command table (arguments validated, defaults filled in, events emitted after each commit). */
function setup() {
  const { db, dir } = tempStore();
  const events: Array<[string, unknown]> = [];
  const ctx = { db, dataDir: dir, vault: new MemoryVault(), shutdown: new AbortController().signal, emit: (e: string, p: unknown) => void events.push([e, p]) };
  const writer = createWriter(ctx, { runtime: new SyncRuntime(ctx) });
  const call =
    <M extends CommandName>(method: M) =>
    async (args: MethodArgsInput<M>): Promise<MethodResult<M>> => {
      const envelope = await writer.handle(method, args);
      if (!envelope.ok) throw HomingError.fromData(envelope.error);
      return envelope.value as MethodResult<M>;
    };
  const service = Object.fromEntries(commandNames.map((name) => [name, call(name)])) as { [M in CommandName]: (args: MethodArgsInput<M>) => Promise<MethodResult<M>> };
  return { db, events, service };
}

function account(db: WriteDb, protocol: 'imap' | 'pop3', settings: Partial<AccountSettings> = {}, name: string = protocol): Account {
  return writeTransaction(db, (changes) =>
    insertAccount(db, changes, {
      name,
      email: `${name}@example.org`,
      protocol,
      host: 'mail.example.org',
      port: 993,
      security: 'tls',
      username: name,
      trustedFingerprint: null,
      settings: { ...defaultAccountSettings, ...settings },
    }),
  );
}

/** An IMAP folder as the server would have listed it (separator `/`, a UIDVALIDITY). */
const imapFolder = (db: WriteDb, accountId: string, path: string, specialUse: 'trash' | 'inbox' | 'archive' | null = null) =>
  writeTransaction(db, (changes) => {
    const cut = path.lastIndexOf('/');
    const folder = upsertFolder(db, changes, accountId, {
      path,
      name: cut >= 0 ? path.slice(cut + 1) : path,
      parentPath: cut >= 0 ? path.slice(0, cut) : null,
      delimiter: '/',
      specialUse: path === 'INBOX' ? 'inbox' : specialUse,
      subscribed: true,
    });
    db.sqlite.prepare('UPDATE folders SET uidvalidity = 7 WHERE id = ?').run(folder.id);
    return folder;
  });

const row = (db: WriteDb, id: number) =>
  db.sqlite.prepare('SELECT folder_id, account_id, uid, uidvalidity, uidl, seen, flagged, keywords, deleted_locally FROM messages WHERE id = ?').get(id) as
    | { folder_id: number; account_id: string; uid: number | null; uidvalidity: number | null; uidl: string | null; seen: number; flagged: number; keywords: string; deleted_locally: number }
    | undefined;

const folderRow = (db: WriteDb, accountId: string, path: string) =>
  db.sqlite.prepare('SELECT id, path, name, parent_path, special_use, deleted_locally FROM folders WHERE account_id = ? AND path = ?').get(accountId, path) as
    | { id: number; path: string; name: string; parent_path: string | null; special_use: string | null; deleted_locally: number }
    | undefined;

const payloadOf = (db: WriteDb, id: number) => JSON.parse((db.sqlite.prepare('SELECT payload FROM pending_ops WHERE id = ?').get(id) as { payload: string }).payload);

async function imapAccount(db: WriteDb, name = 'imap', options: { trash?: boolean } = {}) {
  const acc = account(db, 'imap', {}, name);
  const inbox = imapFolder(db, acc.id, 'INBOX');
  const trash = options.trash === false ? null : imapFolder(db, acc.id, 'Trash', 'trash');
  const ids: number[] = [];
  for (let uid = 1; uid <= 3; uid++) {
    ids.push(
      (await ingest(db, eml({ Subject: `${name} ${uid}`, 'Message-ID': `<${name}-${uid}@x>` }), { accountId: acc.id, folderId: inbox.id, key: { kind: 'imap', uidvalidity: 7, uid } }))
        .messageId,
    );
  }
  return { acc, inbox, trash, ids };
}

describe('Trash and undo on accounts without a server side (POP3, Local Folders)', () => {
  it('POP3: delete goes to the local Trash and undo brings it back to the Inbox with its UIDL; the log says what was done', async () => {
    const { db, events, service } = setup();
    const pop = account(db, 'pop3', { pop3Delete: { kind: 'when-deleted-locally' } });
    const inbox = writeTransaction(db, (changes) => upsertFolder(db, changes, pop.id, { path: 'INBOX', name: 'Inbox', parentPath: null, delimiter: null, specialUse: 'inbox', subscribed: true }));
    const { messageId } = await ingest(db, eml({ Subject: 'p' }), { accountId: pop.id, folderId: inbox.id, key: { kind: 'pop3', uidl: 'u1' } });
    const { undo } = await service.deleteMessages({ ids: [messageId] });
    expect(undo).toMatchObject({ kind: 'delete', description: 'Deleted 1 message.', accountIds: [pop.id], messageCount: 1 });
    expect(row(db, messageId)).toMatchObject({ folder_id: folderRow(db, pop.id, 'Trash')!.id, uidl: 'u1', deleted_locally: 0 });
    expect(events.some(([name, payload]) => name === 'undoLogChanged' && (payload as { latest: { id: number } }).latest.id === undo!.id)).toBe(true);
    expect(events.some(([name, payload]) => name === 'foldersChanged' && (payload as { accountId: string }).accountId === pop.id)).toBe(true);

    const result = await service.undo({});
    expect(result).toEqual({ undone: undo, restored: 1, missing: [] });
    expect(row(db, messageId)).toMatchObject({ folder_id: inbox.id, uidl: 'u1', deleted_locally: 0 });
    await expect(service.undo({})).rejects.toMatchObject({ code: 'NOTHING_TO_UNDO' });
    await expect(service.undo({ id: undo!.id })).rejects.toMatchObject({ code: 'NOTHING_TO_UNDO' });
  });

  it('undo of a delete whose message was removed for good meanwhile is MESSAGE_GONE, and changes nothing', async () => {
    const { db, service } = setup();
    const folder = writeTransaction(db, (changes) => upsertFolder(db, changes, 'local', { path: 'A', name: 'A', parentPath: null, delimiter: '/', specialUse: null, subscribed: true }));
    const { messageId } = await ingest(db, eml({ Subject: 'x' }), { accountId: 'local', folderId: folder.id, key: { kind: 'local' } });
    const { undo } = await service.deleteMessages({ ids: [messageId] });
    await service.emptyTrash({ accountId: 'local', confirm: true });
    await expect(service.undo({ id: undo!.id })).rejects.toMatchObject({ code: 'MESSAGE_GONE' });
  });

  it('undoes marks per message, tags (local keywords) per message, and a whole folder marked read', async () => {
    const { db, service } = setup();
    const folder = writeTransaction(db, (changes) => upsertFolder(db, changes, 'local', { path: 'A', name: 'A', parentPath: null, delimiter: '/', specialUse: null, subscribed: true }));
    const a = (await ingest(db, eml({ Subject: 'a' }), { accountId: 'local', folderId: folder.id, key: { kind: 'local' } })).messageId;
    const b = (await ingest(db, eml({ Subject: 'b' }), { accountId: 'local', folderId: folder.id, key: { kind: 'local' } })).messageId;
    await service.markMessages({ ids: [a], seen: true });
    const marked = await service.markMessages({ ids: [a, b], seen: true, flagged: true });
    expect(marked.undo).toMatchObject({ kind: 'mark', messageCount: 2 });
    await service.undo({});
    expect(row(db, a)).toMatchObject({ seen: 1, flagged: 0 });
    expect(row(db, b)).toMatchObject({ seen: 0, flagged: 0 });

    await service.tagMessages({ ids: [a], add: ['work'] });
    expect(JSON.parse(row(db, a)!.keywords)).toEqual(['$label2']);
    // Standard tags by name give Thunderbird's keywords; other names are written as it writes them.
    const tagged = await service.tagMessages({ ids: [a, b], add: ['Work', 'to do', 'Büro', 'Urgent now'] });
    expect(JSON.parse(row(db, b)!.keywords)).toEqual(['$label2', '$label4', 'B&APw-ro', 'Urgent_now']);
    expect(tagged.undo).toMatchObject({ kind: 'tag', messageCount: 2 });
    await service.undo({});
    expect(JSON.parse(row(db, a)!.keywords)).toEqual(['$label2']);
    expect(JSON.parse(row(db, b)!.keywords)).toEqual([]);
    await expect(service.tagMessages({ ids: [a], add: ['a(b)'] })).rejects.toMatchObject({ code: 'INVALID_TAG' });
    await expect(service.tagMessages({ ids: [a], add: ['\\Seen'] })).rejects.toMatchObject({ code: 'INVALID_TAG' });

    const read = await service.markFolderRead({ folderId: folder.id });
    expect(read.undo).toMatchObject({ kind: 'mark', messageCount: 1 });
    expect(row(db, b)?.seen).toBe(1);
    await service.undo({});
    expect(row(db, b)?.seen).toBe(0);
    expect(row(db, a)?.seen).toBe(1);
  });

  it('local folders for a POP3 account: create, rename, move, delete (mail to Trash) and undo of each; bad names and clashes refused', async () => {
    const { db, service } = setup();
    const pop = account(db, 'pop3');
    const inbox = writeTransaction(db, (changes) => upsertFolder(db, changes, pop.id, { path: 'INBOX', name: 'Inbox', parentPath: null, delimiter: null, specialUse: 'inbox', subscribed: true }));
    const work = await service.createFolder({ accountId: pop.id, parentId: null, name: 'Work' });
    expect(work.folder).toMatchObject({ path: 'Work', name: 'Work', parentPath: null, delimiter: '/' });
    const sub = await service.createFolder({ accountId: pop.id, parentId: work.folder.id, name: 'Projects' });
    expect(sub.folder.path).toBe('Work/Projects');
    await expect(service.createFolder({ accountId: pop.id, parentId: null, name: 'Work' })).rejects.toMatchObject({ code: 'FOLDER_EXISTS' });
    await expect(service.createFolder({ accountId: pop.id, parentId: null, name: 'a/b' })).rejects.toMatchObject({ code: 'INVALID_FOLDER_NAME' });
    await expect(service.createFolder({ accountId: pop.id, parentId: null, name: '  ' })).rejects.toMatchObject({ code: 'INVALID_FOLDER_NAME' });
    await expect(service.renameFolder({ folderId: inbox.id, name: 'Post' })).rejects.toMatchObject({ code: 'FOLDER_PROTECTED' });
    await expect(service.renameFolder({ folderId: work.folder.id, parentId: sub.folder.id })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });

    const { messageId } = await ingest(db, eml({ Subject: 'filed' }), { accountId: pop.id, folderId: inbox.id, key: { kind: 'pop3', uidl: 'u9' } });
    await service.moveMessages({ ids: [messageId], toFolderId: sub.folder.id });
    const renamed = await service.renameFolder({ folderId: work.folder.id, name: 'Job' });
    expect(renamed.folder.path).toBe('Job');
    expect(folderRow(db, pop.id, 'Job/Projects')).toMatchObject({ id: sub.folder.id, parent_path: 'Job' });
    await service.undo({});
    expect(folderRow(db, pop.id, 'Work/Projects')).toMatchObject({ id: sub.folder.id, parent_path: 'Work' });

    const moved = await service.renameFolder({ folderId: sub.folder.id, parentId: null });
    expect(moved.folder).toMatchObject({ path: 'Projects', parentPath: null });
    await service.undo({});

    const deleted = await service.deleteFolder({ folderId: work.folder.id, confirm: true });
    expect(deleted.movedToTrash).toBe(1);
    expect(folderRow(db, pop.id, 'Work')).toBeUndefined();
    expect(row(db, messageId)).toMatchObject({ folder_id: folderRow(db, pop.id, 'Trash')!.id });
    await expect(service.deleteFolder({ folderId: folderRow(db, pop.id, 'Trash')!.id, confirm: true })).rejects.toMatchObject({ code: 'FOLDER_PROTECTED' });
    const back = await service.undo({});
    expect(back.restored).toBe(3);
    expect(row(db, messageId)).toMatchObject({ folder_id: folderRow(db, pop.id, 'Work/Projects')!.id, uidl: 'u9' });
  });

  it('a Local Folders folder of many messages: deleted to the Trash, undone, deleted again and emptied, counts and index kept', async () => {
    const { db, service } = setup();
    const { localFolder } = await import('../../../helpers/store');
    const big = localFolder(db, 'Big');
    const other = localFolder(db, 'Other');
    const ids: number[] = [];
    for (let i = 0; i < 240; i++) {
      const bytes = eml({ Subject: `bulk ${i} zebrafinch`, 'Message-ID': `<bulk${i}@x>` }, `Body ${i} of the bulk folder.\r\n`);
      ids.push((await ingest(db, bytes, { accountId: 'local', folderId: big.id, key: { kind: 'local' }, flags: i % 3 === 0 ? [] : ['\\Seen'] })).messageId);
    }
    const kept = (await ingest(db, eml({ Subject: 'kept zebrafinch' }), { accountId: 'local', folderId: other.id, key: { kind: 'local' } })).messageId;
    const counts = (path: string) =>
      db.sqlite.prepare(`SELECT total_count AS total, unread_count AS unread FROM folders WHERE account_id = 'local' AND path = ?`).get(path) as { total: number; unread: number } | undefined;
    const indexed = () => (db.sqlite.prepare(`SELECT count(*) AS n FROM message_search WHERE message_search MATCH 'zebrafinch'`).get() as { n: number }).n;
    const healthy = () => {
      expect(db.sqlite.pragma('integrity_check', { simple: true })).toBe('ok');
      db.sqlite.prepare(`INSERT INTO message_search (message_search) VALUES ('integrity-check')`).run();
    };

    const deleted = await service.deleteFolder({ folderId: big.id, confirm: true });
    expect(deleted.movedToTrash).toBe(240);
    expect(counts('Big')).toBeUndefined();
    expect(counts('Trash')).toEqual({ total: 240, unread: 80 });
    const trash = folderRow(db, 'local', 'Trash')!;
    const inTrash = db.sqlite.prepare('SELECT count(*) AS n FROM messages WHERE folder_id = ? AND trashed_at IS NOT NULL').get(trash.id) as { n: number };
    expect(inTrash.n).toBe(240);
    healthy();

    await service.undo({});
    const back = folderRow(db, 'local', 'Big')!;
    expect(ids.every((id) => row(db, id)!.folder_id === back.id)).toBe(true);
    expect(counts('Big')).toEqual({ total: 240, unread: 80 });
    expect(counts('Trash')).toEqual({ total: 0, unread: 0 });

    await service.deleteFolder({ folderId: back.id, confirm: true });
    expect((await service.emptyTrash({ accountId: 'local', confirm: true })).deleted).toBe(240);
    expect(ids.every((id) => row(db, id) === undefined)).toBe(true);
    expect(counts('Trash')).toEqual({ total: 0, unread: 0 });
    expect(db.sqlite.prepare('SELECT count(*) AS n FROM message_sources WHERE message_id IN (SELECT value FROM json_each(?))').get(JSON.stringify(ids))).toEqual({ n: 0 });
    expect(indexed()).toBe(1);
    expect(row(db, kept)).toMatchObject({ folder_id: other.id });
    expect(counts('Other')).toEqual({ total: 1, unread: 1 });
    healthy();
  });

  it('empties the Trash after N days when the account says so', async () => {
    const { db, service } = setup();
    const pop = account(db, 'pop3', { trashAutoEmptyDays: 30 });
    const inbox = writeTransaction(db, (changes) => upsertFolder(db, changes, pop.id, { path: 'INBOX', name: 'Inbox', parentPath: null, delimiter: null, specialUse: 'inbox', subscribed: true }));
    const old = (await ingest(db, eml({ Subject: 'old' }), { accountId: pop.id, folderId: inbox.id, key: { kind: 'pop3', uidl: 'o' } })).messageId;
    const recent = (await ingest(db, eml({ Subject: 'new' }), { accountId: pop.id, folderId: inbox.id, key: { kind: 'pop3', uidl: 'n' } })).messageId;
    await service.deleteMessages({ ids: [old, recent] });
    db.sqlite.prepare('UPDATE messages SET trashed_at = ? WHERE id = ?').run(Date.now() - 31 * 86_400_000, old);
    const { autoEmptyTrash } = await import('../../../../electron/sync/organise/auto-empty');
    const { getAccount } = await import('../../../../electron/store/accounts');
    expect(autoEmptyTrash(db, getAccount(db, pop.id)).deleted).toBe(1);
    expect(row(db, old)).toBeUndefined();
    expect(row(db, recent)).toBeDefined();
  });
});

describe('Trash, undo, folders, tags and moves across accounts on IMAP (planned and queued, no server)', () => {
  it('an undo before the server saw the delete cancels the queued move to Trash: the message is back under its UID, nothing queued', async () => {
    const { db, service } = setup();
    const { acc, inbox, trash, ids } = await imapAccount(db);
    await service.deleteMessages({ ids: [ids[0]!] });
    expect(row(db, ids[0]!)).toMatchObject({ folder_id: trash!.id, uid: null });
    expect(listPendingOperations(db, acc.id).map((o) => o.kind)).toEqual(['delete']);
    await service.undo({});
    expect(row(db, ids[0]!)).toMatchObject({ folder_id: inbox.id, uid: 1, uidvalidity: 7 });
    expect(listPendingOperations(db, acc.id)).toEqual([]);
  });

  it('an undo of a mark queues the opposite flag change; an undo of tags queues the opposite keyword change', async () => {
    const { db, service } = setup();
    const { acc, ids } = await imapAccount(db);
    await service.markMessages({ ids: [ids[0]!], seen: true });
    await service.undo({});
    const ops = listPendingOperations(db, acc.id);
    expect(ops.map((o) => o.kind)).toEqual(['flags', 'flags']);
    expect(payloadOf(db, ops[1]!.id)).toMatchObject({ add: [], remove: ['\\Seen'] });
    await service.tagMessages({ ids: [ids[1]!], add: ['Project X'] });
    expect(payloadOf(db, listPendingOperations(db, acc.id).at(-1)!.id)).toMatchObject({ add: ['Project_X'], remove: [] });
    await service.undo({});
    expect(payloadOf(db, listPendingOperations(db, acc.id).at(-1)!.id)).toMatchObject({ add: [], remove: ['Project_X'] });
    expect(JSON.parse(row(db, ids[1]!)!.keywords)).toEqual([]);
  });

  it('a delete on an account without a Trash makes one (CREATE with SPECIAL-USE, queued first); archive makes Archive', async () => {
    const { db, service } = setup();
    const { acc, ids } = await imapAccount(db, 'bare', { trash: false });
    await service.deleteMessages({ ids: [ids[0]!] });
    const trash = folderRow(db, acc.id, 'Trash')!;
    expect(trash.special_use).toBe('trash');
    const ops = listPendingOperations(db, acc.id);
    expect(ops.map((o) => o.kind)).toEqual(['folder-create', 'delete']);
    expect(payloadOf(db, ops[0]!.id)).toEqual({ folderId: trash.id, path: 'Trash', subscribe: true, specialUse: 'trash' });
    const archived = await service.archiveMessages({ ids: [ids[1]!] });
    expect(archived.undo).toMatchObject({ kind: 'archive', description: 'Archived 1 message.' });
    expect(row(db, ids[1]!)?.folder_id).toBe(folderRow(db, acc.id, 'Archive')!.id);
    expect(listPendingOperations(db, acc.id).map((o) => o.kind)).toEqual(['folder-create', 'delete', 'folder-create', 'move']);
  });

  it('folders: create, rename and delete are queued; a delete of a folder not created yet cancels its CREATE; undo cancels what has not gone out', async () => {
    const { db, service } = setup();
    const { acc, ids } = await imapAccount(db);
    const made = await service.createFolder({ accountId: acc.id, parentId: null, name: 'Ünïcode folder' });
    expect(made.folder).toMatchObject({ path: 'Ünïcode folder', delimiter: '/' });
    expect(listPendingOperations(db, acc.id).map((o) => o.kind)).toEqual(['folder-create']);
    await service.undo({});
    expect(folderRow(db, acc.id, 'Ünïcode folder')).toBeUndefined();
    expect(listPendingOperations(db, acc.id)).toEqual([]);

    // Made, renamed and deleted before the server saw any of it: nothing is left for the server (a RENAME
    // left queued would ask it to rename a folder it never had, and be refused).
    const draft = await service.createFolder({ accountId: acc.id, parentId: null, name: 'Draft folder' });
    await service.renameFolder({ folderId: draft.folder.id, name: 'Renamed folder' });
    expect(listPendingOperations(db, acc.id).map((o) => o.kind)).toEqual(['folder-create', 'folder-rename']);
    await service.deleteFolder({ folderId: draft.folder.id, confirm: true });
    expect(listPendingOperations(db, acc.id)).toEqual([]);
    expect(folderRow(db, acc.id, 'Renamed folder')).toBeUndefined();

    const old = imapFolder(db, acc.id, 'Old');
    await service.renameFolder({ folderId: old.id, name: 'New' });
    expect(payloadOf(db, listPendingOperations(db, acc.id)[0]!.id)).toEqual({ folderId: old.id, from: 'Old', to: 'New' });
    await service.undo({});
    expect(folderRow(db, acc.id, 'Old')?.id).toBe(old.id);
    expect(listPendingOperations(db, acc.id)).toEqual([]);
    await expect(service.renameFolder({ folderId: old.id, name: 'Trash' })).rejects.toMatchObject({ code: 'FOLDER_EXISTS' });

    // Deleting a folder whose messages have changes waiting is FOLDER_BUSY; once they are gone it goes, mail to Trash first.
    await service.moveMessages({ ids: [ids[0]!], toFolderId: old.id });
    await expect(service.deleteFolder({ folderId: old.id, confirm: true })).rejects.toMatchObject({ code: 'FOLDER_BUSY' });
    db.sqlite.prepare('DELETE FROM pending_ops').run();
    db.sqlite.prepare('UPDATE messages SET uidvalidity = 7, uid = 11 WHERE id = ?').run(ids[0]);
    const gone = await service.deleteFolder({ folderId: old.id, confirm: true });
    expect(gone.movedToTrash).toBe(1);
    expect(folderRow(db, acc.id, 'Old')).toMatchObject({ deleted_locally: 1 });
    expect(listPendingOperations(db, acc.id).map((o) => o.kind)).toEqual(['delete', 'folder-delete']);
    // Undo before the server saw it: the DELETE and the move to Trash are cancelled, the message is back under its UID.
    await service.undo({});
    expect(folderRow(db, acc.id, 'Old')).toMatchObject({ id: old.id, deleted_locally: 0 });
    expect(row(db, ids[0]!)).toMatchObject({ folder_id: old.id, uid: 11 });
    expect(listPendingOperations(db, acc.id)).toEqual([]);
  });

  it('a folder made, deleted, and both undone (Ctrl+Z twice) before the server saw any of it: it is back, then gone, nothing queued', async () => {
    const { db, service } = setup();
    const { acc } = await imapAccount(db);
    const made = await service.createFolder({ accountId: acc.id, parentId: null, name: 'Kept' });
    await service.deleteFolder({ folderId: made.folder.id, confirm: true });
    // The delete cancelled the CREATE and the row went; the undo of the delete makes the folder again, as a new row.
    await service.undo({});
    expect(folderRow(db, acc.id, 'Kept')).toMatchObject({ deleted_locally: 0 });
    expect(listPendingOperations(db, acc.id).map((o) => o.kind)).toEqual(['folder-create']);
    // The undo of the create takes that folder (the same path) away: it was 'deleted meanwhile' (UNDO_CONFLICT) before.
    await service.undo({});
    expect(folderRow(db, acc.id, 'Kept')).toBeUndefined();
    expect(listPendingOperations(db, acc.id)).toEqual([]);
  });

  it('a move to another IMAP account uploads first and removes the original after; undo before the upload gives the message back exactly', async () => {
    const { db, service } = setup();
    const a = await imapAccount(db, 'a');
    const b = await imapAccount(db, 'b');
    const { undo } = await service.moveMessages({ ids: [a.ids[0]!], toFolderId: b.inbox.id });
    expect(row(db, a.ids[0]!)).toMatchObject({ account_id: b.acc.id, folder_id: b.inbox.id, uid: null });
    const [append] = listPendingOperations(db, b.acc.id);
    const [expunge] = listPendingOperations(db, a.acc.id);
    expect(append).toMatchObject({ kind: 'append', messageIds: [a.ids[0]] });
    expect(payloadOf(db, append!.id)).toMatchObject({ to: { folderId: b.inbox.id, path: 'INBOX' }, origin: { accountId: a.acc.id, folderId: a.inbox.id } });
    expect(expunge).toMatchObject({ kind: 'expunge', messageIds: [a.ids[0]] });
    expect((db.sqlite.prepare('SELECT requires FROM pending_ops WHERE id = ?').get(expunge!.id) as { requires: number }).requires).toBe(append!.id);
    // Moving it on within B before the upload: the upload goes straight to the new folder.
    const other = imapFolder(db, b.acc.id, 'Other');
    await service.moveMessages({ ids: [a.ids[0]!], toFolderId: other.id });
    expect(payloadOf(db, append!.id).to).toEqual({ folderId: other.id, path: 'Other' });
    await service.undo({});
    await service.undo({ id: undo!.id });
    expect(row(db, a.ids[0]!)).toMatchObject({ account_id: a.acc.id, folder_id: a.inbox.id, uid: 1, uidvalidity: 7 });
    expect(listPendingOperations(db)).toEqual([]);
  });
});
