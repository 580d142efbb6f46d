import { getAccount } from '../../store/accounts';
import { prepare, type WriteDb } from '../../store/db';
import { deleteFolder, findFolderById, findFolderByPath, renameFolderTree, setFolderHidden } from '../../store/folders';
import {
  forgetMessages,
  pathWithin,
  queuedFolderOperations,
  queuedOperationsInto,
  refuseOperation,
  rewriteQueuedPaths,
  type QueuedOperation,
} from '../../store/operation-queue';
import type { ChangeRecorder } from '../../store/write-transaction';
import { discardImapOperation } from './imap-discard';

type FolderOperation = QueuedOperation & { kind: 'folder-create' | 'folder-rename' | 'folder-delete' | 'folder-subscribe' };

/**
 * The server refused a folder operation: the store goes back to what the server holds at once (the
 * operation stays, refused with the server's words, until the user discards it; discarding then has
 * nothing left to undo).
 * - CREATE refused: the folder goes. What was queued to go into it (moves, deletes to it, uploads) is
 *   discarded, so those messages are back where their server has them; folders made under it go too.
 * - RENAME refused: the folder (and its subfolders) gets its old path back, and operations queued after
 *   the rename name it by that path again.
 * - DELETE refused: the folder shows again (its messages went to the Trash before, as the server did).
 */
export function rollBackFolderOperation(db: WriteDb, changes: ChangeRecorder, op: FolderOperation): void {
  switch (op.kind) {
    case 'folder-create': {
      const folder = findFolderById(db, op.payload.folderId);
      const delimiter = folder?.delimiter ?? null;
      for (const inner of queuedFolderOperations(db, op.accountId)) {
        if (inner.id <= op.id || inner.kind !== 'folder-create' || !pathWithin(inner.payload.path, op.payload.path, delimiter)) continue;
        refuseOperation(db, changes, inner.id, { code: 'OPERATION_REFUSED', message: `The folder ${op.payload.path} could not be created on the server, so neither could this one.` });
        rollBackFolderOperation(db, changes, inner);
      }
      const account = getAccount(db, op.accountId);
      for (const into of queuedOperationsInto(db, op.accountId, op.payload.folderId, op.id)) discardImapOperation({ db, changes, account }, into);
      if (folder && !folder.deletedLocally) {
        const left = prepare<[number], { id: number }>(db, 'SELECT id FROM messages WHERE folder_id = ?')
          .all(folder.id)
          .map((r) => r.id);
        forgetMessages(db, left);
        deleteFolder(db, changes, folder.id);
      }
      return;
    }
    case 'folder-rename': {
      const folder = findFolderById(db, op.payload.folderId);
      if (folder && folder.path === op.payload.to && !findFolderByPath(db, op.accountId, op.payload.from)) {
        const cut = folder.delimiter ? op.payload.from.lastIndexOf(folder.delimiter) : -1;
        renameFolderTree(db, changes, folder.id, {
          path: op.payload.from,
          name: cut >= 0 ? op.payload.from.slice(cut + folder.delimiter!.length) : op.payload.from,
          parentPath: cut >= 0 ? op.payload.from.slice(0, cut) : null,
          delimiter: folder.delimiter,
          specialUse: folder.specialUse,
          subscribed: folder.subscribed,
        });
      }
      rewriteQueuedPaths(db, op.accountId, { from: op.payload.to, to: op.payload.from, delimiter: folder?.delimiter ?? '/' }, (id) => id > op.id);
      return;
    }
    case 'folder-delete': {
      const folder = op.payload.folderId === null ? null : findFolderById(db, op.payload.folderId);
      if (!folder) return;
      if (folder.path !== op.payload.path) {
        // Moved aside for a folder made again under this name meanwhile: that one stands for it.
        if (findFolderByPath(db, op.accountId, op.payload.path)) return;
        prepare(db, 'UPDATE folders SET path = ? WHERE id = ?').run(op.payload.path, folder.id);
      }
      if (folder.deletedLocally) setFolderHidden(db, changes, folder.id, false);
      return;
    }
    case 'folder-subscribe':
      return;
  }
}
