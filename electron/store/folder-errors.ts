import type { FolderSyncError } from '../../shared/contract/sync';
import type { WriteDb } from './db';
import { type FolderRow, getFolder, updateFolderSyncState } from './folders';
import type { ChangeRecorder } from './write-transaction';

/** What a folder's last sync could not do, kept in its sync state (`syncError`) until a pass reads it. */
export type FolderError = Omit<FolderSyncError, 'folder'>;

export function folderErrorOf(folder: Pick<FolderRow, 'syncState'>): FolderError | null {
  const e = folder.syncState.syncError as Partial<FolderError> | undefined;
  if (!e || typeof e.code !== 'string' || typeof e.message !== 'string') return null;
  return { code: e.code, message: e.message, serverText: typeof e.serverText === 'string' ? e.serverText : null };
}

/** Sets (or, with null, clears) the folder's error; writes and reports a change only when it differs. */
export function setFolderError(db: WriteDb, changes: ChangeRecorder, folderId: number, error: FolderError | null): void {
  const folder = getFolder(db, folderId);
  const current = folderErrorOf(folder);
  const same = current === null || error === null ? current === error : current.code === error.code && current.message === error.message && current.serverText === error.serverText;
  if (same) return;
  const { syncError: _previous, ...rest } = folder.syncState;
  updateFolderSyncState(db, changes, folderId, { syncState: error ? { ...rest, syncError: error } : rest });
  // The folder list shows the mark: a folder-level change, not only its contents.
  changes.folderList(folder.accountId);
}
