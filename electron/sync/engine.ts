import type { Account } from '../../shared/contract/accounts';
import type { FolderSyncError, SyncPhase } from '../../shared/contract/sync';
import type { WriteDb } from '../store/db';
import type { FolderInput, FolderRow } from '../store/folders';
import type { StoredOperation } from '../store/operation-queue';
import type { ChangeRecorder } from '../store/write-transaction';
import type { WriterContext } from './writer-context';

export interface ProgressUpdate {
  phase: SyncPhase;
  folder?: string | null;
  done?: number;
  total?: number;
}

/** What a protocol engine gets for one account. */
export interface SyncEngineContext {
  readonly writer: WriterContext;
  readonly account: Account;
  /** The account's password from the vault; CREDENTIALS_MISSING when there is none. Never log it. */
  password(): Promise<string>;
  /** Reports progress to the UI (throttled by the status board). */
  progress(update: ProgressUpdate): void;
  /**
   * Aborted on shutdown, stopWatching, or when the watch loop starts over (settings changed, network back):
   * stop at the next safe point (between transactions).
   */
  readonly signal: AbortSignal;
  /**
   * Subscribes to "there is new local work for this account" (a user action was queued): a watch session
   * replays it at once instead of at its next poll. Returns the unsubscribe function. Optional: contexts
   * made outside the runtime (tests, one-off completions) have none.
   */
  onNudge?(listener: () => void): () => void;
  /**
   * Operations of these accounts no longer wait for this one's (an upload they required reached this
   * server: the removal of the original, after a move across accounts). Their accounts get a pass for it.
   */
  released?(accountIds: readonly string[]): void;
}

/** Timing of a watch session; the runtime passes its own (watch-policy.ts), tests shorter ones. */
export interface WatchOptions {
  /** How often IDLE is broken by a NOOP that must be answered (RFC 2177: re-issue within 29 minutes). */
  idleCheckMs?: number;
  /** How long a NOOP may take before the connection counts as dead. */
  noopTimeoutMs?: number;
  /** How often the other folders are polled; default the account's check interval. */
  pollMs?: number;
}

export interface SyncPassResult {
  /** New messages stored during the pass. */
  added: number;
  /** Folders the server refused to open (IMAP); the pass synced the others. */
  folderErrors?: FolderSyncError[];
}

/** A message as the user's actions see it (sync/actions/action-rows.ts loads them). */
export interface ActionRow {
  id: number;
  accountId: string;
  folderId: number;
  folderPath: string;
  uidvalidity: number | null;
  uid: number | null;
  seen: number;
  flagged: number;
  bodyStatus: 'full' | 'headers' | 'partial';
}

/** What planning gets: the write transaction of the user's action and the account whose engine plans. */
export interface PlanContext {
  readonly db: WriteDb;
  readonly changes: ChangeRecorder;
  readonly account: Account;
}

/** Mark read/unread, flag/unflag, add or remove keywords (tags, `$Junk`); a flag left undefined stays as it is. */
export interface MarkChange {
  seen?: boolean;
  flagged?: boolean;
  keywords?: { add?: readonly string[]; remove?: readonly string[] };
}

/** Tags (IMAP keywords, already checked and mapped: shared/tag-keywords.ts) added and removed. */
export interface TagChange {
  add: string[];
  remove: string[];
}

/** What `receive` did: whether it queued server work, and per message the upload its source must wait for. */
export interface Received {
  queued: boolean;
  /** Message row → the operation that puts it on this account's server (APPEND); the source's removal requires it. */
  uploads: ReadonlyMap<number, number>;
}

/**
 * How an engine turns the user's actions on its account's messages into a local change (at once, in the
 * caller's transaction) and, where its server must follow, queued operations (store/operation-queue.ts)
 * that its own replay carries out later. Every method returns true when it queued something for the
 * server (the caller then nudges the account's watch session). Shared code calls these and never asks
 * which protocol an account speaks.
 */
/** What a copy made: the copy rows, and whether the account's server has work queued. */
export interface Copied {
  copyIds: number[];
  queued: boolean;
}

