import Squire from 'squire-rte';
import { forwardRef, useEffect, useImperativeHandle, useRef } from 'react';
import { sanitizeMailHtml } from '../../mail/sanitize-html';
import { toDisplay } from '../../compose/editor-html';
import { parseFragment, QUOTE_CLASS, QUOTE_STYLE } from '../../compose/quote-html';

/**
 * The rich-text editor: Squire (squire-rte), whose document is plain HTML that it edits in place rather
 * than a model it re-renders, so quoted and forwarded mail keeps its markup. Chosen by the round trip of
 * real Outlook, Gmail and Apple Mail HTML through the quote (test/e2e/compose-quote.test.ts).
 *
 * Everything that enters the editor (a draft, a pasted fragment, a signature) goes through the reader's
 * sanitiser first (Squire's `sanitizeToDOMFragment`), and the page's Content-Security-Policy runs no
 * script and loads nothing remote whatever gets through. A quote container (`.homing-quote`) is put in
 * place as nodes, not through Squire's setHTML: Squire's tidying of pasted markup drops <style> and
 * unwraps blocks it does not know (<center>), which is right for a paste and wrong for the message being
 * answered.
 */

/** HTML pasted above this size goes in as plain text: sanitising and laying out megabytes of Word markup froze the window. */
export const MAX_PASTED_HTML_CHARS = 1_000_000;

export type FormatCommand = 'bold' | 'italic' | 'underline' | 'bulleted-list' | 'numbered-list' | 'quote' | 'unquote' | 'clear-formatting';

export interface RichEditorHandle {
  /** The editor's markup (display form: see compose/editor-html.ts). */
  html(): string;
  root(): HTMLElement | null;
  focus(): void;
  command(name: FormatCommand): void;
  makeLink(url: string): void;
  insertImage(dataUrl: string): void;
  /** Replaces the signature block (`.homing-signature`) with this markup, or removes it (null). */
  replaceSignature(html: string | null): void;
  /** Inserts plain text at the cursor. */
  insertText(text: string): void;
}

export interface EditorContent {
  /** Sanitised-on-entry markup for the part the user writes (and a signature). */
  html: string;
  /** Quote containers to put after (or before) it, already sanitised and scoped. */
  quote: DocumentFragment | null;
  /** The quote goes first ("reply below the quote"). */
  quoteFirst: boolean;
  /** Signature markup put after the quote (signature below the quote); null when none or above. */
  signatureAfterQuote: string | null;
}

export interface RichEditorProps {
  initial: EditorContent;
  allowRemote: boolean;
  /** `cid:` → data: URLs of the draft's inline pictures. */
  cidUrls: ReadonlyMap<string, string>;
  label: string;
  onChange(): void;
  /** A paste too large for formatting went in as plain text. */
  onLargePaste(chars: number): void;
  /** Pictures pasted (or dropped into the text): the composer reads them and calls insertImage. */
  onPictures(files: File[]): void;
}

/**
 * The sanitiser as Squire needs it: markup in, inert nodes of this document out, pictures of the message
 * (`cid:`) shown from their data, remote images parked. Remote addresses survive the sanitiser
 * (allowRemote: true) so that they are sent as they were; the page's policy is what keeps them from loading.
 */
function sanitizeForEditor(html: string, allowRemote: boolean, cidUrls: ReadonlyMap<string, string>): DocumentFragment {
  const fragment = parseFragment(sanitizeMailHtml(html, { allowRemote: true, cidUrls }).html);
  toDisplay(fragment, { allowRemote, cidUrls });
  return fragment;
}

