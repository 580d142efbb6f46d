import type { SyncStatus } from '../../shared/contract/sync';
import type { ProgressUpdate } from './engine';
import type { WriterContext } from './writer-context';

/** Minimum gap between two progress events for one account (phase changes always go out at once). */
const PROGRESS_INTERVAL_MS = 100;

/** The worker's record of every account's sync state; emits `syncProgressed`, throttled. */
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
      online: update.phase === 'error' ? before.online : true,
    };
    this.set(next, update.phase !== before.phase);
  }

  finished(accountId: string, error: { code: string; message: string } | null): void {
    const before = this.get(accountId);
    const offline = error !== null && ['CONNECTION_REFUSED', 'CONNECTION_LOST', 'TIMEOUT', 'DNS_NOT_FOUND'].includes(error.code);
    this.set(
      {
        ...before,
        phase: error ? 'error' : 'idle',
        folder: null,
        done: 0,
        total: 0,
        online: !offline,
        lastError: error,
        lastSyncedAt: error ? before.lastSyncedAt : new Date().toISOString(),
      },
      true,
    );
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
    this.lastSent.set(accountId, Date.now());
    this.ctx.emit('syncProgressed', this.get(accountId));
  }
}
