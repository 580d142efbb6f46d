import { prepare, type WriteDb } from '../../store/db';
import { findFolderById, findFolderByPath, updateFolderSyncState } from '../../store/folders';
import type { AppendPayload, OpItem, ServerPlace } from '../../store/operation-kinds';
import { deleteOperation, operationMessageIds, operationsRequiring, type StoredOperation } from '../../store/operation-queue';
import type { ChangeRecorder } from '../../store/write-transaction';
import { removeRows, returnRow } from '../actions/row-changes';
import type { PlanContext } from '../engine';

interface MessageRow {
  id: number;
  account_id: string;
  folder_id: number;
  uid: number | null;
  deleted_locally: number;
}

/**
 * Drops an IMAP operation the server refused and undoes its local change, so the store shows the
 * server's state again: a moved or deleted message goes back to the folder (and UID) the server has it
 * in, or — when that folder was recreated or removed meanwhile, or the operation could not be read —
 * leaves, to be synced again from the server. A refused flag change already put every row back at the
 * refusal (its recorded previous state); the folders concerned re-read every flag at their next sync.
 */
export function discardImapOperation(plan: PlanContext, op: StoredOperation): void {
  const { db, changes } = plan;
  const row = prepare<[number], MessageRow>(db, 'SELECT id, account_id, folder_id, uid, deleted_locally FROM messages WHERE id = ?');
  const ids = operationMessageIds(db, op.id);
  switch (op.kind) {
    case 'flags': {
      const folderIds = new Set(ids.map((id) => row.get(id)?.folder_id).filter((id): id is number => id !== undefined));
      for (const folderId of folderIds) {
        const folder = findFolderById(db, folderId);
        // No HIGHESTMODSEQ: the next sync fetches every flag of the folder instead of the changes since then.
        if (folder) updateFolderSyncState(db, changes, folderId, { highestmodseq: null, syncState: { ...folder.syncState, indexed: false } });
      }
      break;
    }
    case 'move':
    case 'delete':
    case 'expunge':
      restoreRows(db, changes, op.accountId, ids, op.payload.from, op.payload.items, op.payload.after?.messageIds ?? []);
      break;
    case 'copy': {
      // The copies the server never made go; the originals never moved.
      const copies = ids.map((id) => row.get(id)).filter((r): r is MessageRow => r !== undefined && r.uid === null);
      removeRows(
        db,
        changes,
        copies.map((r) => ({ id: r.id, accountId: r.account_id, folderId: r.folder_id })),
      );
      break;
    }
    case 'append':
      returnUpload(db, changes, op.accountId, op.id, op.payload);
      break;
    case 'damaged':
      // Where the server has them is unknown: shown again where they are, or synced again from the server.
      restoreRows(db, changes, op.accountId, ids, null, [], ids);
      break;
    default:
      break;
  }
  deleteOperation(db, changes, op.id);
}

/**
 * A refused upload of a message moved in from another account: the message goes back to the account and
 * folder it came from (its INBOX if that folder is gone), with the UID its server still has it under, and
 * that account's removal of its copy (refused with the upload) goes too.
 */
function returnUpload(db: WriteDb, changes: ChangeRecorder, accountId: string, opId: number, payload: AppendPayload): void {
  const current = prepare<[number], MessageRow>(db, 'SELECT id, account_id, folder_id, uid, deleted_locally FROM messages WHERE id = ?').get(payload.messageId);
  const origin = payload.origin;
  if (!current || !origin || current.account_id !== accountId || current.uid !== null) return;
  const folder = findFolderById(db, origin.folderId);
  const home = folder && !folder.deletedLocally && folder.accountId === origin.accountId ? folder : findFolderByPath(db, origin.accountId, 'INBOX');
  if (!home) return;
  let key: { uidvalidity: number; uid: number } | null = null;
  for (const removal of operationsRequiring(db, opId)) {
    if (removal.kind !== 'expunge') continue;
    const item = removal.payload.items.find((i) => i.messageId === current.id);
    if (item && removal.payload.from?.folderId === home.id && home.uidvalidity === removal.payload.from.uidvalidity) key = { uidvalidity: removal.payload.from.uidvalidity, uid: item.uid };
    deleteOperation(db, changes, removal.id);
  }
  const uidl = prepare<[string, number], { uidl: string }>(db, 'SELECT uidl FROM pop3_uidls WHERE account_id = ? AND message_id = ?').get(home.accountId, current.id)?.uidl ?? null;
  returnRow(db, changes, { id: current.id, accountId: current.account_id, folderId: current.folder_id }, { accountId: home.accountId, folderId: home.id }, key, uidl);
}

function restoreRows(
  db: WriteDb,
  changes: ChangeRecorder,
  accountId: string,
  ids: number[],
  from: ServerPlace | null,
  items: readonly OpItem[],
  waiting: readonly number[],
): void {
  const row = prepare<[number], MessageRow>(db, 'SELECT id, account_id, folder_id, uid, deleted_locally FROM messages WHERE id = ?');
  const source = from ? findFolderById(db, from.folderId) : null;
  const sourceIntact = source !== null && from !== null && source.uidvalidity === from.uidvalidity;
  // Messages that waited on an earlier operation (WaitingOn), or whose place is unknown: shown again
  // where they are, they are matched or dropped by that folder's next sync.
  for (const messageId of waiting) {
    const current = row.get(messageId);
    if (!current || current.deleted_locally !== 1 || !ids.includes(messageId)) continue;
    prepare<[number]>(db, 'UPDATE messages SET deleted_locally = 0 WHERE id = ?').run(current.id);
    changes.message(current.account_id, current.folder_id, current.id);
  }
  for (const item of items) {
    const current = row.get(item.messageId);
    if (!current || !ids.includes(item.messageId)) continue;
    if (current.deleted_locally === 1) {
      // Hidden for an expunge: it is still where the server has it.
      prepare<[number]>(db, 'UPDATE messages SET deleted_locally = 0 WHERE id = ?').run(current.id);
      changes.message(current.account_id, current.folder_id, current.id);
      continue;
    }
    if (current.account_id !== accountId || current.uid !== null) continue; // moved to Local Folders, or placed since
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
