import { randomBytes } from 'node:crypto';
import { deleteFolder, findFolderByPath, type FolderRow, getFolder, listAccountFolders, renameFolder, updateFolderSyncState, upsertFolder } from '../../store/folders';
import { prepare } from '../../store/db';
import { countKnownUids, rescueWaitingRows } from '../../store/imap-state';
import { forgetMessages, pathWithin, queuedFolderOperations } from '../../store/operation-queue';
import type { ReadDb } from '../../store/db';
import { writeTransaction } from '../../store/write-transaction';
import type { ImapPass } from './imap-pass';
import { listFolders, type ServerFolder } from './ops/list-folders';

export interface FolderToSync {
  folder: FolderRow;
  server: ServerFolder;
}

/** The key of INBOX's sync state that keeps the server's personal namespace prefix. */
export const PERSONAL_PREFIX = 'personalPrefix';

/** The key of INBOX's sync state that keeps the characters the server refuses in folder names (checkNameCharacters). */
export const NAME_CHECK = 'refusedInNames';

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
  const accountId = pass.account.id;
  const { db } = pass;
  const pending = pendingFolderChanges(db, accountId);
  // The personal namespace's prefix (RFC 2342; imapflow asks at login): `INBOX.` on Courier, where the
  // account's folders are made under INBOX (imap-folders.ts personalRoot). Null when the server has none.
  const prefix = pass.connection.client.namespace?.prefix ?? null;
  const inbox = findFolderByPath(db, accountId, 'INBOX');
  const refusedInNames = Array.isArray(inbox?.syncState[NAME_CHECK]) ? null : await checkNameCharacters(pass, listed, prefix);
  // Folders a queued CREATE, RENAME or DELETE is about to change follow the queue, not this listing.
  const wanted = listed.filter((f) => (!pass.account.settings.subscribedOnly || f.subscribed) && !pending.serverPathHeld(f.path));

  return writeTransaction(db, (changes) => {
    const local = listAccountFolders(db, accountId).filter((f) => !pending.localRowHeld(f));
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
          countKnownUids(db, f.id, f.uidvalidity!) === server.status.messages,
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
      const hidden = findFolderByPath(db, accountId, server.path);
      if (hidden?.deletedLocally) continue;
      let folder = upsertFolder(db, changes, accountId, server);
      if (folder.syncState.selectable !== server.selectable) {
        updateFolderSyncState(db, changes, folder.id, { syncState: { ...folder.syncState, selectable: server.selectable } });
        folder = getFolder(db, folder.id);
      }
      if (folder.path === 'INBOX' && prefix !== null && folder.syncState[PERSONAL_PREFIX] !== prefix) {
        updateFolderSyncState(db, changes, folder.id, { syncState: { ...folder.syncState, [PERSONAL_PREFIX]: prefix } });
        folder = getFolder(db, folder.id);
      }
      if (folder.path === 'INBOX' && refusedInNames !== null) {
        updateFolderSyncState(db, changes, folder.id, { syncState: { ...folder.syncState, [NAME_CHECK]: refusedInNames } });
        folder = getFolder(db, folder.id);
      }
      if (server.selectable) result.push({ folder, server });
    }
    return result;
  });
}

/**
 * What the account's queued folder operations hold: local rows they made, renamed or hid (kept as they
 * are, though the server does not list them so yet), and server paths they are about to rename or delete
 * (not taken from the listing). Once the queue has reached the server, both agree again.
 */
function pendingFolderChanges(db: ReadDb, accountId: string) {
  const rows = new Set<number>();
  const localRoots: Array<{ path: string; delimiter: string | null }> = [];
  const serverRoots: Array<{ path: string; delimiter: string | null }> = [];
  const delimiterOf = (folderId: number | null) => (folderId === null ? '/' : (listAccountFolders(db, accountId).find((f) => f.id === folderId)?.delimiter ?? '/'));
  for (const op of queuedFolderOperations(db, accountId)) {
    switch (op.kind) {
      case 'folder-create':
        rows.add(op.payload.folderId);
        localRoots.push({ path: op.payload.path, delimiter: delimiterOf(op.payload.folderId) });
        break;
      case 'folder-rename':
        rows.add(op.payload.folderId);
        localRoots.push({ path: op.payload.to, delimiter: delimiterOf(op.payload.folderId) });
        serverRoots.push({ path: op.payload.from, delimiter: delimiterOf(op.payload.folderId) });
        break;
      case 'folder-delete':
        if (op.payload.folderId !== null) rows.add(op.payload.folderId);
        serverRoots.push({ path: op.payload.path, delimiter: delimiterOf(op.payload.folderId) });
        break;
      default:
        break;
    }
  }
  return {
    localRowHeld: (f: FolderRow) => rows.has(f.id) || f.deletedLocally || localRoots.some((r) => pathWithin(f.path, r.path, r.delimiter)),
    serverPathHeld: (path: string) => serverRoots.some((r) => pathWithin(path, r.path, r.delimiter)),
  };
}

/**
 * Which of "." and "/" the server refuses in a folder's own name, asked once per account (kept on INBOX):
 * STATUS of a made-up name with the character, which no folder has. Dovecot checks the name before it
 * looks for the folder, and with Maildir++ storage and "/" between levels answers `NO [CANNOT] Character
 * not allowed in mailbox name: '.'` (RFC 5530: can never succeed), as CREATE would; a server that takes the
 * character says the folder does not exist. A character that is the separator, or that a listed folder's
 * name has, is not asked about. Null when an answer was neither (asked again at the next listing).
 */
async function checkNameCharacters(pass: ImapPass, listed: ServerFolder[], prefix: string | null): Promise<string[] | null> {
  const delimiter = listed.find((f) => f.path === 'INBOX')?.delimiter ?? listed.find((f) => f.delimiter)?.delimiter ?? null;
  if (delimiter === null) return null;
  const refused: string[] = [];
  for (const character of ['.', '/']) {
    if (character === delimiter || listed.some((f) => f.name.includes(character))) continue;
    const name = `${prefix ?? ''}homing-name-check-${randomBytes(6).toString('hex')}${character}x`;
    const answer = await pass.connection.client.status(name, { messages: true }).then(
      (status) => (status ? 'allowed' : null),
      (error: { code?: unknown; response?: unknown }) => {
        if (error.code !== 'NotFound') throw error;
        return responseCode(error.response) === 'CANNOT' ? 'refused' : 'allowed';
      },
    );
    if (answer === null) return null;
    if (answer === 'refused') refused.push(character);
  }
  return refused;
}

/**
 * The response code of a tagged NO that imapflow hands on (`[CANNOT]` in `NO [CANNOT] text`, RFC 3501
 * section 7.1): its `serverResponseCode`, or the first section atom of the parsed reply where imapflow's
 * STATUS leaves that unset.
 */
function responseCode(error: unknown): string | null {
  const e = error as { serverResponseCode?: unknown; response?: { attributes?: Array<{ section?: Array<{ value?: unknown }> }> } } | undefined;
  if (typeof e?.serverResponseCode === 'string') return e.serverResponseCode.toUpperCase();
  const atom = e?.response?.attributes?.[0]?.section?.[0]?.value;
  return typeof atom === 'string' ? atom.toUpperCase() : null;
}
