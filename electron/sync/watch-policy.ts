import type { Account } from '../../shared/contract/accounts';
import { backoffDelay, jittered } from './backoff';

/**
 * When a watch loop tries again, as plain numbers and functions (no timers here: account-watch.ts waits).
 * The app uses the defaults; tests and the soak benchmark shorten them through the worker's init.
 */
export interface WatchTiming {
  /** The first retry after a failure that trying again can fix (a server restarting, a network cut). */
  retryBaseMs: number;
  /** The longest wait between two such retries. */
  retryMaxMs: number;
  /**
   * Errors only the user can fix (wrong password, changed certificate) wait the check interval, then twice
   * that, and so on up to this: a host that locks accounts out after a few failed logins is not hammered.
   */
  needsUserMaxMs: number;
  /** Replaces every account's check interval (tests and the soak benchmark; null in the app). */
  checkIntervalMs: number | null;
  /** IMAP: how often IDLE is broken by a NOOP that must be answered (imap/limits.ts has the why). */
  idleCheckMs: number;
  /** IMAP: how long that NOOP may take before the connection counts as dead. */
  noopTimeoutMs: number;
  /**
   * While watching, the wall clock is looked at this often (wake-detector.ts); a look that comes more than
   * `wakeSlackMs` late means the computer slept or the process was stopped, and every account reconnects.
   */
  wakeTickMs: number;
  wakeSlackMs: number;
}

export const defaultWatchTiming: WatchTiming = {
  retryBaseMs: 2_000,
  retryMaxMs: 5 * 60_000,
  needsUserMaxMs: 60 * 60_000,
  checkIntervalMs: null,
  idleCheckMs: 4 * 60_000,
  noopTimeoutMs: 30_000,
  // A 10 s tick costs nothing; a minute of slack is far beyond any pause of a loaded machine's event loop
  // (a whole 10k sync's longest transaction is well under it), and far below the NOOP check's 4 minutes.
  wakeTickMs: 10_000,
  wakeSlackMs: 60_000,
};

/**
 * Errors that trying again soon cannot fix: the user has to change something (password, certificate,
 * security setting, the POP3 policy of a server without UIDL). Retrying them with the fast backoff would
 * only pile up failed logins (hosting servers lock accounts out after a few) or download a UIDL-less
 * maildrop again every few minutes. A change to the account's settings wakes the loop at once.
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
// DNS_NOT_FOUND (ENOTFOUND: the name service says the name does not exist) is shown as an error that names
// the host, but is retried on the ordinary backoff, not the slow needs-the-user one: macOS and Windows
// answer ENOTFOUND for every name while there is no network at all, and a laptop back online must not
// wait out a doubled check interval (`homing sync --watch` hears no network event). A misspelt name costs
// a name lookup per retry.

/** Errors that mean the server could not be reached at all: the account is offline, not broken. */
const UNREACHABLE = new Set(['CONNECTION_REFUSED', 'CONNECTION_LOST', 'TIMEOUT', 'DNS_UNAVAILABLE']);

export const needsTheUser = (code: string | undefined): boolean => code !== undefined && NEEDS_THE_USER.has(code);
export const isUnreachable = (code: string | undefined): boolean => code !== undefined && UNREACHABLE.has(code);

/** The account's check interval (POP3 checks, polling IMAP folders other than INBOX), or the override. */
export function checkIntervalOf(account: Account, timing: WatchTiming): number {
  return timing.checkIntervalMs ?? account.settings.checkIntervalMinutes * 60_000;
}

/**
 * How long the loop waits after its `failures`-th failure in a row (0 = the first): exponential backoff
 * with jitter for what may pass by itself, never longer than the check interval; for what needs the user,
 * the check interval doubling up to `needsUserMaxMs`.
 */
export function delayAfterFailure(
  code: string | undefined,
  failures: number,
  checkIntervalMs: number,
  timing: Pick<WatchTiming, 'retryBaseMs' | 'retryMaxMs' | 'needsUserMaxMs'> = defaultWatchTiming,
  random: () => number = Math.random,
): number {
  if (needsTheUser(code)) {
    const ceiling = Math.max(checkIntervalMs, timing.needsUserMaxMs);
    return jittered(Math.min(ceiling, checkIntervalMs * 2 ** Math.min(Math.max(failures, 0), 20)), random);
  }
  const backoff = backoffDelay(failures, { baseMs: timing.retryBaseMs, maxMs: timing.retryMaxMs, random });
  return Math.min(backoff, jittered(checkIntervalMs, random));
}
