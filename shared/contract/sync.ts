import { z } from 'zod';
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
  lastSyncedAt: z.string().nullable(),
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
  /** Set when ok is false. */
  error: { code: string; message: string } | null;
  /** New messages stored during this pass. */
  added: number;
  /**
   * Folders the server refused to open; the pass synced every other folder and is still ok. Each stays
   * marked with its error (Folder.syncError) until a pass reads it.
   */
  folderErrors: FolderSyncError[];
}

export interface PendingOperation {
  id: number;
  accountId: string;
  kind: 'flags' | 'move' | 'delete' | 'pop3-delete';
  messageIds: number[];
  state: 'queued' | 'refused';
  error: { code: string; message: string } | null;
  createdAt: string;
}

const accountIdsSchema = z.array(z.string().min(1).max(64)).max(1000);

export const syncMethods = {
  /** One full pass of every (or the named) account; resolves when the pass ends. Progress arrives as events. */
  syncAccounts: command(z.strictObject({ accountIds: accountIdsSchema.optional() })).returns<SyncOutcome[]>(),
  /** Keeps accounts in sync (IDLE for INBOX, polling for the rest) until `stopWatching`. */
  startWatching: command(z.strictObject({ accountIds: accountIdsSchema.optional() })).returns<void>(),
  stopWatching: command(z.strictObject({})).returns<void>(),
  getSyncStatus: query(z.strictObject({})).returns<SyncStatus[]>(),
  listPendingOperations: query(z.strictObject({ accountId: z.string().optional() })).returns<PendingOperation[]>(),
  /** Drops a refused operation: the local change is undone at the next sync. */
  discardPendingOperation: command(z.strictObject({ id: z.number().int().positive() })).returns<void>(),
};

export const syncEvents = {
  syncProgressed: event(syncStatusSchema),
};
