import type { SpecialUse } from '../../shared/contract/messages';
import { HomingError } from '../../shared/errors';
import { prepare, type ReadDb, type WriteDb } from './db';
import { breakRulesTargeting } from './rule-breakage';
import { NEXT_FOLDER_ID } from './id-floors';
import type { ChangeRecorder } from './write-transaction';

export interface FolderRow {
  id: number;
  accountId: string;
  path: string;
  name: string;
  parentPath: string | null;
  delimiter: string | null;
  specialUse: SpecialUse | null;
  subscribed: boolean;
  uidvalidity: number | null;
  uidnext: number | null;
  highestmodseq: number | null;
  syncState: Record<string, unknown>;
  lastSyncedAt: number | null;
  /** Deleted here, hidden until the server's DELETE is done (migration 0010). */
  deletedLocally: boolean;
}

export interface FolderInput {
  path: string;
  name: string;
  parentPath: string | null;
  delimiter: string | null;
  specialUse: SpecialUse | null;
  subscribed: boolean;
}

/** A folder row with its visible-message counts (kept by triggers on messages). */
export interface FolderWithCounts extends FolderRow {
  total: number;
  unread: number;
  offline: number;
}

interface Row {
  id: number;
  account_id: string;
  path: string;
  name: string;
  parent_path: string | null;
  delimiter: string | null;
  special_use: SpecialUse | null;
  subscribed: number;
  uidvalidity: number | null;
  uidnext: number | null;
  highestmodseq: number | null;
  sync_state: string;
  last_synced_at: number | null;
  total_count: number;
  unread_count: number;
  offline_count: number;
  deleted_locally: number;
}

const COLUMNS = `id, account_id, path, name, parent_path, delimiter, special_use, subscribed, uidvalidity, uidnext,
  highestmodseq, sync_state, last_synced_at, total_count, unread_count, offline_count, deleted_locally`;

function toFolder(row: Row): FolderWithCounts {
  let syncState: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(row.sync_state);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) syncState = parsed as Record<string, unknown>;
  } catch {
    // A damaged sync state only costs a fuller resync.
  }
  return {
    id: row.id,
    accountId: row.account_id,
    path: row.path,
    name: row.name,
    parentPath: row.parent_path,
    delimiter: row.delimiter,
    specialUse: row.special_use,
    subscribed: row.subscribed === 1,
    uidvalidity: row.uidvalidity,
    uidnext: row.uidnext,
    highestmodseq: row.highestmodseq,
    syncState,
    lastSyncedAt: row.last_synced_at,
    deletedLocally: row.deleted_locally === 1,
    total: row.total_count,
    unread: row.unread_count,
    offline: row.offline_count,
  };
}

/** Creates the folder, or updates its name, hierarchy, special use and subscription; keyed by (account, path). */
export function upsertFolder(db: WriteDb, changes: ChangeRecorder, accountId: string, input: FolderInput): FolderRow {
  const existing = findFolderByPath(db, accountId, input.path);
  if (
    existing &&
    existing.name === input.name &&
    existing.parentPath === input.parentPath &&
    existing.delimiter === input.delimiter &&
    existing.specialUse === input.specialUse &&
    existing.subscribed === input.subscribed
  ) {
    return existing;
  }
  prepare(
    db,
    `INSERT INTO folders (id, account_id, path, name, parent_path, delimiter, special_use, subscribed)
     VALUES (${NEXT_FOLDER_ID}, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (account_id, path) DO UPDATE SET name = excluded.name, parent_path = excluded.parent_path,
       delimiter = excluded.delimiter, special_use = excluded.special_use, subscribed = excluded.subscribed`,
  ).run(accountId, input.path, input.name, input.parentPath, input.delimiter, input.specialUse, input.subscribed ? 1 : 0);
  changes.folderList(accountId);
  const row = findFolderByPath(db, accountId, input.path);
  if (!row) throw new HomingError('INTERNAL', `Folder ${input.path} vanished while being saved.`);
  return row;
}

