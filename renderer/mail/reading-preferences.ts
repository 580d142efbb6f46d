/**
 * How the app treats an opened message. Kept on this computer with the other window preferences
 * (localStorage of the app's own origin, as the pane sizes are): it is a habit of the person at this
 * computer, not a property of an account.
 */
export type MarkReadMode = 'at-once' | 'after-delay' | 'never';

export interface ReadingPreferences {
  markRead: MarkReadMode;
  /** With `after-delay`: seconds a message stays open before it counts as read. */
  markReadSeconds: number;
}

export const MARK_READ_SECONDS_MIN = 1;
export const MARK_READ_SECONDS_MAX = 120;

export const defaultReadingPreferences: ReadingPreferences = { markRead: 'at-once', markReadSeconds: 5 };

const modes: readonly MarkReadMode[] = ['at-once', 'after-delay', 'never'];

export function clampSeconds(value: number): number {
  if (!Number.isFinite(value)) return defaultReadingPreferences.markReadSeconds;
  return Math.min(MARK_READ_SECONDS_MAX, Math.max(MARK_READ_SECONDS_MIN, Math.round(value)));
}

/** Reads stored preferences defensively: anything missing or malformed takes its default. */
export function parseReadingPreferences(stored: string | null): ReadingPreferences {
  let saved: unknown;
  try {
    saved = JSON.parse(stored ?? 'null');
  } catch {
    saved = null;
  }
  const s = (typeof saved === 'object' && saved !== null ? saved : {}) as Partial<Record<keyof ReadingPreferences, unknown>>;
  return {
    markRead: modes.includes(s.markRead as MarkReadMode) ? (s.markRead as MarkReadMode) : defaultReadingPreferences.markRead,
    markReadSeconds: typeof s.markReadSeconds === 'number' ? clampSeconds(s.markReadSeconds) : defaultReadingPreferences.markReadSeconds,
  };
}

/** Milliseconds to wait before marking an opened unread message read, or null for never. */
export function markReadDelay(preferences: ReadingPreferences): number | null {
  if (preferences.markRead === 'never') return null;
  return preferences.markRead === 'at-once' ? 0 : preferences.markReadSeconds * 1000;
}
