import { describe, expect, it } from 'vitest';
import type { SyncStatus } from '../../../shared/contract/sync';
import { lastSynced, relativeTime, syncSummary } from '../../../renderer/mail/sync-words';

const NOW = Date.parse('2026-03-05T14:30:00Z');
const iso = (offsetMs: number) => new Date(NOW + offsetMs).toISOString();

function status(patch: Partial<SyncStatus> = {}): SyncStatus {
  return {
    accountId: 'a',
    phase: 'idle',
    folder: null,
    done: 0,
    total: 0,
    online: true,
    lastError: null,
    lastSyncedAt: iso(-10_000),
    watching: true,
    offlineSince: null,
    nextAttemptAt: null,
    pendingChanges: 0,
    refusedChanges: 0,
    unreadableFolders: [],
    ...patch,
  };
}

/** Every status an account can be in, for "never says X when Y" checks. */
function everyStatus(): SyncStatus[] {
  const out: SyncStatus[] = [];
  for (const phase of ['idle', 'connecting', 'bodies', 'actions', 'watching', 'error'] as const) {
    for (const offlineSince of [null, iso(-300_000)]) {
      for (const pendingChanges of [0, 3]) {
        for (const lastError of [null, { code: 'CONNECTION_REFUSED', message: 'refused' }, { code: 'AUTH_FAILED', message: 'no' }]) {
          out.push(status({ phase, offlineSince, pendingChanges, lastError, online: offlineSince === null }));
        }
      }
    }
  }
  return out;
}

describe('syncSummary: what the sidebar says about an account', () => {
  it('says live only while IDLE is open and nothing waits', () => {
    expect(syncSummary(status({ phase: 'watching' }), NOW)).toMatchObject({ state: 'live', text: 'Live — up to date', detail: 'checked just now' });
  });

  it('never says "up to date" with the server down or changes queued', () => {
    for (const s of everyStatus()) {
      const { text, detail } = syncSummary(s, NOW);
      const line = `${text} ${detail ?? ''}`.toLowerCase();
      if (s.offlineSince !== null && s.phase !== 'watching') expect(line, JSON.stringify(s)).not.toContain('up to date');
      if (s.pendingChanges > 0) expect(line, JSON.stringify(s)).not.toContain('up to date');
    }
  });

  it('says since when an account is offline, when it retries, and how many changes wait', () => {
    const s = status({ phase: 'error', online: false, offlineSince: iso(-5 * 60_000), nextAttemptAt: iso(40_000), pendingChanges: 6, lastError: { code: 'CONNECTION_REFUSED', message: 'x' } });
    const summary = syncSummary(s, NOW);
    expect(summary.state).toBe('offline');
    expect(summary.text).toMatch(/^Offline since \d{1,2}[:.]\d{2}/);
    expect(summary.detail).toBe('retrying in 40 seconds · 6 changes waiting');
    // A retry under way: still offline until the server answers.
    expect(syncSummary({ ...s, phase: 'connecting', nextAttemptAt: null }, NOW)).toMatchObject({ state: 'offline', detail: 'trying to reconnect · 6 changes waiting' });
  });

  it('names the server name that could not be found, not an outage', () => {
    const lastError = { code: 'DNS_NOT_FOUND', message: 'x', detail: { host: 'mail.nonexistent.invalid', fix: 'check-hostname' } };
    expect(syncSummary(status({ phase: 'error', online: true, lastError, nextAttemptAt: iso(10 * 60_000) }), NOW)).toEqual({
      state: 'error',
      text: 'Not syncing: the server name mail.nonexistent.invalid could not be found.',
      detail: 'next try in 10 minutes',
      fix: 'Check the server name in the account’s settings, and that this computer is online.',
    });
  });

  it('gives an error only the user can fix its fix, and says when it tries again', () => {
    const summary = syncSummary(status({ phase: 'error', lastError: { code: 'AUTH_FAILED', message: 'no' }, nextAttemptAt: iso(10 * 60_000) }), NOW);
    expect(summary).toMatchObject({ state: 'error', detail: 'next try in 10 minutes' });
    expect(summary.text).toMatch(/^Not syncing: /);
    expect(summary.fix).toMatch(/password/);
    const hinted = syncSummary(status({ phase: 'error', lastError: { code: 'TLS_FAILED', message: 'x', detail: { hint: 'Try STARTTLS.' } } }), NOW);
    expect(hinted.fix).toBe('Try STARTTLS.');
  });

  it('shows changes waiting while connected, and refused ones', () => {
    expect(syncSummary(status({ phase: 'watching', pendingChanges: 1 }), NOW)).toMatchObject({ state: 'waiting', detail: '1 change waiting · checked just now' });
    expect(syncSummary(status({ phase: 'watching', refusedChanges: 2 }), NOW).detail).toBe('2 refused by the server · checked just now');
  });

  it('names a folder the server would not open (the rest of the account is current)', () => {
    expect(syncSummary(status({ phase: 'watching', unreadableFolders: ['Ghost'] }), NOW)).toMatchObject({ state: 'live', detail: 'Ghost could not be opened · checked just now' });
    expect(syncSummary(status({ unreadableFolders: ['A', 'B'] }), NOW).detail).toBe('checked just now · 2 folders could not be opened');
  });

  it('shows a pass under way with its progress, and the next check of an account without push', () => {
    expect(syncSummary(status({ phase: 'bodies', folder: 'INBOX', done: 1, total: 3 }), NOW)).toMatchObject({ state: 'checking', text: 'Downloading messages — INBOX, 1 of 3' });
    expect(syncSummary(status({ nextAttemptAt: iso(9 * 60_000) }), NOW)).toMatchObject({ state: 'idle', text: 'Up to date', detail: 'checked just now · next check in 9 minutes' });
  });
});

describe('relative times', () => {
  it('advance with the clock (the panel re-renders them every few seconds)', () => {
    const s = status({ lastSyncedAt: iso(0) });
    expect(lastSynced(s, NOW)).toBe('checked just now');
    expect(lastSynced(s, NOW + 3 * 60_000)).toBe('checked 3 minutes ago');
    expect(lastSynced(s, NOW + 9 * 60_000)).toBe('checked 9 minutes ago');
    expect(relativeTime(iso(90 * 60_000), NOW)).toBe('in 2 hours');
  });
});
