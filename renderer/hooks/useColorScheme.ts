import { useSyncExternalStore } from 'react';

const query = () => window.matchMedia('(prefers-color-scheme: dark)');

const subscribe = (callback: () => void) => {
  const media = query();
  media.addEventListener('change', callback);
  return () => media.removeEventListener('change', callback);
};

/** The system's theme; the app's CSS follows it by itself, message frames are told explicitly. */
export function useDarkMode(): boolean {
  return useSyncExternalStore(subscribe, () => query().matches);
}