export interface ActionPlanner {
  /** Mark read/unread, flag/unflag. A queued flag change records each message's previous state (rolled back per row if refused). */
  mark(plan: PlanContext, rows: readonly ActionRow[], want: MarkChange): boolean;
  /** Adds and removes tags: IMAP keywords through a flags operation, local tags elsewhere. */
  tag(plan: PlanContext, rows: readonly ActionRow[], change: TagChange): boolean;
  /** Delete: to the account's Trash (made when it has none). The caller never passes rows already in Trash. */
  delete(plan: PlanContext, rows: readonly ActionRow[]): boolean;
  /**
   * Removes for good (Empty Trash, Delete permanently; the caller asked first): IMAP expunges, POP3 under
   * "when deleted here" hides the row until the next pass's DELE, anything else removes the row.
   */
  deleteForGood(plan: PlanContext, rows: readonly ActionRow[]): boolean;
  /** Move to another folder of the same account. */
  move(plan: PlanContext, rows: readonly ActionRow[], target: FolderRow): boolean;
  /**
   * Copy to another folder of the same account: each message stays where it is and a copy row is made in
   * `target` at once (store/message-copy.ts); IMAP queues a UID COPY that gives the copy its UID. Returns
   * the copies' ids and whether server work was queued.
   */
  copy(plan: PlanContext, rows: readonly ActionRow[], target: FolderRow): Copied;
  /**
   * Messages of another account moved into `target` of this one. Throws a coded error (nothing changed)
   * for what this account cannot take; otherwise the rows become this account's.
   */
  receive(plan: PlanContext, rows: readonly ActionRow[], target: FolderRow): Received;
  /**
   * Messages of this account that `receive` of another account took: what becomes of the server's copy.
   * A removal from the server waits for the message's upload to the other server (`uploads`), so a
   * crash at any point leaves one copy, never two and never none.
   */
  release(plan: PlanContext, rows: readonly ActionRow[], uploads: ReadonlyMap<number, number>): boolean;
  /**
   * A mail rule's word on the server's copy of these messages, over the account's deletion policy (POP3:
   * keep it, or delete it once downloaded). Where the server's copy simply follows the user's actions
   * (IMAP) or there is no server (Local Folders), there is nothing to say and nothing changes.
   */
  keepOnServer(plan: PlanContext, rows: readonly ActionRow[], keep: boolean): void;
  /**
   * A mail rule's "download the rest later" (POP3): a message stored in full is kept as its headers and
   * first lines, as one over the account's size limit is, and its server copy stays until the rest is
   * downloaded again on demand. Where there is no such server copy (IMAP keeps what the offline scope
   * says; Local Folders have no server) nothing changes.
   */
  downloadLater(plan: PlanContext, rows: readonly ActionRow[]): void;
  /** Drops an operation of this account that was refused (or could not be read), undoing what is left of its local change. */
  discard(plan: PlanContext, op: StoredOperation): void;
}

/** Special folders an action may need made when the account has none. */
export type MadeOnDemand = 'trash' | 'archive';

/**
 * How an engine changes its account's folders. IMAP queues CREATE, RENAME and DELETE (folder operations,
 * replayed in order with the rest of the queue); POP3 and Local Folders keep their folders here only. The
 * caller (sync/organise/) has checked the name, the clash and the folder's queue, and moved a deleted
 * folder's messages to Trash; every change is applied to the store at once.
 */
export interface FolderPlanner {
  /** Where a new folder `name` goes under `parent` (null: the account's top level), with the account's hierarchy separator. */
  placeFor(db: WriteDb, accountId: string, parent: FolderRow | null, name: string): FolderInput;
  /**
   * Characters the account's server refuses in a folder's own name besides its separator (IMAP:
   * imap-folders.ts), so such a name is refused when given, not at the next sync. None when unknown.
   */
  refusedInNames?(db: WriteDb, accountId: string): readonly string[];
  /** The account's folder of this special use (found by SPECIAL-USE or by its usual name), made when it has none. */
  special(plan: PlanContext, use: MadeOnDemand): FolderRow;
  /** Makes a folder. A folder deleted here whose DELETE has not gone out yet comes back as it was (same row). */
  create(plan: PlanContext, input: FolderInput): FolderRow;
  /** Renames (and/or moves) a folder; its subfolders go with it. */
  rename(plan: PlanContext, folder: FolderRow, to: FolderInput): FolderRow;
  /** Deletes an empty folder (its messages were moved to Trash first). One not on the server yet just goes. */
  remove(plan: PlanContext, folder: FolderRow): void;
}

/**
 * One kind of account: IMAP, POP3 or Local Folders. Engines live in sync/imap/, sync/pop3/ and
 * sync/local/; the writer, the runtime and the scheduler drive them through this interface only, and
 * choose one by the account (engines.ts), never by testing the protocol themselves.
 *
 * Each engine plans its actions (`actions`) and replays its own queued operations: syncOnce and watch
 * replay the account's queue before anything else, in id order, and refuse (OPERATION_REFUSED) a kind
 * they do not carry, or a damaged one (OPERATION_DAMAGED). `send` is the exception: it belongs to the
 * outbox's sender (SMTP) whatever the account's incoming protocol, and every engine leaves it queued.
 */
export interface SyncEngine {
  /** False for Local Folders: no server, so nothing to sync, watch or test; syncOnce only settles its queue. */
  readonly hasServer: boolean;
  /**
   * The account's folders mirror the server's (IMAP): mail only we have would be taken for expunged, so
   * an import is refused and mail from another account needs an upload (APPEND) to come in.
   */
  readonly mirrorsServer: boolean;
  readonly actions: ActionPlanner;
  readonly folders: FolderPlanner;
  /** One full pass: connect, replay pending operations, fetch what is new, follow server changes. */
  syncOnce(ctx: SyncEngineContext): Promise<SyncPassResult>;
  /**
   * Keeps the account current until `ctx.signal` aborts (IMAP: IDLE on INBOX, polling the rest). Resolves
   * or rejects when the connection ends; the scheduler reconnects with backoff. Engines without push
   * leave this out and the scheduler calls syncOnce every check interval.
   */
  watch?(ctx: SyncEngineContext, options?: WatchOptions): Promise<void>;
  /** Fetches the rest of a message stored as headers only or partial. */
  completeMessage?(ctx: SyncEngineContext, messageId: number): Promise<void>;
}
