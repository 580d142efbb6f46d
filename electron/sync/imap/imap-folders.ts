import { prepare, type WriteDb } from '../../store/db';
import { deleteFolder, type FolderInput, type FolderRow, getFolder, listAccountFolders, renameFolderTree, setFolderHidden, upsertFolder } from '../../store/folders';
import { deleteOperation, queuedFolderOperations, queueOperation } from '../../store/operation-queue';
import { findSpecialFolder, SPECIAL_NAMES } from '../actions/local-folders';
import type { FolderPlanner, MadeOnDemand, PlanContext } from '../engine';
import { NAME_CHECK, PERSONAL_PREFIX } from './folder-list';

/** Names servers without SPECIAL-USE give these folders, in the order they are looked for. */
const USUAL_NAMES: Record<MadeOnDemand, string[]> = {
  trash: ['Trash', 'Deleted Items', 'Deleted Messages', 'Deleted'],
  archive: ['Archive', 'Archives'],
};

/**
 * The account's hierarchy separator, as the server listed it (INBOX's first, RFC 3501 section 6.3.8);
 * `/` for an account not listed yet.
 */
function accountDelimiter(db: WriteDb, accountId: string): string {
  const rows = listAccountFolders(db, accountId);
  return rows.find((f) => f.path === 'INBOX' && f.delimiter)?.delimiter ?? rows.find((f) => f.delimiter)?.delimiter ?? '/';
}

/**
 * Where the account's own folders live: at the top, or under INBOX on servers whose personal namespace
 * is `INBOX.` (Courier, Cyrus with altnamespace off): there every folder but INBOX sits under INBOX. The
 * server's NAMESPACE answer (RFC 2342), kept on INBOX by the folder list's sync (folder-list.ts), says
 * which, also for an account that has no other folder yet; a folder made at the top there was made by
 * the server (imapflow adds the prefix) as INBOX.Name while the store had Name, so the next sync replaced
 * the row and everything naming it by id (a rule's target, the undo log) lost it. Before the first
 * listing, the folders' paths are the guess.
 */
function personalRoot(db: WriteDb, accountId: string, delimiter: string): string | null {
  const folders = listAccountFolders(db, accountId);
  const prefix = folders.find((f) => f.path === 'INBOX')?.syncState[PERSONAL_PREFIX];
  if (typeof prefix === 'string') return prefix.toUpperCase() === `INBOX${delimiter}` ? 'INBOX' : null;
  const others = folders.filter((f) => f.path !== 'INBOX');
  return others.length > 0 && others.every((f) => f.path.startsWith(`INBOX${delimiter}`)) ? 'INBOX' : null;
}

/**
 * How the IMAP engine changes folders: the store at once, the server through queued folder operations
 * (ops/replay-folders.ts replays them in order with the rest of the queue). An operation that has not
 * reached the server yet is cancelled rather than answered by its opposite (a folder made and deleted
 * again offline never reaches the server at all).
 */
