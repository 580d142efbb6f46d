import { type ClipboardEvent, type KeyboardEvent, useEffect, useId, useRef, useState } from 'react';
import { readAddressList, formatAddress, type TypedAddress } from '../../../shared/address-list';
import type { ContactSuggestion } from '../../../shared/contract/contacts';
import { Icon } from '../Icon';

/** A recipient as typed: shown as a chip, kept exactly as the user wrote it (`raw`) even when it is not an address. */
export interface RecipientChip extends TypedAddress {
  key: number;
}

let nextKey = 1;
export const toChips = (typed: TypedAddress[]): RecipientChip[] => typed.map((t) => ({ ...t, key: nextKey++ }));
export const chipsOf = (recipients: Array<{ name: string; address: string }>): RecipientChip[] =>
  toChips(recipients.map((r) => ({ raw: formatAddress(r), name: r.name, address: r.address })));

export interface RecipientFieldProps {
  label: string;
  chips: RecipientChip[];
  onChange(chips: RecipientChip[]): void;
  suggest(prefix: string): Promise<ContactSuggestion[]>;
  /** "Remove this suggestion". */
  onForget(address: string): void;
  autoFocus?: boolean;
}

/** True when `text` has an unquoted `,` or `;` (or a line break): what was typed before it is complete. */
const hasSeparator = (text: string) => {
  let quoted = false;
  for (const c of text) {
    if (c === '"') quoted = !quoted;
    else if (!quoted && (c === ',' || c === ';' || c === '\n')) return true;
  }
  return false;
};

/**
 * To, Cc or Bcc: chips for what is complete, a text field for what is being typed, and suggestions from the
 * contacts (WAI-ARIA combobox with a listbox popup). Commas, semicolons, Enter and Tab complete an address;
 * a pasted list becomes as many chips. Nothing typed is ever rewritten: a piece that is not an address stays
 * as a chip marked as such, and Backspace in the empty field (or a click on a chip) turns it back into text.
 */
