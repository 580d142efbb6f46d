import { sameHost } from '../../shared/host-names';
import type { Account } from '../../shared/contract/accounts';
import type { SyncOutcome } from '../../shared/contract/sync';
import { HomingError, toErrorData } from '../../shared/errors';
import { accountPasswords } from '../accounts/account-passwords';
import { sameCredentialTargets, settingsChangedWhileConnecting } from '../accounts/stored-password-scope';
import { findAccount, listAccounts } from '../store/accounts';
import { AccountWatch } from './account-watch';
import type { SyncEngineContext } from './engine';
import { engineFor } from './engines';
import { autoEmptyTrash } from './organise/auto-empty';
import { ParsePool } from './parse-pool';
import { shownError, StatusBoard } from './status-board';
import { defaultWatchTiming, type WatchTiming } from './watch-policy';
import type { WriterContext } from './writer-context';
import { watchForWake } from './wake-detector';

/**
 * Runs sync passes and watch loops for the worker: one pass per account at a time (a second request
 * joins the running one), progress through the status board, and one watch loop per account
 * (account-watch.ts) that starting, stopping, adding, editing or removing another account never touches.
 */
export class SyncRuntime {
  readonly status: StatusBoard;
  readonly timing: WatchTiming;
  private readonly running = new Map<string, Promise<SyncOutcome>>();
  /** The watch loop of each watched account (at most one: a new one waits for the old one's end). */
  private readonly loops = new Map<string, AccountWatch>();
  /** Loops being stopped, until they have ended (a new loop for the account waits for its predecessor). */
  private readonly ending = new Map<string, Promise<void>>();
  /** startWatching() without ids: every account is watched, including accounts added later. */
  private watchEveryAccount = false;
  private readonly nudgeListeners = new Map<string, Set<() => void>>();
  /** Accounts whose queued operations an upload to another account's server freed (syncAccounts runs them again). */
  private readonly released = new Set<string>();
  /** Per account: aborted by stopAccount() (the account is being removed), whatever else is running. */
  private readonly accountStops = new Map<string, AbortController>();
  /** Stops the wake detector (wake-detector.ts); set while any account is watched. */
  private stopWakeWatch: (() => void) | null = null;
  /** When a wake-up (resume event or wake detector) last reconnected every loop (Date.now). */
  private lastWakeReconnect = -Infinity;

  constructor(
    private readonly ctx: WriterContext,
    timing: Partial<WatchTiming> = {},
  ) {
    this.status = new StatusBoard(ctx);
    this.timing = { ...defaultWatchTiming, ...timing };
  }

  /** The accounts to act on: the named ones (NOT_FOUND for an unknown id) or every server account. */
  accounts(ids?: string[]): Account[] {
    if (!ids) return listAccounts(this.ctx.db).filter((account) => engineFor(account).hasServer);
    return ids.map((id) => {
      const account = findAccount(this.ctx.db, id);
      if (!account || !engineFor(account).hasServer) throw new HomingError('NOT_FOUND', `No mail account with id ${id}.`);
      return account;
    });
  }

  async syncAccounts(ids?: string[]): Promise<SyncOutcome[]> {
    // Accounts without a server have no pass of their own: their Trash empties itself here.
    if (!ids) for (const account of listAccounts(this.ctx.db).filter((a) => !engineFor(a).hasServer)) autoEmptyTrash(this.ctx.db, account);
    const accounts = this.accounts(ids);
    for (const account of accounts) this.released.delete(account.id);
    const outcomes = await Promise.all(accounts.map((account) => this.syncOne(account, this.ctx.shutdown)));
    // A move across accounts: the original's removal waited for the upload to the other server, which may
    // have come after this account's pass had replayed its queue. Once more for those, so one sync does it all.
    const again = accounts.filter((account, i) => this.released.delete(account.id) && outcomes[i]!.ok);
    for (const second of await Promise.all(again.map((account) => this.syncOne(account, this.ctx.shutdown)))) {
      const i = outcomes.findIndex((o) => o.accountId === second.accountId);
      outcomes[i] = { ...second, added: outcomes[i]!.added + second.added };
    }
    return outcomes;
  }

