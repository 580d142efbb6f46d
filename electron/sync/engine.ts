import type { Account } from '../../shared/contract/accounts';
import type { FolderSyncError, SyncPhase } from '../../shared/contract/sync';
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

/**
 * One protocol (IMAP or POP3). Engines live in sync/imap/ and sync/pop3/; sync-writes.ts and the
 * scheduler drive them through this interface only.
 */
export interface SyncEngine {
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
