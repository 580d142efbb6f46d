import { useCallback, useEffect, useRef } from 'react';

/** A pause in typing this long starts the search: about one keystroke gap, so a word is not searched letter by letter. */
export const SEARCH_DELAY_MS = 250;

/**
 * Search as you type: `typed` searches once typing pauses, `submit` (Enter) at once. Each new query
 * replaces the one before (the list keeps one store per query, and a replaced store drops its answer),
 * so an older, slower answer never shows over a newer one. An emptied field leaves search.
 */
export function useSearchAsYouType(onSearch: (query: string) => void, onClear: () => void) {
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const cancel = useCallback(() => {
    if (timer.current !== null) clearTimeout(timer.current);
    timer.current = null;
  }, []);
  useEffect(() => cancel, [cancel]);

  const submit = useCallback(
    (text: string) => {
      cancel();
      if (text.trim()) onSearch(text.trim());
      else onClear();
    },
    [cancel, onSearch, onClear],
  );
  const typed = useCallback(
    (text: string) => {
      cancel();
      timer.current = setTimeout(() => submit(text), SEARCH_DELAY_MS);
    },
    [cancel, submit],
  );
  return { typed, submit, cancel };
}
