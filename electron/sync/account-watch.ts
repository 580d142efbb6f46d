import type { Account } from '../../shared/contract/accounts';
import type { SyncOutcome } from '../../shared/contract/sync';
import { toErrorData } from '../../shared/errors';
import { findAccount } from '../store/accounts';
import type { WriteDb } from '../store/db';
import { jittered } from './backoff';
import type { SyncEngineContext } from './engine';
import { engineFor } from './engines';
import type { StatusBoard } from './status-board';
import { checkIntervalOf, delayAfterFailure, needsTheUser, type WatchTiming } from './watch-policy';

export interface AccountWatchDeps {
  db: WriteDb;
  status: StatusBoard;
  timing: WatchTiming;
  /** Aborted when the worker shuts down. */
  shutdown: AbortSignal;
  /** One sync pass (joins one already under way for the account). */
  pass(account: Account, signal: AbortSignal): Promise<SyncOutcome>;
  engineContext(account: Account, signal: AbortSignal): SyncEngineContext;
}

/**
 * One account's watch loop: a pass, then a watch session (IMAP: IDLE on INBOX, polling the rest) or a
 * wait for the next check (POP3), again and again; after a failure, a wait from watch-policy.ts. It reads
 * the account afresh before every pass, so edited settings apply, and ends quietly once the account is
 * gone. Nothing here touches another account: each has its own loop, its own backoff, its own connection.
 */
export class AccountWatch {
  private readonly stopper = new AbortController();
  /** The current pass and session: aborted by restart() to reconnect with fresh settings. */
  private session = new AbortController();
  private readonly sleep = new WakeableSleep();
  /** Failures in a row that retrying can fix (an outage): the short backoff's count. */
  private failures = 0;
  /**
   * Failures in a row only the user can fix (a refused password): they double the check interval. Counted
   * apart, so a password refused when the server comes back after an outage waits one interval, not one
   * doubled for each retry of that outage.
   */
  private userFailures = 0;
  /** Set while the loop waits its regular check interval (not a retry): only that wait may be cut short. */
  private waitingInterval = false;
  /** The code of a check that failed during that wait (a Check the user asked for): the loop retries soon. */
  private failedMeanwhile: string | null = null;
  /** Set while the loop waits before a retry: a Check that succeeds meanwhile ends that wait. */
  private waitingRetry = false;
  /** The error that retry waits after. */
  private retryCode: string | undefined;
  private succeededMeanwhile = false;
  /** Settles when the loop has ended and its connection is closed. */
  readonly ended: Promise<void>;

  /** `previous`: the account's earlier loop, still closing; this one connects only after it has ended. */
  constructor(
    private readonly deps: AccountWatchDeps,
    readonly accountId: string,
    previous?: Promise<void>,
  ) {
    deps.shutdown.addEventListener('abort', () => this.sleep.wake(), { once: true });
    this.ended = this.run(previous);
  }

  get stopped(): boolean {
    return this.stopper.signal.aborted;
  }

  /** Ends the loop; resolves once its connection is closed. */
  stop(): Promise<void> {
    this.stopper.abort();
    this.sleep.wake();
    return this.ended;
  }

  /**
   * Drops the current connection or wait and starts over now with the account as stored: its settings
   * changed, the network came back, the computer woke up. The backoff starts over too.
   */
  restart(): void {
    this.failures = 0;
    this.userFailures = 0;
    this.session.abort();
    this.sleep.wake();
  }

  /**
   * A pass the loop did not start (the user's Check) failed. While the loop waits its regular interval,
   * it retries with the short backoff instead: a POP3 account learns of an outage only from a failed check,
   * and must not wait ten minutes for the server to come back. Errors only the user can fix keep the
   * interval (retrying them soon only piles up failed logins), and so does a cancelled pass.
   */
  checkFailed(code: string | undefined): void {
    if (!this.waitingInterval || code === undefined || code === 'CANCELLED' || needsTheUser(code)) return;
    this.failedMeanwhile = code;
    this.sleep.wake();
  }

  /**
   * A pass the loop did not start (the user's Check) succeeded. While the loop waits out a failure, the
   * server is evidently back: the wait ends now, so an IMAP account is live again (IDLE) at once instead
   * of minutes later, and a POP3 account goes back to its regular interval.
   */
  checkSucceeded(): void {
    if (!this.waitingRetry) return;
    this.succeededMeanwhile = true;
    this.sleep.wake();
  }