  /** One pass for one account; joins a pass already under way. */
  syncOne(account: Account, signal: AbortSignal): Promise<SyncOutcome> {
    const current = this.running.get(account.id);
    if (current) return current;
    const combined = AbortSignal.any([signal, this.stopSignal(account.id)]);
    const pass = (async (): Promise<SyncOutcome> => {
      try {
        // "Empty Trash after N days": before the pass, so the pass carries it to the server.
        autoEmptyTrash(this.ctx.db, findAccount(this.ctx.db, account.id) ?? account);
        const result = await engineFor(account).syncOnce(this.engineContext(account, combined));
        const folderErrors = result.folderErrors ?? [];
        this.status.finished(account.id, null, folderErrors.map((f) => f.folder));
        // A Check that worked while the account's loop waits out a failure: the loop reconnects now.
        this.loops.get(account.id)?.checkSucceeded();
        this.serverReached(account);
        return { accountId: account.id, ok: true, error: null, added: result.added, folderErrors };
      } catch (error) {
        const data = toErrorData(error);
        this.status.finished(account.id, data);
        // A Check that failed while the account's loop waits: the loop switches to its retry backoff.
        this.loops.get(account.id)?.checkFailed(data.code);
        // With what fixes it, as the status says it: homing sync prints the account edit (a certificate to trust).
        return { accountId: account.id, ok: false, error: shownError(data), added: 0, folderErrors: [] };
      } finally {
        this.running.delete(account.id);
        // The last pass running is over: its parsing threads go now (a watch session starts them again for new mail).
        if (this.running.size === 0) ParsePool.shared().release();
      }
    })();
    this.running.set(account.id, pass);
    return pass;
  }

  /**
   * A pass reached the account's server: the other accounts on the same server (a hosting customer's
   * mailboxes on one mail.theirdomain.com, often one by POP3 and one by IMAP) that wait out an outage
   * retry now. Each had its own backoff, so after a server restart one came back within seconds and
   * another said "offline" for up to five more minutes while its new mail waited.
   */
  private serverReached(account: Account): void {
    if (!account.host) return;
    for (const [id, loop] of this.loops) {
      if (id !== account.id && sameHost(findAccount(this.ctx.db, id)?.host, account.host)) loop.serverReachable();
    }
  }

  engineContext(account: Account, signal: AbortSignal): SyncEngineContext {
    return {
      writer: this.ctx,
      account,
      signal,
      password: async () => {
        const password = await accountPasswords(this.ctx).read(account);
        // Read with the settings this connection holds: if they changed meanwhile, the password read may
        // be the one saved for the new server; it does not go to the old one.
        if (!sameCredentialTargets(account, findAccount(this.ctx.db, account.id))) throw settingsChangedWhileConnecting(account);
        return password;
      },
      progress: (update) => this.status.progress(account.id, update),
      onNudge: (listener) => {
        let set = this.nudgeListeners.get(account.id);
        if (!set) {
          set = new Set();
          this.nudgeListeners.set(account.id, set);
        }
        set.add(listener);
        return () => set.delete(listener);
      },
      released: (accountIds) => {
        for (const id of accountIds) {
          if (id === account.id) continue;
          this.released.add(id);
          this.nudge(id);
        }
      },
    };
  }

  private stopSignal(accountId: string): AbortSignal {
    let controller = this.accountStops.get(accountId);
    if (!controller || controller.signal.aborted) {
      controller = new AbortController();
      this.accountStops.set(accountId, controller);
    }
    return controller.signal;
  }

  /**
   * Stops everything running for one account (its pass and its watch loop) and waits until it has
   * stopped, so the account can be removed without a sync still writing its rows.
   */
  async stopAccount(accountId: string): Promise<void> {
    this.accountStops.get(accountId)?.abort();
    this.accountStops.delete(accountId);
    await Promise.all([this.running.get(accountId)?.catch(() => undefined), this.endLoop(accountId)]);
    this.status.forget(accountId);
  }

  /** New local work (a queued user action) for the account: a running watch session picks it up now. */
  nudge(accountId: string): void {
    this.status.refresh(accountId);
    for (const listener of this.nudgeListeners.get(accountId) ?? []) listener();
  }

