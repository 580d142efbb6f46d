import { type Ref, useState } from 'react';
import { Icon } from './Icon';

export interface SearchBoxProps {
  /** The query whose results are shown, or null. */
  active: string | null;
  /** Why the active query could not be understood (INVALID_QUERY's message), shown under the field. */
  problem: string | null;
  onSearch(query: string): void;
  onClear(): void;
  inputRef: Ref<HTMLInputElement>;
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
  ['"exact phrase"', 'words in order'],
  ['a OR b', 'either (group with parentheses)'],
  ['-word', 'without it'],
];

/**
 * The search field (role=search). Enter searches every folder with the query language
 * (docs/query-language.md); Escape leaves the results. The syntax is listed under the field while it is
 * focused and empty; a query that could not be understood is explained there, and the field is marked
 * invalid until it changes.
 */
export function SearchBox({ active, problem, onSearch, onClear, inputRef }: SearchBoxProps) {
  const [text, setText] = useState(active ?? '');
  const [shownFor, setShownFor] = useState(active);
  const [focused, setFocused] = useState(false);
  if (shownFor !== active) {
    // The search was cleared or changed elsewhere (a folder was opened): show what is active.
    setShownFor(active);
    setText(active ?? '');
  }
  return (
    <form
      role="search"
      className="search-box"
      onSubmit={(event) => {
        event.preventDefault();
        if (text.trim()) onSearch(text.trim());
        else onClear();
      }}
    >
      <Icon name="search" size={14} className="search-icon" />
      <input
        ref={inputRef}
        type="search"
        aria-label="Search all mail"
        placeholder="Search mail"
        value={text}
        onChange={(event) => setText(event.target.value)}
        onFocus={() => setFocused(true)}
        onBlur={() => setFocused(false)}
        onKeyDown={(event) => {
          if (event.key === 'Escape') {
            event.preventDefault();
            setText('');
            onClear();
            (event.target as HTMLInputElement).blur();
          }
        }}
        autoComplete="off"
        spellCheck={false}
        aria-invalid={problem !== null && text.trim() === active ? true : undefined}
        aria-describedby={problem !== null && text.trim() === active ? 'search-problem' : focused && !text ? 'search-hints' : undefined}
      />
      {text && (
        <button
          type="button"
          className="icon-button search-clear"
          aria-label="Clear search"
          onClick={() => {
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
      {focused && !text && (
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
