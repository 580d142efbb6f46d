import { findAccount } from '../../store/accounts';
import { prepare, type ReadDb } from '../../store/db';
import { engineFor } from '../engines';
import { draftServerWork, draftsDueAt } from '../../store/drafts';
import { dueOutbox, findOutboxRecord, nextDueAt, type OutboxRecord, recoverInterrupted, retryAccountNow } from '../../store/outbox';
import { writeTransaction } from '../../store/write-transaction';
import type { SyncRuntime } from '../sync-runtime';
import type { WriterContext } from '../writer-context';
import { syncDrafts } from './drafts-sync';
import { fileSentCopies } from './file-sent';
import { OUTGOING_LIMITS } from './limits';
import { submitQueued, type SubmitHooks } from './submit';

type DueOptions = { retryWaiting: boolean };

/** The longest a timer sleeps before looking again (a clock change or a lost timer costs at most this). */
const MAX_TIMER_MS = 5 * 60_000;
/** After a Drafts-folder run that could not reach the server, the timer waits this long, doubling up to the cap. */
const DRAFTS_RETRY_FIRST_MS = 30_000;
const DRAFTS_RETRY_CAP_MS = 30 * 60_000;

/**
 * Drives the outbox in the single writer: submits what is due and files what was sent, one run per account
 * at a time. `flush()` is the explicit way (homing send, homing sync, "Send now"); while the app watches
 * (`setAutomatic(true)`), a timer also runs whatever becomes due (the end of an undo delay, a "send later"
 * time, a retry). The CLI never sends behind the user's back: without a flush, nothing leaves.
 */
export class OutboxRunner {
  private readonly running = new Map<string, Promise<void>>();
  /** Accounts whose last Drafts-folder run failed: when the timer may try again, and the wait before that. */
  private readonly draftsBackoff = new Map<string, { at: number; waitMs: number }>();
  private timer: NodeJS.Timeout | null = null;
  private automatic = false;
  private disposed = false;

  constructor(
    private readonly ctx: WriterContext,
    private readonly runtime: SyncRuntime,
    private readonly hooks: SubmitHooks = {},
  ) {}

  /** After a crash: `sending` rows become `queued` or `uncertain` (store/outbox.ts recoverInterrupted). */
  recover(): void {
    writeTransaction(this.ctx.db, (changes) => recoverInterrupted(this.ctx.db, changes));
  }

  setAutomatic(on: boolean): void {
    this.automatic = on;
    this.schedule();
  }

  /**
   * Runs every account with due work (or the one named), the items in `ids` even if their time has not
   * come, and resolves when those runs have ended. `retryWaiting`: the user asked (homing sync, outbox
   * flush), so a message waiting out a retry's backoff goes now too (store/outbox.ts dueOutbox).
   */
  async flush(options: { accountId?: string; ids?: number[]; retryWaiting?: boolean } = {}): Promise<void> {
    const now = Date.now();
    const due = { retryWaiting: options.retryWaiting === true };
    const forced = new Map<string, Set<number>>();
    for (const id of options.ids ?? []) {
      const record = findOutboxRecord(this.ctx.db, id);
      if (!record || (options.accountId && record.accountId !== options.accountId)) continue;
      if (record.state !== 'queued' && record.state !== 'sent') continue;
      const set = forced.get(record.accountId) ?? new Set<number>();
      set.add(id);
      forced.set(record.accountId, set);
    }
    const accounts = new Set(forced.keys());
    if (!options.ids) {
      for (const record of dueOutbox(this.ctx.db, now, options.accountId, due)) accounts.add(record.accountId);
      for (const due of draftsDueAt(this.ctx.db, OUTGOING_LIMITS.draftQuietMs)) {
        if (due.at <= now && (!options.accountId || due.accountId === options.accountId)) accounts.add(due.accountId);
      }
    }
    await Promise.all([...accounts].map((accountId) => this.runAccount(accountId, forced.get(accountId) ?? new Set(), options.ids ? null : due)));
    this.schedule();
  }