export function findFolderByPath(db: ReadDb, accountId: string, path: string): FolderWithCounts | null {
  const row = prepare<[string, string], Row>(db, `SELECT ${COLUMNS} FROM folders WHERE account_id = ? AND path = ?`).get(accountId, path);
  return row ? toFolder(row) : null;
}

export function findFolderById(db: ReadDb, folderId: number): FolderWithCounts | null {
  const row = prepare<[number], Row>(db, `SELECT ${COLUMNS} FROM folders WHERE id = ?`).get(folderId);
  return row ? toFolder(row) : null;
}

export function getFolder(db: ReadDb, folderId: number): FolderWithCounts {
  const folder = findFolderById(db, folderId);
  if (!folder) throw new HomingError('NOT_FOUND', `No folder with id ${folderId}.`);
  return folder;
}

/** The account's folders by path; with `visibleOnly`, not those deleted here and waiting for the server's DELETE. */
export function listAccountFolders(db: ReadDb, accountId: string, options: { visibleOnly?: boolean } = {}): FolderWithCounts[] {
  const rows = prepare<[string], Row>(db, `SELECT ${COLUMNS} FROM folders WHERE account_id = ? ORDER BY path`).all(accountId).map(toFolder);
  return options.visibleOnly ? rows.filter((f) => !f.deletedLocally) : rows;
}

/** Every folder the user sees, accounts in their display order, INBOX first within each. */
export function listAllFolders(db: ReadDb): FolderWithCounts[] {
  return prepare<[], Row>(
    db,
    `SELECT ${COLUMNS.replace(/(^|,\s*)(\w+)/g, '$1f.$2')} FROM folders f JOIN accounts a ON a.id = f.account_id
     WHERE f.deleted_locally = 0
     ORDER BY a.sort_order, a.created_at, a.id, f.special_use IS NOT 'inbox', f.path`,
  )
    .all()
    .map(toFolder);
}

/** The INBOX of every account: the unified inbox. */
export function inboxFolderIds(db: ReadDb): number[] {
  return prepare<[], { id: number }>(db, `SELECT id FROM folders WHERE special_use = 'inbox' ORDER BY id`)
    .all()
    .map((r) => r.id);
}

export function updateFolderSyncState(
  db: WriteDb,
  changes: ChangeRecorder,
  folderId: number,
  state: {
    uidvalidity?: number | null;
    uidnext?: number | null;
    highestmodseq?: number | null;
    syncState?: Record<string, unknown>;
    lastSyncedAt?: number | null;
  },
): void {
  const current = getFolder(db, folderId);
  prepare(
    db,
    `UPDATE folders SET uidvalidity = ?, uidnext = ?, highestmodseq = ?, sync_state = ?, last_synced_at = ? WHERE id = ?`,
  ).run(
    state.uidvalidity !== undefined ? state.uidvalidity : current.uidvalidity,
    state.uidnext !== undefined ? state.uidnext : current.uidnext,
    state.highestmodseq !== undefined ? state.highestmodseq : current.highestmodseq,
    JSON.stringify(state.syncState !== undefined ? state.syncState : current.syncState),
    state.lastSyncedAt !== undefined ? state.lastSyncedAt : current.lastSyncedAt,
    folderId,
  );
  changes.folder(current.accountId, folderId);
}

/** Renames a folder (a server-side rename seen by sync); its messages stay with it. */
export function renameFolder(db: WriteDb, changes: ChangeRecorder, folderId: number, input: FolderInput): void {
  const current = getFolder(db, folderId);
  const clash = findFolderByPath(db, current.accountId, input.path);
  if (clash && clash.id !== folderId) {
    throw new HomingError('INVALID_ARGUMENT', `A folder ${input.path} already exists in this account.`);
  }
  prepare(
    db,
    `UPDATE folders SET path = ?, name = ?, parent_path = ?, delimiter = ?, special_use = ?, subscribed = ? WHERE id = ?`,
  ).run(input.path, input.name, input.parentPath, input.delimiter, input.specialUse, input.subscribed ? 1 : 0, folderId);
  changes.folderList(current.accountId);
  changes.folder(current.accountId, folderId);
}

