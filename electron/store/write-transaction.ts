import type { WriteDb } from './db';
import { mapSqliteError } from './sqlite-errors';

/** What one committed transaction changed: the worker turns it into one change event. */
export interface ChangeSet {
  /** Per account: the folders and messages whose rows changed. */
  contents: Map<string, { folderIds: Set<number>; messageIds: Set<number> }>;
  /** Folders were created, renamed or removed (not just their contents). */
  foldersChanged: Set<string>;
  accountsChanged: Set<string>;
  /** Per account: outbox items and drafts that were added, changed or removed. */
  outbox: Map<string, Set<number>>;
  drafts: Map<string, Set<number>>;
  /** Accounts whose identities changed. */
  identities: Set<string>;
  /** Mail rules were added, changed, removed or marked broken. */
  rules: boolean;
  /** An action was written to the undo log, or taken back. */
  undoLog: boolean;
}

export type ChangeListener = (changes: ChangeSet) => void;

/** Handed to the body of a write transaction so it can say what it touched. */
export interface ChangeRecorder {
  message(accountId: string, folderId: number, messageId: number): void;
  folder(accountId: string, folderId: number): void;
  folderList(accountId: string): void;
  account(accountId: string): void;
  outboxItem(accountId: string, id: number): void;
  draft(accountId: string, id: number): void;
  identities(accountId: string): void;
  rules(): void;
  undoLog(): void;
}

const listeners = new WeakMap<WriteDb, Set<ChangeListener>>();

/** Subscribes to the change sets of every transaction committed on this connection. */
export function onCommit(db: WriteDb, listener: ChangeListener): () => void {
  let set = listeners.get(db);
  if (!set) {
    set = new Set();
    listeners.set(db, set);
  }
  set.add(listener);
  return () => set.delete(listener);
}

/**
 * Runs `body` in one IMMEDIATE transaction. After it commits (and only then) the listeners get what
 * changed. Never await inside `body`: better-sqlite3 transactions are synchronous by design, and the
 * store must never hold a transaction open across I/O. SQLite errors come out as coded HomingErrors
 * (SQLITE_FULL becomes DISK_FULL), with the transaction rolled back.
 */
export function writeTransaction<T>(db: WriteDb, body: (changes: ChangeRecorder) => T): T {
  const changes: ChangeSet = {
    contents: new Map(),
    foldersChanged: new Set(),
    accountsChanged: new Set(),
    outbox: new Map(),
    drafts: new Map(),
    identities: new Set(),
    rules: false,
    undoLog: false,
  };
  const add = (map: Map<string, Set<number>>, accountId: string, id: number) => {
    let set = map.get(accountId);
    if (!set) map.set(accountId, (set = new Set()));
    set.add(id);
  };
  const contentsOf = (accountId: string) => {
    let entry = changes.contents.get(accountId);
    if (!entry) {
      entry = { folderIds: new Set(), messageIds: new Set() };
      changes.contents.set(accountId, entry);
    }
    return entry;
  };
  const recorder: ChangeRecorder = {
    message(accountId, folderId, messageId) {
      const entry = contentsOf(accountId);
      entry.folderIds.add(folderId);
      entry.messageIds.add(messageId);
    },
    folder(accountId, folderId) {
      contentsOf(accountId).folderIds.add(folderId);
    },
    folderList(accountId) {
      changes.foldersChanged.add(accountId);
    },
    account(accountId) {
      changes.accountsChanged.add(accountId);
    },
    outboxItem(accountId, id) {
      add(changes.outbox, accountId, id);
    },
    draft(accountId, id) {
      add(changes.drafts, accountId, id);
    },
    identities(accountId) {
      changes.identities.add(accountId);
    },
    rules() {
      changes.rules = true;
    },
    undoLog() {
      changes.undoLog = true;
    },
  };
  let result: T;
  try {
    result = db.sqlite.transaction(() => body(recorder)).immediate();
  } catch (error) {
    throw mapSqliteError(error);
  }
  const changed =
    changes.contents.size > 0 ||
    changes.foldersChanged.size > 0 ||
    changes.accountsChanged.size > 0 ||
    changes.outbox.size > 0 ||
    changes.drafts.size > 0 ||
    changes.identities.size > 0 ||
    changes.rules ||
    changes.undoLog;
  if (changed) {
    for (const listener of listeners.get(db) ?? []) listener(changes);
  }
  return result;
}