  /**
   * Watches the named accounts (every account, now and later, without ids). An account already watched
   * keeps its loop and its connection; no other account's loop is touched.
   */
  startWatching(ids?: string[]): void {
    if (this.ctx.shutdown.aborted) return;
    if (!ids) this.watchEveryAccount = true;
    for (const account of this.accounts(ids)) this.watch(account.id);
    this.watchForWake();
  }

  /**
   * While anything is watched: after a sleep or a stop of the process, every loop reconnects at once (its
   * IDLE connection is likely dead, and the NOOP check would notice only minutes later).
   */
  private watchForWake(): void {
    if (this.stopWakeWatch || this.loops.size === 0) return;
    const stop = watchForWake(
      () => {
        if (this.loops.size === 0) return this.endWakeWatch();
        this.reconnectAll('wake');
      },
      { tickMs: this.timing.wakeTickMs, slackMs: this.timing.wakeSlackMs },
    );
    this.ctx.shutdown.addEventListener('abort', stop, { once: true });
    this.stopWakeWatch = () => {
      this.ctx.shutdown.removeEventListener('abort', stop);
      stop();
    };
  }

  private endWakeWatch(): void {
    this.stopWakeWatch?.();
    this.stopWakeWatch = null;
  }

  /** Stops the named accounts' loops (every loop without ids) and resolves once they have ended. */
  async stopWatching(ids?: string[]): Promise<void> {
    if (!ids) this.watchEveryAccount = false;
    await Promise.all((ids ?? [...this.loops.keys()]).map((id) => this.endLoop(id)));
    if (this.loops.size === 0) this.endWakeWatch();
  }

  /** A new account: watched at once when every account is. */
  accountAdded(accountId: string): void {
    if (!this.watchEveryAccount) return;
    this.watch(accountId);
    this.watchForWake();
  }

  /**
   * The account's connection settings, password or sync settings changed: its loop (only its) drops the
   * connection or the wait it is in and starts over with the stored settings. A wrong password that the
   * user fixed is tried at once, not after the slow backoff for errors that need the user.
   */
  accountChanged(accountId: string): void {
    this.loops.get(accountId)?.restart();
  }

  /**
   * The network came back or the computer woke up: every loop reconnects now (old connections are likely
   * dead). One wake-up is told twice in the app, by the system's resume event and by the wake detector's
   * next tick: the second, seconds after the first, would drop the connections the first just opened. A
   * network change always reconnects: the wake-up's reconnect may have failed for want of it.
   */
  reconnectAll(reason: 'network' | 'resume' | 'wake'): void {
    // The wall clock: the monotonic one stands still during a sleep, so two sleeps would look seconds apart.
    const now = Date.now();
    if (reason !== 'network') {
      if (Math.abs(now - this.lastWakeReconnect) < 2 * this.timing.wakeTickMs) return;
      this.lastWakeReconnect = now;
    }
    for (const loop of this.loops.values()) loop.restart();
  }

  /** Which accounts have a watch loop (tests and the soak benchmark). */
  watchedAccounts(): string[] {
    return [...this.loops.keys()];
  }

  private watch(accountId: string): void {
    if (this.loops.has(accountId) || this.ctx.shutdown.aborted) return;
    const loop = new AccountWatch(
      {
        db: this.ctx.db,
        status: this.status,
        timing: this.timing,
        shutdown: AbortSignal.any([this.ctx.shutdown, this.stopSignal(accountId)]),
        pass: (account, signal) => this.syncOne(account, signal),
        engineContext: (account, signal) => this.engineContext(account, signal),
      },
      accountId,
      this.ending.get(accountId),
    );
    this.loops.set(accountId, loop);
    // A loop that ends by itself (its account was removed) leaves the map.
    void loop.ended.finally(() => {
      if (this.loops.get(accountId) === loop) this.loops.delete(accountId);
    });
  }

  private endLoop(accountId: string): Promise<void> {
    const loop = this.loops.get(accountId);
    if (!loop) return this.ending.get(accountId) ?? Promise.resolve();
    this.loops.delete(accountId);
    const ended = loop.stop().finally(() => {
      if (this.ending.get(accountId) === ended) this.ending.delete(accountId);
    });
    this.ending.set(accountId, ended);
    return ended;
  }
}
