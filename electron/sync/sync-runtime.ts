import type { Account } from '../../shared/contract/accounts';
import type { SyncOutcome } from '../../shared/contract/sync';
import { HomingError, toErrorData } from '../../shared/errors';
import { accountPasswords } from '../accounts/account-passwords';
import { findAccount, listAccounts } from '../store/accounts';
import { backoffDelay, jittered, sleep } from './backoff';
import type { SyncEngineContext } from './engine';
import { engineFor } from './engines';
import { StatusBoard } from './status-board';
import type { WriterContext } from './writer-context';

/**
 * Errors that trying again soon cannot fix: the user has to change something (password, certificate,
 * security setting, the POP3 policy of a server without UIDL). Retrying them with the fast backoff would
 * only pile up failed logins (hosting servers lock accounts out after a few) or download a UIDL-less
 * maildrop again every few minutes; they wait for the next regular check instead.
 */
const NEEDS_THE_USER = new Set([
  'AUTH_FAILED',
  'AUTH_PLAINTEXT_REFUSED',
  'CREDENTIALS_MISSING',
  'TLS_CERT_HOSTNAME',
  'TLS_CERT_UNTRUSTED',
  'TLS_CERT_EXPIRED',
  'TLS_CERT_CHANGED',
  'TLS_WRONG_PORT',
  'POP3_NO_UIDL',
]);

/** How long the watch loop waits after a failed pass: the check interval for errors only the user can fix, else backoff. */
export function delayAfterFailure(code: string | undefined, failures: number, checkIntervalMs: number): number {
  if (code && NEEDS_THE_USER.has(code)) return jittered(checkIntervalMs);
  return Math.min(backoffDelay(failures), jittered(checkIntervalMs));
}

/**
 * Runs sync passes and watch loops for the worker: one pass per account at a time (a second request
 * joins the running one), progress through the status board, reconnects with backoff.
 */
export class SyncRuntime {
  readonly status: StatusBoard;
  private readonly running = new Map<string, Promise<SyncOutcome>>();
  private watching: AbortController | null = null;
  private readonly watchLoops = new Set<Promise<void>>();
  private readonly accountLoops = new Map<string, Set<Promise<void>>>();
  private readonly nudgeListeners = new Map<string, Set<() => void>>();
  /** Per account: aborted by stopAccount() (the account is being removed), whatever else is running. */
  private readonly accountStops = new Map<string, AbortController>();

  constructor(private readonly ctx: WriterContext) {
    this.status = new StatusBoard(ctx);
  }

  /** The accounts to act on: the named ones (NOT_FOUND for an unknown id) or every server account. */
  accounts(ids?: string[]): Account[] {
    if (!ids) return listAccounts(this.ctx.db);
    return ids.map((id) => {
      const account = findAccount(this.ctx.db, id);
      if (!account || account.protocol === 'local') throw new HomingError('NOT_FOUND', `No mail account with id ${id}.`);
      return account;
    });
  }

  syncAccounts(ids?: string[]): Promise<SyncOutcome[]> {
    return Promise.all(this.accounts(ids).map((account) => this.syncOne(account, this.ctx.shutdown)));
  }

  /** One pass for one account; joins a pass already under way. */
  syncOne(account: Account, signal: AbortSignal): Promise<SyncOutcome> {
    const current = this.running.get(account.id);
    if (current) return current;
    const combined = AbortSignal.any([signal, this.stopSignal(account.id)]);
    const pass = (async (): Promise<SyncOutcome> => {
      try {
        const result = await engineFor(account).syncOnce(this.engineContext(account, combined));
        this.status.finished(account.id, null);
        return { accountId: account.id, ok: true, error: null, added: result.added, folderErrors: result.folderErrors ?? [] };
      } catch (error) {
        const data = toErrorData(error);
        this.status.finished(account.id, { code: data.code, message: data.message });
        return { accountId: account.id, ok: false, error: { code: data.code, message: data.message }, added: 0, folderErrors: [] };
      } finally {
        this.running.delete(account.id);
      }
    })();
    this.running.set(account.id, pass);
    return pass;
  }

  engineContext(account: Account, signal: AbortSignal): SyncEngineContext {
    return {
      writer: this.ctx,
      account,
      signal,
      password: () => accountPasswords(this.ctx).read(account),
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
    await this.running.get(accountId)?.catch(() => undefined);
    await Promise.allSettled([...(this.accountLoops.get(accountId) ?? [])]);
    this.status.forget(accountId);
  }

  /** New local work (a queued user action) for the account: a running watch session picks it up now. */
  nudge(accountId: string): void {
    for (const listener of this.nudgeListeners.get(accountId) ?? []) listener();
  }

  /** Keeps the accounts current until stopWatching() or shutdown. */
  startWatching(ids?: string[]): void {
    this.stopWatching();
    const controller = new AbortController();
    this.watching = controller;
    const onShutdown = () => controller.abort();
    this.ctx.shutdown.addEventListener('abort', onShutdown, { once: true });
    for (const account of this.accounts(ids)) {
      const signal = AbortSignal.any([controller.signal, this.stopSignal(account.id)]);
      const loops = this.accountLoops.get(account.id) ?? new Set();
      this.accountLoops.set(account.id, loops);
      const loop = this.watchLoop(account, signal).finally(() => {
        this.watchLoops.delete(loop);
        loops.delete(loop);
      });
      this.watchLoops.add(loop);
      loops.add(loop);
    }
  }

  stopWatching(): Promise<void> {
    this.watching?.abort();
    this.watching = null;
    return Promise.allSettled([...this.watchLoops]).then(() => undefined);
  }

  private async watchLoop(account: Account, signal: AbortSignal): Promise<void> {
    let failures = 0;
    while (!signal.aborted) {
      const engine = engineFor(account);
      const outcome = await this.syncOne(account, signal);
      if (signal.aborted) return;
      if (!outcome.ok) {
        const interval = (findAccount(this.ctx.db, account.id) ?? account).settings.checkIntervalMinutes * 60_000;
        if (!(await sleep(delayAfterFailure(outcome.error?.code, failures++, interval), signal))) return;
        continue;
      }
      failures = 0;
      if (engine.watch) {
        try {
          this.status.progress(account.id, { phase: 'watching', folder: null });
          await engine.watch(this.engineContext(account, signal));
        } catch (error) {
          const data = toErrorData(error);
          this.status.finished(account.id, { code: data.code, message: data.message });
          if (!(await sleep(backoffDelay(failures++), signal))) return;
        }
      } else {
        const fresh = findAccount(this.ctx.db, account.id);
        if (!fresh) return;
        account = fresh;
        if (!(await sleep(jittered(account.settings.checkIntervalMinutes * 60_000), signal))) return;
      }
    }
  }
}
