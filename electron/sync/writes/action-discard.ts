import { HomingError } from '../../../shared/errors';
import { prepare, type WriteDb } from '../../store/db';
import { findFolderById, updateFolderSyncState } from '../../store/folders';
import { type DeletePayload, deleteOperation, getOperation, type MovePayload, operationMessageIds } from '../../store/pending-ops';
import type { ChangeRecorder } from '../../store/write-transaction';

interface MessageRow {
  id: number;
  account_id: string;
  folder_id: number;
  uid: number | null;
  deleted_locally: number;
}

/**
 * Drops an operation the server refused and undoes its local change, so the store shows the server's
 * state again: a moved or deleted message goes back to the folder (and UID) the server has it in, or —
 * when that folder was recreated or removed meanwhile — leaves, to be synced again from the server; a
 * flag change is undone by re-reading every flag of the folders concerned at the next sync.
 */
export function discardOperation(db: WriteDb, changes: ChangeRecorder, opId: number): void {
  const op = getOperation(db, opId);
  if (op.state !== 'refused') {
    throw new HomingError('INVALID_ARGUMENT', 'Only a change the server refused can be discarded; this one is still waiting to reach the server.');
  }
  const row = prepare<[number], MessageRow>(db, 'SELECT id, account_id, folder_id, uid, deleted_locally FROM messages WHERE id = ?');
  const ids = operationMessageIds(db, opId);

  if (op.kind === 'flags') {
    const folderIds = new Set(ids.map((id) => row.get(id)?.folder_id).filter((id): id is number => id !== undefined));
    for (const folderId of folderIds) {
      const folder = findFolderById(db, folderId);
      // No HIGHESTMODSEQ: the next sync fetches every flag of the folder instead of the changes since then.
      if (folder) updateFolderSyncState(db, changes, folderId, { highestmodseq: null, syncState: { ...folder.syncState, indexed: false } });
    }
  } else if (op.kind === 'move' || op.kind === 'delete') {
    const payload = op.payload as Partial<MovePayload & DeletePayload> | null;
    const from = payload?.from ?? undefined;
    const source = from ? findFolderById(db, from.folderId) : null;
    const sourceIntact = source !== null && from !== undefined && source.uidvalidity === from.uidvalidity;
    // Messages that waited on an earlier operation (WaitingOn): their server place is unknown here; shown
    // again where they are, they are matched or dropped by that folder's next sync.
    for (const messageId of payload?.after?.messageIds ?? []) {
      const current = row.get(messageId);
      if (!current || current.deleted_locally !== 1 || !ids.includes(messageId)) continue;
      prepare<[number]>(db, 'UPDATE messages SET deleted_locally = 0 WHERE id = ?').run(current.id);
      changes.message(current.account_id, current.folder_id, current.id);
    }
    for (const item of payload?.items ?? []) {
      const current = row.get(item.messageId);
      if (!current || !ids.includes(item.messageId)) continue;
      if (current.deleted_locally === 1) {
        // Hidden for an expunge: it is still where the server has it.
        prepare<[number]>(db, 'UPDATE messages SET deleted_locally = 0 WHERE id = ?').run(current.id);
        changes.message(current.account_id, current.folder_id, current.id);
        continue;
      }
      if (current.account_id !== op.accountId || current.uid !== null) continue; // moved to Local Folders, or placed since
      const clash =
        sourceIntact &&
        prepare<[number, number, number], { id: number }>(db, 'SELECT id FROM messages WHERE folder_id = ? AND uidvalidity = ? AND uid = ?').get(
          from.folderId,
          from.uidvalidity,
          item.uid,
        );
      if (sourceIntact && !clash) {
        prepare(db, 'UPDATE messages SET folder_id = ?, uidvalidity = ?, uid = ? WHERE id = ?').run(from.folderId, from.uidvalidity, item.uid, current.id);
        changes.message(current.account_id, current.folder_id, current.id);
        changes.message(current.account_id, from.folderId, current.id);
      } else {
        prepare<[number]>(db, 'DELETE FROM messages WHERE id = ?').run(current.id);
        changes.message(current.account_id, current.folder_id, current.id);
      }
    }
  }
  deleteOperation(db, changes, opId);
}
