import { prepare, type WriteDb } from './db';
import { NEXT_MESSAGE_ID } from './id-floors';
import { OUTGOING_FOLDER_SQL } from './outgoing-folder';
import { indexIfPending } from './pending-search';
import { MAX_MESSAGE_ID, searchKeySql } from './search-key';
import type { ChangeRecorder } from './write-transaction';
import { HomingError } from '../../shared/errors';

/**
 * Columns a copy takes from its original as they are. Its own are left out: the id, the folder, the
 * server identity (a copy has none until its server tells one, and a POP3 UIDL belongs to the download
 * alone), the hidden and Trash marks, when it was added and whether its folder is a Sent or Drafts one.
 */
const OWN_COLUMNS = new Set(['id', 'folder_id', 'uidvalidity', 'uid', 'uidl', 'modseq', 'deleted_locally', 'trashed_at', 'added_at', 'outgoing_folder']);

let copiedColumns: string[] | null = null;

function columnsToCopy(db: WriteDb): string[] {
  copiedColumns ??= prepare<[], { name: string }>(db, 'PRAGMA table_info(messages)')
    .all()
    .map((c) => c.name)
    .filter((name) => !OWN_COLUMNS.has(name));
  return copiedColumns;
}

/**
 * A copy of a stored message in another folder of the same account (the "copy" action): a row of its own
 * with the original's headers, flags, thread and body state, its stored source chunks (as stored, not
 * encoded again), attachments and full-text row, no server identity. Returns the copy's id. Call inside
 * a write transaction.
 */
export function copyMessageRow(db: WriteDb, changes: ChangeRecorder, original: { id: number; accountId: string }, folderId: number): number {
  const columns = columnsToCopy(db).join(', ');
  const info = prepare<[number, number, number, number, number, number]>(
    db,
    `INSERT INTO messages (id, ${columns}, folder_id, added_at, trashed_at, outgoing_folder)
     SELECT ${NEXT_MESSAGE_ID}, ${columns}, ?, ?, CASE WHEN (SELECT special_use FROM folders WHERE id = ?) = 'trash' THEN ? ELSE NULL END, ${OUTGOING_FOLDER_SQL}
     FROM messages WHERE id = ?`,
  ).run(folderId, Date.now(), folderId, Date.now(), folderId, original.id);
  if (info.changes !== 1) throw new HomingError('NOT_FOUND', `No message with id ${original.id}.`);
  const copyId = Number(info.lastInsertRowid);
  if (copyId > MAX_MESSAGE_ID) throw new HomingError('INTERNAL', 'The store holds more messages than its search index can key.');
  prepare<[number, number]>(db, 'INSERT INTO message_sources (message_id, seq, compression, raw) SELECT ?, seq, compression, raw FROM message_sources WHERE message_id = ?').run(
    copyId,
    original.id,
  );
  prepare<[number, number]>(
    db,
    `INSERT INTO attachments (message_id, part_index, filename, content_type, size, content_id, inline)
     SELECT ?, part_index, filename, content_type, size, content_id, inline FROM attachments WHERE message_id = ?`,
  ).run(copyId, original.id);
  prepare<[number, number]>(
    db,
    `INSERT INTO message_search (rowid, subject, sender, recipients, body, attachments)
     SELECT ${searchKeySql('m.date', '?')}, s.subject, s.sender, s.recipients, s.body, s.attachments
     FROM messages m JOIN message_search s ON s.rowid = ${searchKeySql('m.date', 'm.id')} WHERE m.id = ?`,
  ).run(copyId, original.id);
  // An original whose full-text row waits for its body (search_pending) has none to copy: the copy gets its header row now.
  indexIfPending(db, copyId);
  // Inserts keep the folder's counts themselves (no insert trigger: migration 0004).
  prepare<[number, number, number]>(
    db,
    `UPDATE folders SET total_count = total_count + 1,
       unread_count = unread_count + (SELECT seen = 0 FROM messages WHERE id = ?),
       offline_count = offline_count + (SELECT body_status = 'full' FROM messages WHERE id = ?) WHERE id = ?`,
  ).run(copyId, copyId, folderId);
  changes.message(original.accountId, folderId, copyId);
  return copyId;
}