/** Removes a folder and its messages (sources, attachments and index rows cascade). */
export function deleteFolder(db: WriteDb, changes: ChangeRecorder, folderId: number): void {
  const current = findFolderById(db, folderId);
  if (!current) return;
  breakRulesTargeting(db, changes, current, 'deleted', Date.now());
  prepare<[number]>(db, 'DELETE FROM folders WHERE id = ?').run(folderId);
  changes.folderList(current.accountId);
  changes.folder(current.accountId, folderId);
}

/**
 * Renames a folder made or renamed here, and every folder under it (their paths start with its path and
 * its separator): paths, names and parents follow. Messages stay in their folders (rows keep their ids).
 * FOLDER_EXISTS when a folder already has one of the new paths.
 */
export function renameFolderTree(db: WriteDb, changes: ChangeRecorder, folderId: number, to: FolderInput): void {
  const folder = getFolder(db, folderId);
  const subtree = folderSubtree(db, folder);
  const renamed = subtree.map((f) => ({ folder: f, path: f.id === folder.id ? to.path : to.path + f.path.slice(folder.path.length) }));
  for (const { path } of renamed) {
    const clash = findFolderByPath(db, folder.accountId, path);
    if (clash && !subtree.some((s) => s.id === clash.id)) throw new HomingError('FOLDER_EXISTS', `A folder ${path} already exists in this account.`, { path });
  }
  // Out of the way first: a subtree moved under itself or a swap of names must not meet the unique (account, path).
  for (const { folder: f } of renamed) prepare(db, 'UPDATE folders SET path = ? WHERE id = ?').run(`\u0000renaming:${f.id}`, f.id);
  for (const { folder: f, path } of renamed) {
    const top = f.id === folder.id;
    const parentPath = top ? to.parentPath : to.path + (f.parentPath ?? '').slice(folder.path.length);
    prepare(db, 'UPDATE folders SET path = ?, name = ?, parent_path = ?, delimiter = ? WHERE id = ?').run(
      path,
      top ? to.name : f.name,
      parentPath,
      top ? to.delimiter : f.delimiter,
      f.id,
    );
    changes.folder(folder.accountId, f.id);
  }
  changes.folderList(folder.accountId);
}

/** The folder and every folder under it (by path and the folder's separator), the folder first, then by path. */
export function folderSubtree(db: ReadDb, folder: FolderRow): FolderWithCounts[] {
  const all = listAccountFolders(db, folder.accountId);
  const prefix = folder.delimiter ? folder.path + folder.delimiter : null;
  return all
    .filter((f) => f.id === folder.id || (prefix !== null && f.path.startsWith(prefix)))
    .sort((a, b) => (a.id === folder.id ? -1 : b.id === folder.id ? 1 : a.path.localeCompare(b.path)));
}

/** Hides a folder deleted here until its server DELETE is done, or shows it again (an undo before then). */
export function setFolderHidden(db: WriteDb, changes: ChangeRecorder, folderId: number, hidden: boolean): void {
  const folder = getFolder(db, folderId);
  prepare(db, 'UPDATE folders SET deleted_locally = ? WHERE id = ?').run(hidden ? 1 : 0, folderId);
  changes.folderList(folder.accountId);
  changes.folder(folder.accountId, folderId);
}

/** A local folder's input from its path (Local Folders uses `/` between levels). */
export function localFolderInput(path: string): FolderInput {
  const parts = path.split('/').filter(Boolean);
  const name = parts[parts.length - 1] ?? path;
  const parentPath = parts.length > 1 ? parts.slice(0, -1).join('/') : null;
  const specialUse: SpecialUse | null = path.toUpperCase() === 'INBOX' ? 'inbox' : null;
  return { path, name, parentPath, delimiter: '/', specialUse, subscribed: true };
}