  /** Arms the timer for the next item that becomes due (automatic mode only). */
  schedule(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (!this.automatic || this.disposed || this.ctx.shutdown.aborted) return;
    // A server that cannot be reached is not asked again at once (offline, a draft would be due forever).
    const drafts = draftsDueAt(this.ctx.db, OUTGOING_LIMITS.draftQuietMs).map((d) => Math.max(d.at, this.draftsBackoff.get(d.accountId)?.at ?? 0));
    const outbox = nextDueAt(this.ctx.db);
    const times = [...drafts, ...(outbox === null ? [] : [outbox])];
    if (times.length === 0) return;
    const at = Math.min(...times);
    const delay = Math.min(MAX_TIMER_MS, Math.max(0, at - Date.now()));
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.flush().catch(() => undefined);
    }, delay);
    this.timer.unref();
  }

  /**
   * The account's server settings or password were just changed (its outbox was made due in the same
   * transaction: retryAccountNow). A try that began with the old settings may still be under way; when it
   * fails, its retry time (15 minutes for a refused password) would outlast the fix, so once the account's
   * run has ended what waits is made due again and the timer looks at once.
   */
  accountEdited(accountId: string): void {
    const running = this.running.get(accountId);
    if (!running) {
      this.schedule();
      return;
    }
    void running.then(() => {
      if (this.disposed || this.ctx.shutdown.aborted) return;
      writeTransaction(this.ctx.db, (changes) => retryAccountNow(this.ctx.db, changes, accountId));
      this.schedule();
    });
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** One run for one account; a run already going is waited for, then this one runs (it may have more to do). */
  private runAccount(accountId: string, forced: Set<number>, includeDue: DueOptions | null): Promise<void> {
    const previous = this.running.get(accountId) ?? Promise.resolve();
    const run = previous.then(() => this.runOnce(accountId, forced, includeDue)).catch(() => undefined);
    this.running.set(accountId, run);
    void run.finally(() => {
      if (this.running.get(accountId) === run) this.running.delete(accountId);
    });
    return run;
  }

  /** `includeDue`: null runs only the `forced` items; otherwise also what is due, as dueOutbox reads it. */
  private async runOnce(accountId: string, forced: Set<number>, includeDue: DueOptions | null): Promise<void> {
    const account = findAccount(this.ctx.db, accountId);
    if (!account || !engineFor(account).hasServer) return;
    const signal = this.ctx.shutdown;
    const now = Date.now();
    const pick = (state: OutboxRecord['state']) => {
      const due = includeDue ? dueOutbox(this.ctx.db, now, accountId, includeDue).filter((r) => r.state === state) : [];
      const named = [...forced].map((id) => findOutboxRecord(this.ctx.db, id)).filter((r): r is OutboxRecord => r?.state === state);
      const byId = new Map([...due, ...named].map((r) => [r.id, r]));
      return [...byId.values()].sort((a, b) => a.id - b.id);
    };
    const queued = pick('queued');
    if (queued.length > 0) await submitQueued(this.ctx, account, queued, signal, this.hooks);
    if (signal.aborted) return;
    const engine = { ...this.runtime.engineContext(account, signal), progress: () => undefined };
    // What was just sent, and what waits to be filed from before.
    const justSent = queued.map((r) => findOutboxRecord(this.ctx.db, r.id)).filter((r): r is OutboxRecord => r?.state === 'sent');
    // A reply's or forward's original got \Answered / $Forwarded queued for its server (mark-original.ts):
    // its account's watch loop sends it now, as it does a flag the user sets, not at its next check.
    for (const id of originalAccounts(this.ctx.db, justSent)) this.runtime.nudge(id);
    const toFile = new Map([...pick('sent'), ...justSent].map((r) => [r.id, r]));
    if (toFile.size > 0) await fileSentCopies(engine, [...toFile.values()].sort((a, b) => a.id - b.id), this.hooks);
    // Drafts follow the server's Drafts folder on accounts that mirror a server; elsewhere they stay here.
    if (includeDue && engineFor(account).mirrorsServer && !signal.aborted) {
      const work = draftServerWork(this.ctx.db, accountId, Date.now(), OUTGOING_LIMITS.draftQuietMs);
      try {
        await syncDrafts(engine, work);
        this.draftsBackoff.delete(accountId);
      } catch {
        // Not reached (or the connection broke): the drafts are safe here and say `pending`; try later.
        const waitMs = Math.min(DRAFTS_RETRY_CAP_MS, (this.draftsBackoff.get(accountId)?.waitMs ?? DRAFTS_RETRY_FIRST_MS / 2) * 2);
        this.draftsBackoff.set(accountId, { at: Date.now() + waitMs, waitMs });
      }
    }
  }
}

/** The accounts holding the originals that sent replies and forwards answer (each may be another account's message). */
function originalAccounts(db: ReadDb, sent: OutboxRecord[]): Set<string> {
  const accountOf = prepare<[number], { account_id: string }>(db, 'SELECT account_id FROM messages WHERE id = ?');
  const ids = new Set<string>();
  for (const record of sent) {
    const row = record.responseTo ? accountOf.get(record.responseTo.messageId) : undefined;
    if (row) ids.add(row.account_id);
  }
  return ids;
}
