import { useSyncExternalStore } from 'react';
import { parseReadingPreferences, type ReadingPreferences } from '../mail/reading-preferences';

const KEY = 'homing.reading';
const listeners = new Set<() => void>();
let cached: { raw: string | null; value: ReadingPreferences } | null = null;
/** The last choice when storage refuses it (disabled or full): it lasts until the window closes. */
let unstored: string | null = null;

function read(): ReadingPreferences {
  let raw = unstored;
  try {
    raw = unstored ?? localStorage.getItem(KEY);
  } catch {
    // Storage disabled: the defaults, or the choice made in this window.
  }
  if (!cached || cached.raw !== raw) cached = { raw, value: parseReadingPreferences(raw) };
  return cached.value;
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  // Another window of the app changed them.
  const onStorage = (event: StorageEvent) => {
    if (event.key === KEY) listener();
  };
  window.addEventListener('storage', onStorage);
  return () => {
    listeners.delete(listener);
    window.removeEventListener('storage', onStorage);
  };
}

/** Stores new preferences; every window and component reading them follows at once. */
export function saveReadingPreferences(next: ReadingPreferences): void {
  const raw = JSON.stringify(next);
  try {
    localStorage.setItem(KEY, raw);
    unstored = null;
  } catch {
    unstored = raw;
  }
  for (const listener of listeners) listener();
}

/** The reading preferences (mark read on open), remembered on this computer. */
export function useReadingPreferences(): ReadingPreferences {
  return useSyncExternalStore(subscribe, read);
}
