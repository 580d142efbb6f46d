import type { DeleteFolderResult, FolderActionResult } from '../../../shared/contract/organise';
import { HomingError } from '../../../shared/errors';
import { type Account } from '../../../shared/contract/accounts';
import { getAccount } from '../../store/accounts';
import { prepare } from '../../store/db';
import { findFolderById, findFolderByPath, folderSubtree, type FolderInput, type FolderRow, getFolder } from '../../store/folders';
import { folderView } from '../../store/folder-view';
import { findOperation, operationsInvolvingFolders } from '../../store/operation-queue';
import { recordUndo } from '../../store/undo-log';
import { loadActionRows } from '../actions/action-rows';
import type { PlanContext } from '../engine';
import { engineFor } from '../engines';
import { folderNameProblem } from './folder-names';
import type { PlanTx } from './message-actions';

/**
 * Folders made, renamed, moved and deleted by the user, for every kind of account: the checks that are
 * the same everywhere (the name, a clash, the protected folders, a folder whose changes still wait for
 * the server) are here; the change itself is the account's engine's (FolderPlanner). The folder tree
 * updates at once (foldersChanged); an IMAP server follows through the queue.
 */

/** A visible folder of the account (NOT_FOUND for one deleted or of another account). */
export function visibleFolder(tx: PlanTx, folderId: number, accountId?: string): FolderRow {
  const folder = findFolderById(tx.db, folderId);
  if (!folder || folder.deletedLocally || (accountId !== undefined && folder.accountId !== accountId)) {
    throw new HomingError('NOT_FOUND', `No folder with id ${folderId}${accountId ? ` in account ${accountId}` : ''}.`);
  }
  return folder;
}

/** INBOX and Trash stay where they are: mail arrives in one, and every delete needs the other. */
function refuseProtected(folder: FolderRow, what: string): void {
  if (folder.specialUse === 'inbox' || folder.path.toUpperCase() === 'INBOX' || folder.specialUse === 'trash') {
    throw new HomingError('FOLDER_PROTECTED', `${folder.name} cannot be ${what}.`, { path: folder.path });
  }
}

/** The folder's place after the checks every account shares; FOLDER_EXISTS when it is taken. */
function placeChecked(tx: PlanTx, account: Account, parent: FolderRow | null, rawName: string, self?: FolderRow): FolderInput {
  const name = rawName.trim();
  const planner = engineFor(account).folders;
  const delimiter = parent?.delimiter ?? planner.placeFor(tx.db, account.id, null, 'x').delimiter;
  const problem = folderNameProblem(name, delimiter, planner.refusedInNames?.(tx.db, account.id));
  if (problem) throw new HomingError('INVALID_FOLDER_NAME', problem, { name: rawName });
  const input = engineFor(account).folders.placeFor(tx.db, account.id, parent, name);
  const clash = findFolderByPath(tx.db, account.id, input.path);
  const inboxClash = input.path.toUpperCase() === 'INBOX' && findFolderByPath(tx.db, account.id, 'INBOX');
  if ((clash && !clash.deletedLocally && clash.id !== self?.id) || (inboxClash && inboxClash.id !== self?.id)) {
    throw new HomingError('FOLDER_EXISTS', `A folder ${input.path} already exists in this account.`, { path: input.path });
  }
  return input;
}

export function createFolder(tx: PlanTx, args: { accountId: string; parentId: number | null; name: string }): FolderActionResult & { queued: boolean } {
  const account = getAccount(tx.db, args.accountId);
  const parent = args.parentId === null ? null : visibleFolder(tx, args.parentId, account.id);
  const input = placeChecked(tx, account, parent, args.name);
  const plan: PlanContext = { ...tx, account };
  const folder = engineFor(account).folders.create(plan, input);
  const undo = recordUndo(tx.db, tx.changes, { kind: 'folder-create', payload: { accountId: account.id, folderId: folder.id, path: folder.path } }, {
    description: `Created the folder ${folder.name}.`,
    accountIds: [account.id],
    messageCount: 0,
  });
  return { folder: folderView(getFolder(tx.db, folder.id)), undo, queued: engineFor(account).hasServer && engineFor(account).mirrorsServer };
}

