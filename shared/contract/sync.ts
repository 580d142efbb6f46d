import * as z from 'zod';
import { command, event, query } from './define';

export const syncPhases = ['idle', 'connecting', 'folders', 'headers', 'bodies', 'flags', 'actions', 'watching', 'error'] as const;
export type SyncPhase = (typeof syncPhases)[number];

const errorDataSchema = z.object({ code: z.string(), message: z.string(), detail: z.record(z.string(), z.unknown()).optional() });

export const syncStatusSchema = z.object({
  accountId: z.string(),
  phase: z.enum(syncPhases),
  /** The folder being worked on, if any. */
  folder: z.string().nullable(),
  done: z.number().int().nonnegative(),
  total: z.number().int().nonnegative(),
  online: z.boolean(),
  lastError: errorDataSchema.nullable(),
  /** The last pass that ended without an error (ISO 8601). */
  lastSyncedAt: z.string().nullable(),
  /** A watch loop keeps this account current (false after a one-off pass, e.g. the CLI's `sync`). */
  watching: z.boolean(),
  /** When the server first failed to answer in the current outage; null while it answers. */
  offlineSince: z.string().nullable(),
  /** When the watch loop tries (or checks) again by itself; null while a pass runs, IDLE waits, or nothing is watching. */
  nextAttemptAt: z.string().nullable(),
  /** Local changes queued for the server and not confirmed yet. */
  pendingChanges: z.number().int().nonnegative(),
  /** Local changes the server refused (they wait for the user to discard them). */
  refusedChanges: z.number().int().nonnegative(),
  /** Folders the last good pass could not open (FOLDER_UNREADABLE); the rest of the account is current. */
  unreadableFolders: z.array(z.string()),
});
export type SyncStatus = z.infer<typeof syncStatusSchema>;

/** A folder the server lists but refuses to open (SELECT/EXAMINE answered NO): nothing of it could be planned. */
export interface FolderSyncError {
  /** The folder's path, as the server names it. */
  folder: string;
  /** FOLDER_UNREADABLE. */
  code: string;
  message: string;
  /** The server's own words (`Mailbox doesn't exist: Ghost`), when it gave any. */
  serverText: string | null;
}

export interface SyncOutcome {
  accountId: string;
  ok: boolean;
  /** Set when ok is false; `detail` says what fixes it (fix, hint, host, newFingerprint, suggestedHosts, suggested), when known. */
  error: { code: string; message: string; detail?: Record<string, unknown> } | null;
  /** New messages stored during this pass. */
  added: number;
  /**
   * Folders the server refused to open; the pass synced every other folder and is still ok. Each stays
   * marked with its error (Folder.syncError) until a pass reads it.
   */
  folderErrors: FolderSyncError[];
}

/**
 * The kinds of queued operation (electron/store/operation-kinds.ts has each one's payload). `delete` goes
 * to Trash; `expunge` removes for good; `send` submits an outbox item; `append` files a stored message in
 * a server folder (Sent copies, drafts).
 */
export const operationKinds = [
  'flags',
  'move',
  'copy',
  'delete',
  'expunge',
  'folder-create',
  'folder-rename',
  'folder-delete',
  'folder-subscribe',
  'send',
  'append',
] as const;
export type OperationKind = (typeof operationKinds)[number];

export interface PendingOperation {
  id: number;
  accountId: string;
  /** `unknown`: a damaged row whose kind could not be read (it is refused with OPERATION_DAMAGED). */
  kind: OperationKind | 'unknown';
  messageIds: number[];
  state: 'queued' | 'refused';
  error: { code: string; message: string } | null;
  createdAt: string;
}

const accountIdsSchema = z.array(z.string().min(1).max(64)).max(1000);

export const syncMethods = {
  /** One full pass of every (or the named) account; resolves when the pass ends. Progress arrives as events. */
  syncAccounts: command(z.strictObject({ accountIds: accountIdsSchema.optional() })).returns<SyncOutcome[]>(),
  /**
   * Keeps accounts in sync (IDLE for INBOX, polling for the rest), each on a loop of its own that nothing
   * done to another account touches. Without `accountIds`: every account, including the ones added later.
   * An account already watched is left as it is.
   */
  startWatching: command(z.strictObject({ accountIds: accountIdsSchema.optional() })).returns<void>(),
  /** Stops the named accounts' loops (all of them without `accountIds`) and resolves once they have ended. */
  stopWatching: command(z.strictObject({ accountIds: accountIdsSchema.optional() })).returns<void>(),
  /**
   * The network came back or the computer woke up: every watched account drops its connection (likely dead)
   * and reconnects now, instead of at the end of its backoff or its next IDLE check.
   */
  reconnectAccounts: command(z.strictObject({ reason: z.enum(['network', 'resume']) })).returns<void>(),
  getSyncStatus: query(z.strictObject({})).returns<SyncStatus[]>(),
  listPendingOperations: query(z.strictObject({ accountId: z.string().optional() })).returns<PendingOperation[]>(),
  /** Drops a refused operation and undoes what is left of its local change (the next sync confirms the server's state). */
  discardPendingOperation: command(z.strictObject({ id: z.number().int().positive() })).returns<void>(),
};

export const syncEvents = {
  syncProgressed: event(syncStatusSchema),
};
