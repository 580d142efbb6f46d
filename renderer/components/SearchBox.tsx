import { type Ref, useEffect, useRef, useState } from 'react';
import { useSearchAsYouType } from '../hooks/useSearchAsYouType';
import { Icon } from './Icon';

export interface SearchBoxProps {
  /** The query whose results are shown, or null. */
  active: string | null;
  /** Why the active query could not be understood (INVALID_QUERY's message), shown under the field. */
  problem: string | null;
  onSearch(query: string): void;
  onClear(): void;
  /** ArrowDown: into the results (searched now if the typing has not been yet). */
  onToResults(query: string): void;
  inputRef: Ref<HTMLInputElement>;
  /** Escape in the field: where the focus goes (the message list), so it does not fall to the page. */
  onLeave?(): void;
  /** Goes up each time the user asks for the search (its shortcut, the menu): the hints open then. */
  asked?: number;
}

const hints: Array<[string, string]> = [
  ['from:alice', 'sender'],
  ['to:bob', 'recipient'],
  ['subject:invoice', 'subject'],
  ['has:attachment', 'with attachments'],
  ['is:unread', 'unread (also is:flagged)'],
  ['after:2024-01-01', 'dates (also before:)'],
  ['larger:1M', 'size (also smaller:10K)'],
  ['in:Archive', 'one folder'],
  ['tag:work', 'a tag'],
  ['"exact phrase"', 'words in order'],
  ['a OR b', 'either (group with parentheses)'],
  ['-word', 'without it'],
];

/**
 * The search field (role=search). Results follow the typing (a short pause starts the search; Enter at
 * once) across every folder, in the query language (docs/query-language.md); Down goes into the results,
 * Escape leaves them.
 * The syntax is listed under the field while it is empty and the user came to it: a click, Tab, a key
 * typed there, or the search shortcut. Not when the window moved the focus there (Escape back from the
 * results): a popup the user did not ask for covers what is under it and takes its clicks. A query that
 * could not be understood is explained there, and the field is marked invalid until it changes.
 */
export function SearchBox({ active, problem, onSearch, onClear, onToResults, onLeave, inputRef, asked = 0 }: SearchBoxProps) {
  const [text, setText] = useState(active ?? '');
  const [shownFor, setShownFor] = useState(active);
  const [focused, setFocused] = useState(false);
  const [hintsAsked, setHintsAsked] = useState(false);
  const [seenAsked, setSeenAsked] = useState(asked);
  if (seenAsked !== asked) {
    setSeenAsked(asked);
    setHintsAsked(true);
  }
  const tabbing = useTabKey();
  const search = useSearchAsYouType(onSearch, onClear);
  const hintsShown = focused && hintsAsked && !text;
  if (shownFor !== active) {
    setShownFor(active);
    // The search was cleared or changed elsewhere (a folder was opened): show what is active. Not an
    // answer to this field's own typing, which may have gone on since.
    if (active !== text.trim()) setText(active ?? '');
  }
  return (
    <form
      role="search"
      className="search-box"
      onSubmit={(event) => {
        event.preventDefault();
        search.submit(text);
      }}
    >
      <Icon name="search" size={14} className="search-icon" />
      <input
        ref={inputRef}
        type="search"
        aria-label="Search all mail"
        placeholder="Search mail"
        value={text}
        onChange={(event) => {
          setText(event.target.value);
          search.typed(event.target.value);
        }}
        onFocus={() => {
          setFocused(true);
          if (tabbing.current) setHintsAsked(true);
        }}
        onBlur={() => {
          setFocused(false);
          setHintsAsked(false);
        }}
        onPointerDown={() => setHintsAsked(true)}
        onKeyDown={(event) => {
          if (event.key !== 'Escape' && event.key !== 'Tab') setHintsAsked(true);
          // Down goes into the results, as in Thunderbird and Outlook (Escape there comes back here).
          if (event.key === 'ArrowDown' && !event.shiftKey && !event.altKey && !event.ctrlKey && !event.metaKey && text.trim() !== '') {
            event.preventDefault();
            if (text.trim() !== active) search.submit(text);
            onToResults(text.trim());
            return;
          }
          if (event.key === 'Escape') {
            event.preventDefault();
            search.cancel();
            setText('');
            onClear();
            const field = event.target as HTMLInputElement;
            onLeave?.();
            if (document.activeElement === field) field.blur();
          }
        }}
        autoComplete="off"
        spellCheck={false}
        aria-invalid={problem !== null && text.trim() === active ? true : undefined}
        aria-describedby={problem !== null && text.trim() === active ? 'search-problem' : hintsShown ? 'search-hints' : undefined}
      />
      {text && (
        <button
          type="button"
          className="icon-button search-clear"
          aria-label="Clear search"
          onClick={() => {
            search.cancel();
            setText('');
            onClear();
          }}
        >
          <Icon name="x" size={12} />
        </button>
      )}
      {problem !== null && text.trim() === active && (
        <p className="search-problem" id="search-problem" role="alert">
          <Icon name="alert" size={14} />
          <span>{problem}</span>
        </p>
      )}
      {hintsShown && (
        <div className="search-hints" id="search-hints">
          <div className="search-hints-title">Search every folder. You can combine:</div>
          <dl>
            {hints.map(([example, meaning]) => (
              <div key={example}>
                <dt>
                  <code>{example}</code>
                </dt>
                <dd>{meaning}</dd>
              </div>
            ))}
          </dl>
        </div>
      )}
    </form>
  );
}

/** True from a Tab key press until the focus it moves has landed: that focus is the user's. */
function useTabKey(): { readonly current: boolean } {
  const tabbing = useRef(false);
  useEffect(() => {
    const down = (event: KeyboardEvent) => {
      if (event.key !== 'Tab') return;
      tabbing.current = true;
      // The focus moves during the key's default action, before this task ends.
      setTimeout(() => (tabbing.current = false), 0);
    };
    window.addEventListener('keydown', down, true);
    return () => window.removeEventListener('keydown', down, true);
  }, []);
  return tabbing;
}