export const imapFolders: FolderPlanner = {
  /**
   * What the server refuses in a name besides its separator. With "." between levels (Courier, Dovecot's
   * Maildir++ as cPanel and Plesk set it up) each folder is a directory `.a.b`, so "/" cannot be in a name
   * (Courier: "Invalid mailbox name"). Anything else is what the server answered when asked
   * (folder-list.ts checkNameCharacters): Dovecot's Maildir++ with "/" between levels refuses ".".
   */
  refusedInNames(db, accountId) {
    const refused = new Set<string>();
    if (accountDelimiter(db, accountId) === '.') refused.add('/');
    const checked = listAccountFolders(db, accountId).find((f) => f.path === 'INBOX')?.syncState[NAME_CHECK];
    if (Array.isArray(checked)) for (const c of checked) if (typeof c === 'string') refused.add(c);
    return [...refused];
  },

  placeFor(db, accountId, parent, name) {
    const delimiter = parent?.delimiter ?? accountDelimiter(db, accountId);
    const parentPath = parent?.path ?? personalRoot(db, accountId, delimiter);
    const path = parentPath ? `${parentPath}${delimiter}${name}` : name;
    return { path, name, parentPath, delimiter, specialUse: null, subscribed: true };
  },

  special(plan, use) {
    const delimiter = accountDelimiter(plan.db, plan.account.id);
    const names = USUAL_NAMES[use].flatMap((n) => [n, `INBOX${delimiter}${n}`]);
    const found = findSpecialFolder(plan.db, plan.account.id, use, names);
    if (found) return found;
    const input = imapFolders.placeFor(plan.db, plan.account.id, null, SPECIAL_NAMES[use]);
    return createFolder(plan, { ...input, specialUse: use }, use);
  },

  create(plan, input) {
    return createFolder(plan, input);
  },

  rename(plan, folder, to) {
    const { db, changes } = plan;
    const queued = queuedFolderOperations(db, plan.account.id);
    const last = queued.filter((op) => op.kind === 'folder-rename' && op.payload.folderId === folder.id).at(-1);
    renameFolderTree(db, changes, folder.id, to);
    if (last?.kind === 'folder-rename' && last.sent === null && last.payload.to === folder.path && last.payload.from === to.path) {
      // Back to where the server still has it: the queued RENAME is cancelled, not answered by another.
      deleteOperation(db, changes, last.id);
    } else {
      queueOperation(db, changes, plan.account.id, { kind: 'folder-rename', payload: { folderId: folder.id, from: folder.path, to: to.path } }, []);
    }
    return getFolder(db, folder.id);
  },

  remove(plan, folder) {
    const { db, changes } = plan;
    const queued = queuedFolderOperations(db, plan.account.id);
    const create = queued.find((op) => op.kind === 'folder-create' && op.payload.folderId === folder.id);
    if (create && create.sent === null) {
      // Never reached the server: nothing to DELETE there, and nothing to RENAME (a rename of it queued
      // since is replayed after the CREATE, so it has not gone out either; left queued, it would ask the
      // server to rename a folder that was never made, and be refused).
      for (const op of queued) if (op.kind === 'folder-rename' && op.payload.folderId === folder.id) deleteOperation(db, changes, op.id);
      deleteOperation(db, changes, create.id);
      deleteFolder(db, changes, folder.id);
      return;
    }
    setFolderHidden(db, changes, folder.id, true);
    queueOperation(db, changes, plan.account.id, { kind: 'folder-delete', payload: { folderId: folder.id, path: folder.path } }, []);
  },
};

function createFolder(plan: PlanContext, input: FolderInput, specialUse?: MadeOnDemand): FolderRow {
  const { db, changes } = plan;
  const hidden = prepare<[string, string], { id: number }>(db, 'SELECT id FROM folders WHERE account_id = ? AND path = ? AND deleted_locally = 1').get(
    plan.account.id,
    input.path,
  );
  if (hidden) {
    const pendingDelete = queuedFolderOperations(db, plan.account.id).find((op) => op.kind === 'folder-delete' && op.payload.folderId === hidden.id);
    if (pendingDelete && pendingDelete.sent === null) {
      // Deleted here and the DELETE has not gone out: the folder comes back as it was (same row, same UIDVALIDITY).
      deleteOperation(db, changes, pendingDelete.id);
      setFolderHidden(db, changes, hidden.id, false);
      return getFolder(db, hidden.id);
    }
    // Its DELETE may be on the server already: that row goes when it completes (its operation names the
    // path); the new folder is a row of its own, queued to be made after it.
    prepare(db, 'UPDATE folders SET path = ? WHERE id = ?').run(`\u0000deleting:${hidden.id}`, hidden.id);
  }
  const folder = upsertFolder(db, changes, plan.account.id, input);
  queueOperation(
    db,
    changes,
    plan.account.id,
    { kind: 'folder-create', payload: { folderId: folder.id, path: folder.path, subscribe: true, ...(specialUse ? { specialUse } : {}) } },
    [],
  );
  return folder;
}