  /**
   * A pass of another account on the same server just reached it. While this loop waits out an outage
   * (the server down, refusing or not answering), the server is evidently back: it retries now. The
   * backoff keeps growing until a pass works, so an account whose own settings fail (a wrong port on that
   * host) is not tried every few seconds again after each of the other account's checks. An error only
   * the user can fix (a wrong password) keeps its wait.
   */
  serverReachable(): void {
    if (!this.waitingRetry || this.retryCode === undefined || needsTheUser(this.retryCode)) return;
    this.sleep.wake();
  }

  private async run(previous: Promise<void> | undefined): Promise<void> {
    // Never two loops (two connections, two IDLEs) for one account: wait for the old one to log out.
    await previous?.catch(() => undefined);
    const { status, timing } = this.deps;
    const id = this.accountId;
    try {
      while (!this.stopped && !this.deps.shutdown.aborted) {
        const account = findAccount(this.deps.db, id);
        if (!account || !engineFor(account).hasServer) return; // removed: the loop ends, nobody else notices
        status.watching(id, true);
        if (this.session.signal.aborted) this.session = new AbortController();
        const session = this.session;
        const signal = AbortSignal.any([this.stopper.signal, session.signal, this.deps.shutdown]);
        const interval = checkIntervalOf(account, timing);

        const outcome = await this.deps.pass(account, signal);
        if (signal.aborted) continue;
        if (!outcome.ok) {
          // A Check that succeeded during the wait did this pass's work: a POP3 loop waits its interval.
          const recovered = await this.waitBeforeRetry(outcome.error?.code, interval, session.signal);
          if (recovered && !engineFor(account).watch) await this.waitInterval(interval, session.signal);
          continue;
        }
        this.failures = 0;
        this.userFailures = 0;

        const engine = engineFor(account);
        if (!engine.watch) {
          await this.waitInterval(interval, session.signal);
          continue;
        }
        try {
          status.progress(id, { phase: 'watching', folder: null });
          await engine.watch(this.deps.engineContext(account, signal), {
            idleCheckMs: timing.idleCheckMs,
            noopTimeoutMs: timing.noopTimeoutMs,
            ...(timing.checkIntervalMs !== null ? { pollMs: timing.checkIntervalMs } : {}),
          });
        } catch (error) {
          if (signal.aborted) continue;
          const data = toErrorData(error);
          status.finished(id, data);
          await this.waitBeforeRetry(data.code, interval, session.signal);
        }
      }
    } finally {
      status.watching(id, false);
    }
  }

  /**
   * The wait between two regular checks (POP3). A Check that fails meanwhile ends it early and starts the
   * backoff, so the status says "retrying in N s" and the next pass comes soon.
   */
  private async waitInterval(interval: number, session: AbortSignal): Promise<void> {
    this.failedMeanwhile = null;
    this.waitingInterval = true;
    try {
      await this.wait(jittered(interval), session);
    } finally {
      this.waitingInterval = false;
    }
    const failed = this.failedMeanwhile;
    this.failedMeanwhile = null;
    if (failed !== null && !session.aborted) await this.waitBeforeRetry(failed, interval, session);
  }

  /** Waits after a failure; resolves true when a Check that succeeded meanwhile ended the wait. */
  private async waitBeforeRetry(code: string | undefined, interval: number, session: AbortSignal): Promise<boolean> {
    this.succeededMeanwhile = false;
    this.waitingRetry = true;
    this.retryCode = code;
    try {
      const count = needsTheUser(code) ? this.userFailures++ : this.failures++;
      await this.wait(delayAfterFailure(code, count, interval, this.deps.timing), session);
    } finally {
      this.waitingRetry = false;
    }
    const recovered = this.succeededMeanwhile;
    this.succeededMeanwhile = false;
    if (recovered) {
      this.failures = 0;
      this.userFailures = 0;
    }
    return recovered;
  }

  /** Waits `ms` (the status says until when), or less when stopped, restarted or woken. */
  private async wait(ms: number, session: AbortSignal): Promise<void> {
    if (session.aborted || this.stopped || this.deps.shutdown.aborted) return;
    this.deps.status.nextAttempt(this.accountId, new Date(Date.now() + ms));
    await this.sleep.for(ms);
    this.deps.status.nextAttempt(this.accountId, null);
  }
}

/**
 * A timer that wake() cuts short. A wake while nobody sleeps is dropped: whoever wakes it aborts a signal
 * first, and wait() looks at those signals before it sleeps.
 */
class WakeableSleep {
  private cut: (() => void) | null = null;

  wake(): void {
    this.cut?.();
  }

  for(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.cut = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.cut = done;
    });
  }
}
