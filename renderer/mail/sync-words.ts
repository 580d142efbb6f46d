import type { SyncPhase, SyncStatus } from '../../shared/contract/sync';
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

/** "Downloading messages — INBOX, 120 of 4,000". */
export function syncSentence(status: SyncStatus): string {
  let text = phases[status.phase];
  if (!status.online && !isBusy(status)) text = 'Offline — server not reachable';
  if (status.folder && isBusy(status)) text += ` — ${status.folder}`;
  if (status.total > 0 && isBusy(status)) text += `, ${formatCount(status.done)} of ${formatCount(status.total)}`;
  return text;
}

const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });

export function lastSynced(status: SyncStatus, now = Date.now()): string | null {
  if (!status.lastSyncedAt) return null;
  const minutes = Math.round((Date.parse(status.lastSyncedAt) - now) / 60_000);
  if (Number.isNaN(minutes)) return null;
  if (Math.abs(minutes) < 60) return `checked ${relative.format(minutes, 'minute')}`;
  const hours = Math.round(minutes / 60);
  if (Math.abs(hours) < 48) return `checked ${relative.format(hours, 'hour')}`;
  return `checked ${relative.format(Math.round(hours / 24), 'day')}`;
}
