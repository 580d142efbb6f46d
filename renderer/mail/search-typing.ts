/** A pause in typing this long starts the search: about one keystroke gap, so a word is not searched letter by letter. */
export const SEARCH_DELAY_MS = 250;

export interface SearchTyping {
  /** The field changed: search once typing pauses. */
  typed(text: string): void;
  /** Enter: search now. */
  submit(text: string): void;
  /** Forget a search that has not started (the field was cleared or left). */
  cancel(): void;
}

/**
 * Search as you type: a query goes out once typing pauses (or at once on Enter); an emptied field leaves
 * search. Each query replaces the one before: the list keeps one store per query and shows only the
 * newest, so an older, slower answer never shows over a newer one.
 */
export function searchTyping(search: (query: string) => void, clear: () => void, delay = SEARCH_DELAY_MS): SearchTyping {
  let timer: ReturnType<typeof setTimeout> | null = null;
  const cancel = () => {
    if (timer !== null) clearTimeout(timer);
    timer = null;
  };
  const submit = (text: string) => {
    cancel();
    if (text.trim()) search(text.trim());
    else clear();
  };
  return {
    typed(text) {
      cancel();
      timer = setTimeout(() => submit(text), delay);
    },
    submit,
    cancel,
  };
}
