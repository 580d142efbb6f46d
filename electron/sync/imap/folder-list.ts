import { deleteFolder, type FolderRow, listAccountFolders, renameFolder, updateFolderSyncState, upsertFolder } from '../../store/folders';
import { prepare } from '../../store/db';
import { knownUids, rescueWaitingRows } from '../../store/imap-state';
import { forgetMessages } from '../../store/operation-queue';
import { writeTransaction } from '../../store/write-transaction';
import type { ImapPass } from './imap-pass';
import { listFolders, type ServerFolder } from './ops/list-folders';

export interface FolderToSync {
  folder: FolderRow;
  server: ServerFolder;
}

/** INBOX first, then the folders people look at most, then the rest by path. */
const ORDER = ['inbox', 'sent', 'drafts', 'archive', 'flagged', 'all', 'junk', 'trash'];
const rank = (f: ServerFolder) => {
  const i = f.specialUse ? ORDER.indexOf(f.specialUse) : -1;
  return i === -1 ? ORDER.length : i;
};

/**
 * Mirrors the server's folder list into the store: new folders are added, folders gone from the server
 * are removed with their messages, and a folder that reappears under another name with the same
 * UIDVALIDITY, UIDNEXT and count is taken as renamed (its messages stay: servers keep UIDs across RENAME,
 * RFC 3501 section 6.3.5). With `subscribedOnly`, unsubscribed folders (except INBOX) are left out.
 * Returns the selectable folders to sync, in sync order.
 */
export async function syncFolderList(pass: ImapPass): Promise<FolderToSync[]> {
  pass.progress({ phase: 'folders', folder: null });
  const listed = await listFolders(pass.connection);
  const wanted = listed.filter((f) => !pass.account.settings.subscribedOnly || f.subscribed);
  const accountId = pass.account.id;
  const { db } = pass;

  return writeTransaction(db, (changes) => {
    const local = listAccountFolders(db, accountId);
    const wantedPaths = new Set(wanted.map((f) => f.path));
    const localPaths = new Set(local.map((f) => f.path));
    const gone = local.filter((f) => !wantedPaths.has(f.path));
    for (const server of wanted) {
      if (localPaths.has(server.path) || server.status.uidvalidity === null || server.path === 'INBOX') continue;
      // Same UIDVALIDITY, UIDNEXT and message count: the same mailbox under a new name. UIDVALIDITY alone
      // is not enough: servers that derive it from the clock give two mailboxes made in one second the same.
      const renamed = gone.find(
        (f) =>
          f.path !== 'INBOX' &&
          f.uidvalidity === server.status.uidvalidity &&
          f.uidnext === server.status.uidnext &&
          server.status.messages !== null &&
          knownUids(db, f.id, f.uidvalidity!).size === server.status.messages,
      );
      if (!renamed) continue;
      renameFolder(db, changes, renamed.id, server);
      gone.splice(gone.indexOf(renamed), 1);
    }
    for (const folder of gone) {
      rescueWaitingRows(db, changes, folder);
      const ids = prepare<[number], { id: number }>(db, 'SELECT id FROM messages WHERE folder_id = ?')
        .all(folder.id)
        .map((r) => r.id);
      forgetMessages(db, ids);
      deleteFolder(db, changes, folder.id);
    }
    const result: FolderToSync[] = [];
    for (const server of [...wanted].sort((a, b) => rank(a) - rank(b) || a.path.localeCompare(b.path))) {
      const folder = upsertFolder(db, changes, accountId, server);
      if (folder.syncState.selectable !== server.selectable) {
        updateFolderSyncState(db, changes, folder.id, { syncState: { ...folder.syncState, selectable: server.selectable } });
      }
      if (server.selectable) result.push({ folder, server });
    }
    return result;
  });
}
