import Database from 'better-sqlite3';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { copyMessageRow } from '../../../../electron/store/message-copy';
import { deleteFolder, localFolderInput, upsertFolder } from '../../../../electron/store/folders';
import { migrations } from '../../../../electron/store/migrations/all';
import { closeDb, openWriteDb } from '../../../../electron/store/open';
import { writeTransaction } from '../../../../electron/store/write-transaction';
import { eml, ingest, localFolder, tempDir, tempStore } from '../../../helpers/store';

/**
 * Ids of messages and folders are never given out twice (migration 0017). SQLite gives an INTEGER PRIMARY
 * KEY the largest id plus one, so the newest row's id came back once that row was deleted, and the undo
 * log, a rule's folder or the junk filter's record then named the new row: `homing undo` after emptying
 * the Trash moved just-arrived mail into the deleted message's folder.
 */
describe('message and folder ids are never reused', () => {
  it('a message stored after the newest one was deleted gets a new id; so does a copy', async () => {
    const { db } = tempStore();
    const folder = localFolder(db);
    const first = await ingest(db, eml({ Subject: 'one', 'Message-ID': '<1@x>' }), { accountId: 'local', folderId: folder.id, key: { kind: 'local' } });
    const newest = await ingest(db, eml({ Subject: 'two', 'Message-ID': '<2@x>' }), { accountId: 'local', folderId: folder.id, key: { kind: 'local' } });
    db.sqlite.prepare('DELETE FROM messages WHERE id = ?').run(newest.messageId);
    const next = await ingest(db, eml({ Subject: 'three', 'Message-ID': '<3@x>' }), { accountId: 'local', folderId: folder.id, key: { kind: 'local' } });
    // Without the floor: the deleted message's id again.
    expect(next.messageId).toBe(newest.messageId + 1);
    db.sqlite.prepare('DELETE FROM messages WHERE id = ?').run(next.messageId);
    const copy = writeTransaction(db, (changes) => copyMessageRow(db, changes, { id: first.messageId, accountId: 'local' }, folder.id));
    expect(copy).toBe(next.messageId + 1);
    closeDb(db);
  });

  it('a folder made after the newest one was deleted (also with its messages, by cascade) gets a new id', async () => {
    const { db } = tempStore();
    const a = localFolder(db, 'A');
    const b = localFolder(db, 'B');
    const inB = await ingest(db, eml({ Subject: 'in b' }), { accountId: 'local', folderId: b.id, key: { kind: 'local' } });
    writeTransaction(db, (changes) => deleteFolder(db, changes, b.id));
    expect(db.sqlite.prepare('SELECT count(*) AS n FROM messages WHERE id = ?').get(inB.messageId)).toEqual({ n: 0 });
    const c = writeTransaction(db, (changes) => upsertFolder(db, changes, 'local', localFolderInput('C')));
    expect(c.id).toBe(b.id + 1);
    // The upsert of an existing path keeps its row and id.
    expect(writeTransaction(db, (changes) => upsertFolder(db, changes, 'local', { ...localFolderInput('A'), subscribed: false })).id).toBe(a.id);
    const later = await ingest(db, eml({ Subject: 'later' }), { accountId: 'local', folderId: c.id, key: { kind: 'local' } });
    expect(later.messageId).toBe(inB.messageId + 1);
    closeDb(db);
  });

  it('the migration starts the floors above ids deleted before it that the undo log, the queue, rules or the junk filter still name', () => {
    const path = join(tempDir(), 'homing.sqlite');
    const old = new Database(path);
    old.pragma('foreign_keys = ON');
    for (const m of migrations.filter((m) => m.version < 17)) m.up(old);
    old.pragma('user_version = 16');
    const now = Date.now();
    old.prepare(`INSERT INTO undo_log (kind, description, payload, created_at) VALUES ('move', 'Moved', ?, ?)`).run(
      JSON.stringify({ items: [{ messageId: 40, from: { accountId: 'local', folderId: 9, path: 'X' }, to: { accountId: 'local', folderId: 1, path: 'INBOX' } }] }),
      now,
    );
    old.prepare(`INSERT INTO rules (name, query, actions, position, created_at) VALUES ('r', 'x', ?, 1, ?)`).run(JSON.stringify([{ kind: 'move', folderId: 12 }]), now);
    old.prepare(`INSERT INTO junk_trained (message_id, verdict, tokens, at) VALUES (77, 'junk', '[]', ?)`).run(now);
    old.prepare(`INSERT INTO undo_log (kind, description, payload, created_at) VALUES ('move', 'damaged', 'not json', ?)`).run(now);
    old.close();

    const db = openWriteDb(path);
    expect(db.sqlite.prepare('SELECT name, floor FROM id_floors ORDER BY name').all()).toEqual([
      { name: 'folders', floor: 12 },
      { name: 'messages', floor: 77 },
    ]);
    closeDb(db);
  });
});