export function renameFolder(tx: PlanTx, args: { folderId: number; name?: string | undefined; parentId?: number | null | undefined }): FolderActionResult & { queued: boolean } {
  if (args.name === undefined && args.parentId === undefined) throw new HomingError('INVALID_ARGUMENT', 'Say what to change: name, parentId or both.');
  const folder = visibleFolder(tx, args.folderId);
  refuseProtected(folder, 'renamed or moved');
  const account = getAccount(tx.db, folder.accountId);
  const parent =
    args.parentId === undefined
      ? folder.parentPath === null
        ? null
        : findFolderByPath(tx.db, account.id, folder.parentPath)
      : args.parentId === null
        ? null
        : visibleFolder(tx, args.parentId, account.id);
  if (parent && folderSubtree(tx.db, folder).some((f) => f.id === parent.id)) {
    throw new HomingError('INVALID_ARGUMENT', `${folder.name} cannot be moved into itself or one of its subfolders.`);
  }
  const input = placeChecked(tx, account, parent, args.name ?? folder.name, folder);
  if (input.path === folder.path) return { folder: folderView(getFolder(tx.db, folder.id)), undo: null, queued: false };
  const renamed = engineFor(account).folders.rename({ ...tx, account }, folder, { ...input, specialUse: folder.specialUse, subscribed: folder.subscribed });
  const moved = input.parentPath !== folder.parentPath;
  const undo = recordUndo(tx.db, tx.changes, { kind: 'folder-rename', payload: { accountId: account.id, folderId: folder.id, from: folder.path, to: renamed.path } }, {
    description: moved && input.name === folder.name ? `Moved the folder ${folder.name}.` : `Renamed the folder ${folder.name} to ${renamed.name}.`,
    accountIds: [account.id],
    messageCount: 0,
  });
  return { folder: folderView(getFolder(tx.db, folder.id)), undo, queued: engineFor(account).mirrorsServer };
}

/**
 * Deletes a folder and its subfolders: their messages go to the account's Trash first (through the same
 * planner as any delete, so the server moves them there before the folder goes), then each folder,
 * deepest first. FOLDER_BUSY while any of them has changes queued or refused.
 */
export function deleteFolder(tx: PlanTx, args: { folderId: number }): DeleteFolderResult & { nudge: boolean } {
  const folder = visibleFolder(tx, args.folderId);
  refuseProtected(folder, 'deleted');
  const account = getAccount(tx.db, folder.accountId);
  const engine = engineFor(account);
  const plan: PlanContext = { ...tx, account };
  const subtree = folderSubtree(tx.db, folder).filter((f) => !f.deletedLocally);
  if (subtree.some((f) => f.specialUse === 'inbox' || f.specialUse === 'trash')) {
    throw new HomingError('FOLDER_PROTECTED', `${folder.name} holds the Inbox or the Trash, which cannot be deleted.`, { path: folder.path });
  }
  const busy = operationsInvolvingFolders(
    tx.db,
    subtree.map((f) => f.id),
  );
  // Folder operations on these folders (made or renamed offline) are fine: the DELETE is replayed after them.
  const blocking = busy.filter((id) => !findOperation(tx.db, id)?.kind.startsWith('folder-'));
  if (blocking.length > 0) {
    throw new HomingError(
      'FOLDER_BUSY',
      `${plural(blocking.length, 'change')} to ${folder.name} or its messages ${blocking.length === 1 ? 'is' : 'are'} still waiting for the server (or were refused): try again once ${blocking.length === 1 ? 'it has' : 'they have'} reached it, or discard ${blocking.length === 1 ? 'it' : 'them'}.`,
      { path: folder.path, operations: blocking },
    );
  }
  const trash = engine.folders.special(plan, 'trash');
  const messageIds = prepare<[number], { id: number }>(tx.db, 'SELECT id FROM messages WHERE folder_id = ? AND deleted_locally = 0');
  const items: Array<{ messageId: number; path: string; trashFolderId: number }> = [];
  let nudge = false;
  for (const f of subtree) {
    const ids = messageIds.all(f.id).map((r) => r.id);
    if (ids.length === 0) continue;
    if (engine.actions.delete(plan, loadActionRows(tx.db, ids))) nudge = true;
    for (const id of ids) items.push({ messageId: id, path: f.path, trashFolderId: trash.id });
  }
  // Deepest first: a server refuses to delete a folder that still has children, or keeps it as \Noselect.
  for (const f of [...subtree].sort((a, b) => b.path.length - a.path.length)) engine.folders.remove(plan, f);
  const undo = recordUndo(
    tx.db,
    tx.changes,
    {
      kind: 'folder-delete',
      payload: {
        accountId: account.id,
        folders: subtree.map((f) => ({ folderId: f.id, path: f.path, specialUse: f.specialUse, subscribed: f.subscribed })),
        items,
      },
    },
    { description: `Deleted the folder ${folder.name}${items.length > 0 ? ` (${plural(items.length, 'message')} moved to the Trash)` : ''}.`, accountIds: [account.id], messageCount: items.length },
  );
  return { undo, movedToTrash: items.length, nudge: nudge || engine.mirrorsServer };
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
