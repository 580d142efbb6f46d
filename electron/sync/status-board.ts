import type { SyncStatus } from '../../shared/contract/sync';
import type { ErrorData } from '../../shared/errors';
import { countOperations } from '../store/operation-queue';
import type { ProgressUpdate } from './engine';
import { isUnreachable, needsTheUser } from './watch-policy';
import type { WriterContext } from './writer-context';

/** Minimum gap between two progress events for one account (phase changes always go out at once). */
const PROGRESS_INTERVAL_MS = 100;

/**
 * The detail fields the status keeps of an error: what to do about it, never the server's whole context.
 * `newFingerprint`: the certificate a changed one would be trusted by; `suggestedHosts`: the names a
 * certificate for another name covers; `suggested`: the port and security to switch to (homing sync
 * prints the account edit each one makes).
 */
const SHOWN_DETAIL = ['fix', 'hint', 'host', 'newFingerprint'] as const;

/**
 * The worker's record of every account's sync state; emits `syncProgressed`, throttled. It says what is
 * true now: a pass running, IDLE live, offline since when and retrying when, an error and its fix, and
 * how many local changes still wait for the server (counted from the queue each time it is sent).
 */
export class StatusBoard {
  private readonly statuses = new Map<string, SyncStatus>();
  private readonly lastSent = new Map<string, number>();
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(private readonly ctx: WriterContext) {}

  get(accountId: string): SyncStatus {
    return (
      this.statuses.get(accountId) ?? {
        accountId,
        phase: 'idle',
        folder: null,
        done: 0,
        total: 0,
        online: true,
        lastError: null,
        lastSyncedAt: null,
        watching: false,
        offlineSince: null,
        nextAttemptAt: null,
        pendingChanges: 0,
        refusedChanges: 0,
        unreadableFolders: [],
      }
    );
  }

  progress(accountId: string, update: ProgressUpdate): void {
    const before = this.get(accountId);
    const next: SyncStatus = {
      ...before,
      phase: update.phase,
      folder: update.folder === undefined ? before.folder : update.folder,
      done: update.done ?? (update.phase === before.phase ? before.done : 0),
      total: update.total ?? (update.phase === before.phase ? before.total : 0),
      // nextAttemptAt stays: a pass the user asked for (Check) runs while the watch loop still sleeps until
      // then, and the loop itself clears it when it wakes.
    };
    // Entering IDLE (after the session's own checks, or a NOOP the server answered) proves the server
    // answers and the account is current; a pass that only started proves nothing yet.
    if (update.phase === 'watching') {
      next.online = true;
      next.offlineSince = null;
      next.lastSyncedAt = new Date().toISOString();
      // It proves nothing about a login, though: the IDLE connection logged in before. When a fresh login
      // was refused since (the password changed on the server, a new certificate: a "Check" found it),
      // the next connection will be refused too, so the error and its fix stay until a login succeeds.
      if (before.lastError && needsTheUser(before.lastError.code)) next.phase = 'error';
      else next.lastError = null;
    }
    this.set(next, next.phase !== before.phase);
  }

  /** A pass ended: with an error, or without one (then `unreadableFolders`: the folders it could not open). */
  finished(accountId: string, error: ErrorData | null, unreadableFolders: string[] = []): void {
    const before = this.get(accountId);
    const offline = error !== null && isUnreachable(error.code);
    const now = new Date().toISOString();
    this.set(
      {
        ...before,
        phase: error ? 'error' : 'idle',
        folder: null,
        done: 0,
        total: 0,
        online: !offline,
        offlineSince: offline ? (before.offlineSince ?? now) : null,
        lastError: error ? shownError(error) : null,
        lastSyncedAt: error ? before.lastSyncedAt : now,
        unreadableFolders: error ? before.unreadableFolders : unreadableFolders,
      },
      true,
    );
  }

  /** Whether a watch loop keeps the account current. */
  watching(accountId: string, watching: boolean): void {
    const before = this.get(accountId);
    if (before.watching === watching) return;
    this.set({ ...before, watching, ...(watching ? {} : { nextAttemptAt: null }) }, true);
  }

  /** When the watch loop tries again by itself (null: it is trying now). */
  nextAttempt(accountId: string, at: Date | null): void {
    const before = this.get(accountId);
    const nextAttemptAt = at ? at.toISOString() : null;
    if (before.nextAttemptAt === nextAttemptAt) return;
    this.set({ ...before, nextAttemptAt }, true);
  }

  /** Something the status counts changed (a change was queued or discarded): send it again, throttled. */
  refresh(accountId: string): void {
    this.set(this.get(accountId), false);
  }

  forget(accountId: string): void {
    this.statuses.delete(accountId);
    clearTimeout(this.timers.get(accountId));
    this.timers.delete(accountId);
  }

  private set(status: SyncStatus, urgent: boolean): void {
    this.statuses.set(status.accountId, status);
    const id = status.accountId;
    const wait = PROGRESS_INTERVAL_MS - (Date.now() - (this.lastSent.get(id) ?? 0));
    if (urgent || wait <= 0) {
      clearTimeout(this.timers.get(id));
      this.timers.delete(id);
      this.send(id);
    } else if (!this.timers.has(id)) {
      const timer = setTimeout(() => {
        this.timers.delete(id);
        this.send(id);
      }, wait);
      timer.unref?.();
      this.timers.set(id, timer);
    }
  }

  private send(accountId: string): void {
    const status = this.statuses.get(accountId);
    if (!status) return;
    // Counted as it goes out, so the number is never older than the event (a removed account counts nothing).
    // A throttled event can fall due after the store closed (shutdown): it keeps the last counts then.
    const counts = this.ctx.db.sqlite.open
      ? countOperations(this.ctx.db, accountId)
      : { queued: status.pendingChanges, refused: status.refusedChanges };
    const sent: SyncStatus = { ...status, pendingChanges: counts.queued, refusedChanges: counts.refused };
    this.statuses.set(accountId, sent);
    this.lastSent.set(accountId, Date.now());
    this.ctx.emit('syncProgressed', sent);
  }
}

/**
 * An error as a status or a pass's outcome tells it (the sidebar, homing sync with or without --watch):
 * its code, its words and what fixes it.
 */
export function shownError(error: ErrorData): ErrorData {
  const detail: Record<string, unknown> = {};
  for (const key of SHOWN_DETAIL) {
    const value = error.detail?.[key];
    if (typeof value === 'string') detail[key] = value;
  }
  const hosts = error.detail?.suggestedHosts;
  if (Array.isArray(hosts) && hosts.length > 0 && hosts.every((h) => typeof h === 'string')) detail.suggestedHosts = hosts.slice(0, 5);
  const suggested = error.detail?.suggested as { port?: unknown; security?: unknown } | undefined;
  if (suggested && typeof suggested.security === 'string') {
    detail.suggested = { security: suggested.security, ...(typeof suggested.port === 'number' ? { port: suggested.port } : {}) };
  }
  return Object.keys(detail).length > 0 ? { code: error.code, message: error.message, detail } : { code: error.code, message: error.message };
}