export function RecipientField({ label, chips, onChange, suggest, onForget, autoFocus }: RecipientFieldProps) {
  const [text, setText] = useState('');
  const [suggestions, setSuggestions] = useState<ContactSuggestion[]>([]);
  const [active, setActive] = useState(-1);
  const [open, setOpen] = useState(false);
  const inputRef = useRef<HTMLInputElement>(null);
  const id = useId();
  const listId = `${id}-suggestions`;
  const chipsRef = useRef(chips);
  useEffect(() => {
    chipsRef.current = chips;
  });

  // Suggestions for what is being typed, newest query wins.
  useEffect(() => {
    const prefix = text.trim();
    if (prefix.length === 0 || hasSeparator(text)) return;
    let live = true;
    const timer = setTimeout(() => {
      suggest(prefix).then(
        (found) => {
          if (!live) return;
          const taken = new Set(chipsRef.current.map((c) => c.address?.toLowerCase()));
          setSuggestions(found.filter((s) => !taken.has(s.address.toLowerCase())));
          setActive(-1);
          setOpen(true);
        },
        () => live && setSuggestions([]),
      );
    }, 60);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [text, suggest]);

  const commitText = (value: string) => {
    if (value.trim() === '') return;
    onChange([...chipsRef.current, ...toChips(readAddressList(value))]);
  };
  const commitSuggestion = (s: ContactSuggestion) => {
    onChange([...chipsRef.current, ...chipsOf([{ name: s.name, address: s.address }])]);
    setText('');
    setSuggestions([]);
    setOpen(false);
    inputRef.current?.focus();
  };
  const forget = (s: ContactSuggestion) => {
    onForget(s.address);
    setSuggestions((list) => list.filter((x) => x.address !== s.address));
    setActive(-1);
  };
  const edit = (chip: RecipientChip) => {
    onChange(chipsRef.current.filter((c) => c.key !== chip.key));
    commitText(text);
    setText(chip.raw);
    inputRef.current?.focus();
  };

  const changeText = (value: string) => {
    if (hasSeparator(value)) {
      // Everything up to the last separator is complete; the rest is still being typed.
      const cut = Math.max(value.lastIndexOf(','), value.lastIndexOf(';'), value.lastIndexOf('\n'));
      const tail = value.slice(cut + 1);
      const quotedTail = (tail.match(/"/g)?.length ?? 0) % 2 === 1;
      if (!quotedTail) {
        commitText(value.slice(0, cut));
        setText(tail.trimStart());
        setOpen(false);
        return;
      }
    }
    setText(value);
    if (value.trim() === '') {
      setSuggestions([]);
      setOpen(false);
    }
  };

  const keyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    const shown = open && suggestions.length > 0;
    if (event.key === 'ArrowDown' && shown) {
      setActive((a) => (a + 1) % suggestions.length);
    } else if (event.key === 'ArrowUp' && shown) {
      setActive((a) => (a <= 0 ? suggestions.length - 1 : a - 1));
    } else if (event.key === 'Delete' && event.shiftKey && shown && active >= 0) {
      forget(suggestions[active]!);
    } else if (event.key === 'Escape' && shown) {
      setOpen(false);
    } else if ((event.key === 'Enter' || event.key === 'Tab') && shown && active >= 0) {
      commitSuggestion(suggestions[active]!);
    } else if ((event.key === 'Enter' || (event.key === 'Tab' && !event.shiftKey)) && text.trim() !== '') {
      commitText(text);
      setText('');
      setOpen(false);
      if (event.key === 'Tab') return;
    } else if (event.key === 'Backspace' && text === '' && chips.length > 0) {
      edit(chips[chips.length - 1]!);
    } else {
      return;
    }
    event.preventDefault();
  };

  const paste = (event: ClipboardEvent<HTMLInputElement>) => {
    const pasted = event.clipboardData.getData('text/plain');
    if (!hasSeparator(pasted)) return;
    event.preventDefault();
    commitText(text + pasted);
    setText('');
  };

  const activeId = open && active >= 0 ? `${id}-option-${active}` : undefined;
  const invalid = chips.filter((c) => c.address === null).length;
  return (
    <div className="recipient-field" onClick={() => inputRef.current?.focus()}>
      <label className="compose-label" htmlFor={`${id}-input`}>
        {label}
      </label>
      <ul className="chips" aria-label={`${label} recipients`}>
        {chips.map((chip) => (
          <li key={chip.key} className={`chip ${chip.address === null ? 'invalid' : ''}`} title={chip.address === null ? `“${chip.raw}” is not an e-mail address` : chip.raw}>
            <button type="button" className="chip-text" onClick={(e) => (e.stopPropagation(), edit(chip))} aria-label={`Edit ${chip.raw}`}>
              {chip.address === null ? <Icon name="alert" size={12} /> : null}
              {chip.name || chip.address || chip.raw}
            </button>
            <button
              type="button"
              className="chip-remove"
              aria-label={`Remove ${chip.raw}`}
              onClick={(e) => {
                e.stopPropagation();
                onChange(chipsRef.current.filter((c) => c.key !== chip.key));
              }}
            >
              <Icon name="x" size={11} />
            </button>
          </li>
        ))}
      </ul>
      <div className="recipient-input-wrap">
        <input
          ref={inputRef}
          id={`${id}-input`}
          className="recipient-input"
          type="text"
          role="combobox"
          aria-autocomplete="list"
          aria-expanded={open && suggestions.length > 0}
          aria-controls={listId}
          aria-activedescendant={activeId}
          aria-invalid={invalid > 0 ? true : undefined}
          aria-describedby={invalid > 0 ? `${id}-invalid` : undefined}
          autoComplete="off"
          spellCheck={false}
          autoFocus={autoFocus}
          value={text}
          onChange={(e) => changeText(e.target.value)}
          onKeyDown={keyDown}
          onPaste={paste}
          onBlur={() => {
            // A click on a suggestion arrives after the blur: let it land first.
            setTimeout(() => {
              if (document.activeElement?.closest(`#${CSS.escape(listId)}`)) return;
              setOpen(false);
              if (inputRef.current && inputRef.current.value.trim() !== '') {
                commitText(inputRef.current.value);
                setText('');
              }
            }, 150);
          }}
        />
        {open && suggestions.length > 0 && (
          <ul id={listId} className="suggestions" role="listbox" aria-label={`Suggestions for ${label}`} aria-describedby={`${id}-forget-hint`}>
            {suggestions.map((s, i) => (
              <li
                key={s.address}
                id={`${id}-option-${i}`}
                role="option"
                aria-selected={i === active}
                className={i === active ? 'active' : ''}
                onMouseDown={(e) => {
                  e.preventDefault();
                  commitSuggestion(s);
                }}
              >
                <span className="suggestion-name">{s.name || s.address}</span>
                {s.name && <span className="suggestion-address muted">{s.address}</span>}
                {/* A control inside an option is not allowed (ARIA): the mouse gets this mark, the keyboard Shift+Delete. */}
                <span
                  className="suggestion-forget"
                  aria-hidden="true"
                  title="Remove this suggestion"
                  onMouseDown={(e) => {
                    e.preventDefault();
                    e.stopPropagation();
                    forget(s);
                  }}
                >
                  <Icon name="x" size={11} />
                </span>
              </li>
            ))}
          </ul>
        )}
      </div>
      <span id={`${id}-forget-hint`} className="visually-hidden">
        Shift+Delete removes the highlighted suggestion.
      </span>
      {invalid > 0 && (
        <span id={`${id}-invalid`} className="visually-hidden">
          {invalid === 1 ? 'One recipient is not an e-mail address.' : `${invalid} recipients are not e-mail addresses.`}
        </span>
      )}
    </div>
  );
}