/** Top-level quote containers of a stored body, taken out and replaced by placeholders, so Squire's tidying passes them by. */
function liftQuotes(fragment: DocumentFragment): { rest: string; quotes: Element[] } {
  const quotes: Element[] = [];
  for (const container of Array.from(fragment.querySelectorAll(`.${QUOTE_CLASS}`))) {
    if (container.parentElement?.closest(`.${QUOTE_CLASS}`)) continue;
    const slot = document.createElement('div');
    slot.className = 'homing-quote-slot';
    slot.dataset.index = String(quotes.length);
    container.replaceWith(slot);
    quotes.push(container);
  }
  const holder = document.createElement('div');
  holder.append(fragment);
  return { rest: holder.innerHTML, quotes };
}

export const RichEditor = forwardRef<RichEditorHandle, RichEditorProps>(function RichEditor(props, ref) {
  const rootRef = useRef<HTMLDivElement>(null);
  const editorRef = useRef<Squire | null>(null);
  const propsRef = useRef(props);
  useEffect(() => {
    propsRef.current = props;
  });

  useEffect(() => {
    const root = rootRef.current;
    if (!root) return;
    const { allowRemote, cidUrls } = propsRef.current;
    const editor = new Squire(root, {
      blockTag: 'DIV',
      tagAttributes: { blockquote: { type: 'cite', style: QUOTE_STYLE } },
      // A 1 MB quote is serialised for every undo step; a limit keeps typing in it responsive.
      undo: { documentSizeThreshold: 4_000_000, undoLimit: 100 },
      sanitizeToDOMFragment: (html: string) => sanitizeForEditor(html, allowRemote, cidUrls),
      didError: () => undefined,
    });
    editorRef.current = editor;
    load(editor, root, propsRef.current.initial, allowRemote, cidUrls);
    editor.addEventListener('input', () => propsRef.current.onChange());
    editor.addEventListener('pasteImage', (event: Event) => {
      const data = (event as CustomEvent<{ clipboardData: DataTransfer }>).detail.clipboardData;
      const files = Array.from(data.files).filter((f) => f.type.startsWith('image/'));
      if (files.length) propsRef.current.onPictures(files);
    });
    // Before Squire's own paste handler (bubbling on the root): a huge HTML paste goes in as text.
    const onPaste = (event: ClipboardEvent) => {
      const html = event.clipboardData?.getData('text/html') ?? '';
      if (html.length <= MAX_PASTED_HTML_CHARS) return;
      event.preventDefault();
      event.stopImmediatePropagation();
      const text = event.clipboardData?.getData('text/plain') || (new DOMParser().parseFromString(html, 'text/html').body.textContent ?? '');
      propsRef.current.onLargePaste(html.length);
      editor.insertPlainText(text, true);
    };
    const onDrop = (event: DragEvent) => {
      const files = Array.from(event.dataTransfer?.files ?? []);
      if (!files.length) return;
      const pictures = files.filter((f) => f.type.startsWith('image/'));
      if (pictures.length !== files.length) return; // other files: the composer attaches them
      event.preventDefault();
      event.stopImmediatePropagation();
      propsRef.current.onPictures(pictures);
    };
    root.addEventListener('paste', onPaste, true);
    root.addEventListener('drop', onDrop, true);
    return () => {
      root.removeEventListener('paste', onPaste, true);
      root.removeEventListener('drop', onDrop, true);
      editor.destroy();
      editorRef.current = null;
    };
    // The editor is made once per mount; the composer remounts it (key) to start over.
  }, []);

  useImperativeHandle(ref, () => ({
    html: () => editorRef.current?.getHTML() ?? '',
    root: () => rootRef.current,
    focus: () => editorRef.current?.focus(),
    command(name) {
      const editor = editorRef.current;
      if (!editor) return;
      const actions: Record<FormatCommand, () => void> = {
        bold: () => (editor.hasFormat('B') ? editor.removeBold() : editor.bold()),
        italic: () => (editor.hasFormat('I') ? editor.removeItalic() : editor.italic()),
        underline: () => (editor.hasFormat('U') ? editor.removeUnderline() : editor.underline()),
        'bulleted-list': () => (editor.hasFormat('UL') ? editor.removeList() : editor.makeUnorderedList()),
        'numbered-list': () => (editor.hasFormat('OL') ? editor.removeList() : editor.makeOrderedList()),
        quote: () => editor.increaseQuoteLevel(),
        unquote: () => editor.decreaseQuoteLevel(),
        'clear-formatting': () => editor.removeAllFormatting(),
      };
      actions[name]();
      editor.focus();
    },
    makeLink(url) {
      editorRef.current?.makeLink(url, { target: '_blank', rel: 'noopener noreferrer' });
    },
    insertImage(dataUrl) {
      editorRef.current?.insertImage(dataUrl, { alt: '', style: 'max-width:100%' });
    },
    replaceSignature(html) {
      const editor = editorRef.current;
      const root = rootRef.current;
      if (!editor || !root) return;
      editor.modifyDocument(() => {
        const old = root.querySelector(':scope > .homing-signature');
        const next = html === null ? null : signatureBlock(html, propsRef.current.allowRemote);
        if (old && next) old.replaceWith(next);
        else if (old) old.remove();
        else if (next) {
          const quote = root.querySelector(`:scope > .${QUOTE_CLASS}, :scope > .homing-attribution`);
          if (quote) quote.before(next);
          else root.append(next);
        }
      });
      editor.saveUndoState();
      propsRef.current.onChange();
    },
    insertText(text) {
      editorRef.current?.insertPlainText(text, false);
    },
  }));

  return (
    <div
      ref={rootRef}
      className="editor-canvas"
      role="textbox"
      aria-multiline="true"
      aria-label={props.label}
      data-testid="compose-editor"
      spellCheck
    />
  );
});

