import type { Folder } from '../../shared/contract/messages';
import { folderErrorOf } from './folder-errors';
import type { FolderWithCounts } from './folders';

/** A folder row as the contract shows it (listFolders, and the folder an action made or renamed). */
export function folderView(f: FolderWithCounts): Folder {
  return {
    id: f.id,
    accountId: f.accountId,
    path: f.path,
    name: f.name,
    parentPath: f.parentPath,
    delimiter: f.delimiter,
    specialUse: f.specialUse,
    subscribed: f.subscribed,
    total: f.total,
    unread: f.unread,
    offline: f.offline,
    syncError: folderErrorOf(f),
  };
}
