import type { SyncPhase, SyncStatus } from '../../shared/contract/sync';
import { describeError } from './error-words';
import { formatCount } from './format';

const phases: Record<SyncPhase, string> = {
  idle: 'Up to date',
  connecting: 'Connecting',
  folders: 'Listing folders',
  headers: 'Downloading headers',
  bodies: 'Downloading messages',
  flags: 'Checking for changes',
  actions: 'Sending your changes',
  watching: 'Up to date',
  error: 'Sync failed',
};

export const isBusy = (status: SyncStatus) => !['idle', 'watching', 'error'].includes(status.phase);

/** "Downloading messages — INBOX, 120 of 4,000" (a pass under way), else the phase's word. */
export function syncSentence(status: SyncStatus): string {
  let text = phases[status.phase];
  if (!status.online && !isBusy(status)) text = 'Offline — server not reachable';
  if (status.folder && isBusy(status)) text += ` — ${status.folder}`;
  if (status.total > 0 && isBusy(status)) text += `, ${formatCount(status.done)} of ${formatCount(status.total)}`;
  return text;
}

/**
 * What the sidebar says about one account, truthfully: `live` (IDLE open, nothing waiting), `checking`
 * (a pass under way), `offline` (the server does not answer: since when, next try when), `error` (with
 * what to do about it), `waiting` (connected, but changes are not on the server yet), `idle` (checked,
 * no push: when, and when next). "Up to date" appears only when the server answered last and nothing waits.
 */
export type SyncState = 'live' | 'idle' | 'checking' | 'offline' | 'error' | 'waiting';

export interface SyncSummary {
  state: SyncState;
  /** The main line: "Live — up to date", "Offline since 14:02", "Downloading messages — INBOX, 1 of 3". */
  text: string;
  /** The second line, or null: "Retrying in 40 seconds · 2 changes waiting", "checked 3 minutes ago". */
  detail: string | null;
  /** For errors only the user can fix: what to do. */
  fix: string | null;
}

export function syncSummary(status: SyncStatus, now = Date.now()): SyncSummary {
  const waiting = changesWaiting(status);
  if (status.offlineSince !== null && status.phase !== 'watching') {
    const retry = status.nextAttemptAt ? `retrying ${relativeTime(status.nextAttemptAt, now)}` : 'trying to reconnect';
    return { state: 'offline', text: `Offline since ${clockTime(status.offlineSince, now)}`, detail: join(retry, waiting), fix: null };
  }
  if (isBusy(status)) return { state: 'checking', text: syncSentence(status), detail: waiting, fix: null };
  if (status.phase === 'error' && status.lastError) {
    const words = describeError(status.lastError);
    const retry = status.nextAttemptAt ? `next try ${relativeTime(status.nextAttemptAt, now)}` : null;
    // A name that does not exist: say which (the account may have several servers), rather than "Offline".
    const host = status.lastError.detail?.host;
    if (status.lastError.code === 'DNS_NOT_FOUND' && typeof host === 'string') {
      return { state: 'error', text: `Not syncing: the server name ${host} could not be found.`, detail: join(retry, waiting), fix: 'Check the server name in the account’s settings, and that this computer is online.' };
    }
    return { state: 'error', text: `Not syncing: ${words.title}`, detail: join(retry, waiting), fix: fixFor(status.lastError) };
  }
  const checked = lastSynced(status, now);
  if (status.pendingChanges > 0) {
    return { state: 'waiting', text: status.phase === 'watching' ? 'Live — sending your changes' : 'Changes not sent yet', detail: join(waiting, checked), fix: null };
  }
  if (status.phase === 'watching') return { state: 'live', text: 'Live — up to date', detail: join(refused(status), checked), fix: null };
  const next = status.watching && status.nextAttemptAt ? `next check ${relativeTime(status.nextAttemptAt, now)}` : null;
  return {
    state: 'idle',
    text: status.lastSyncedAt ? 'Up to date' : 'Not checked yet',
    detail: join(checked, next, refused(status)),
    fix: null,
  };
}

function changesWaiting(status: SyncStatus): string | null {
  const parts = [];
  if (status.pendingChanges > 0) parts.push(`${formatCount(status.pendingChanges)} ${status.pendingChanges === 1 ? 'change' : 'changes'} waiting`);
  const no = refused(status);
  if (no) parts.push(no);
  return parts.length > 0 ? parts.join(' · ') : null;
}

function refused(status: SyncStatus): string | null {
  const parts = [];
  if (status.refusedChanges > 0) parts.push(`${formatCount(status.refusedChanges)} refused by the server`);
  // The per-folder error (the folder tree marks the folder itself): the rest of the account is current.
  const folders = status.unreadableFolders;
  if (folders.length === 1) parts.push(`${folders[0]} could not be opened`);
  else if (folders.length > 1) parts.push(`${formatCount(folders.length)} folders could not be opened`);
  return parts.length > 0 ? parts.join(' · ') : null;
}

const join = (...parts: Array<string | null>) => parts.filter((p): p is string => p !== null).join(' · ') || null;

/** What the user can do about an error that retrying cannot fix: the network layer's hint, or a word from its code. */
function fixFor(error: NonNullable<SyncStatus['lastError']>): string | null {
  const hint = error.detail?.hint;
  if (typeof hint === 'string' && hint.length > 0) return hint;
  if (error.code === 'AUTH_FAILED' || error.code === 'CREDENTIALS_MISSING') return 'Enter the password again in Accounts and settings.';
  if (error.code.startsWith('TLS_CERT')) return 'Look at the certificate in Accounts and settings before trusting it.';
  if (error.code === 'AUTH_PLAINTEXT_REFUSED' || error.code === 'TLS_WRONG_PORT') return 'Change the security setting in Accounts and settings.';
  return null;
}

const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });

/** "in 40 seconds", "in 3 minutes", "2 hours ago": the distance from now, in the largest whole unit. */
export function relativeTime(iso: string, now = Date.now()): string {
  const ms = Date.parse(iso) - now;
  if (Number.isNaN(ms)) return '';
  const seconds = Math.round(ms / 1000);
  if (Math.abs(seconds) < 60) return seconds === 0 ? 'now' : relative.format(seconds, 'second');
  const minutes = Math.round(ms / 60_000);
  if (Math.abs(minutes) < 60) return relative.format(minutes, 'minute');
  const hours = Math.round(minutes / 60);
  if (Math.abs(hours) < 48) return relative.format(hours, 'hour');
  return relative.format(Math.round(hours / 24), 'day');
}

const timeOfDay = new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit' });
const dayAndTime = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', hour: 'numeric', minute: '2-digit' });

/** "14:02" today, "5 Mar, 14:02" before. */
function clockTime(iso: string, now: number): string {
  const at = new Date(iso);
  return new Date(now).toDateString() === at.toDateString() ? timeOfDay.format(at) : dayAndTime.format(at);
}

/** "checked just now", "checked 3 minutes ago"; null before the first good check. */
export function lastSynced(status: SyncStatus, now = Date.now()): string | null {
  if (!status.lastSyncedAt) return null;
  const ago = now - Date.parse(status.lastSyncedAt);
  if (Number.isNaN(ago)) return null;
  if (ago < 45_000) return 'checked just now';
  return `checked ${relativeTime(status.lastSyncedAt, now)}`;
}