/** The signature as a block of its own (`-- ` line first, RFC 3676's separator), found again to swap identities. */
export function signatureBlock(html: string, allowRemote: boolean): HTMLElement {
  const block = document.createElement('div');
  block.className = 'homing-signature';
  block.append(sanitizeForEditor(`<div>-- </div>${html}`, allowRemote, new Map()));
  return block;
}

function load(editor: Squire, root: HTMLElement, initial: EditorContent, allowRemote: boolean, cidUrls: ReadonlyMap<string, string>): void {
  // Sanitised once here; the quotes are lifted out before Squire's setHTML (which sanitises the rest again
  // and parks its images), and parked here.
  const { rest, quotes } = liftQuotes(parseFragment(sanitizeMailHtml(initial.html, { allowRemote: true, cidUrls }).html));
  for (const quote of quotes) toDisplay(quote, { allowRemote, cidUrls });
  if (initial.quote) toDisplay(initial.quote, { allowRemote, cidUrls });
  editor.setHTML(rest || '<div><br></div>');
  editor.modifyDocument(() => {
    for (const slot of Array.from(root.querySelectorAll<HTMLElement>('.homing-quote-slot'))) {
      const quote = quotes[Number(slot.dataset.index)];
      if (quote) slot.replaceWith(quote);
      else slot.remove();
    }
    if (initial.quote) {
      if (initial.quoteFirst) root.prepend(initial.quote);
      else root.append(initial.quote);
    }
    if (initial.signatureAfterQuote !== null) root.append(signatureBlock(initial.signatureAfterQuote, allowRemote));
  });
  // The loaded message is where undo stops: undoing never takes the quote away. (Squire's undo fields are
  // public in its typings; resetting them is what its own setHTML does.)
  editor._undoIndex = -1;
  editor._undoStack.length = 0;
  editor._undoStackLength = 0;
  editor._isInUndoState = false;
  // The user starts writing in the first line of their part: after the quote when it comes first.
  const start = initial.quoteFirst ? (root.querySelector(`:scope > .${QUOTE_CLASS}`)?.nextElementSibling ?? root.lastElementChild) : root.firstElementChild;
  const range = document.createRange();
  range.setStart(start ?? root, 0);
  range.collapse(true);
  editor.saveUndoState(range);
  editor.setSelection(range);
}
