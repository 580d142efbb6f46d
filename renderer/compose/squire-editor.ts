import Squire from 'squire-rte';
import { sanitizeMailHtml } from '../mail/sanitize-html';
import { toDisplay } from './editor-html';
import { parseFragment, QUOTE_CLASS, QUOTE_STYLE } from './quote-html';

/**
 * Squire (squire-rte) set up for mail, without React: what enters the editor is sanitised with the
 * reader's rules, quote containers are put in as nodes (see loadContent), and the loaded message is where
 * undo stops. RichEditor.tsx mounts it; the quote round-trip test drives it in Chromium directly.
 */

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

export interface EditorSetup {
  allowRemote: boolean;
  /** `cid:` → data: URLs of the message's own pictures. */
  cidUrls: ReadonlyMap<string, string>;
}

export function createEditor(root: HTMLElement, setup: EditorSetup): Squire {
  return new Squire(root, {
    blockTag: 'DIV',
    tagAttributes: { blockquote: { type: 'cite', style: QUOTE_STYLE } },
    // A 1 MB quote is serialised for every undo step; a limit keeps typing in it responsive.
    undo: { documentSizeThreshold: 4_000_000, undoLimit: 100 },
    sanitizeToDOMFragment: (html: string) => sanitizeForEditor(html, setup.allowRemote, setup.cidUrls),
    didError: () => undefined,
  });
}

/**
 * The sanitiser as Squire needs it: markup in, inert nodes of this document out, pictures of the message
 * (`cid:`) shown from their data, remote images parked. Remote addresses survive the sanitiser
 * (allowRemote: true) so that they are sent as they were; the page's policy is what keeps them from loading.
 */
export function sanitizeForEditor(html: string, allowRemote: boolean, cidUrls: ReadonlyMap<string, string>): DocumentFragment {
  const fragment = parseFragment(sanitizeMailHtml(html, { allowRemote: true, cidUrls }).html);
  toDisplay(fragment, { allowRemote, cidUrls });
  // Into the page only now, its images parked (Squire wants nodes of the editor's document).
  return document.importNode(fragment, true);
}

/** Top-level quote containers of a stored body, taken out and replaced by placeholders, so Squire's tidying passes them by. */
function liftQuotes(fragment: DocumentFragment): { rest: string; quotes: Element[] } {
  const quotes: Element[] = [];
  for (const container of Array.from(fragment.querySelectorAll(`.${QUOTE_CLASS}`))) {
    if (container.parentElement?.closest(`.${QUOTE_CLASS}`)) continue;
    // Classes survive the sanitiser that setHTML runs again (data- attributes do not).
    const slot = fragment.ownerDocument.createElement('div');
    slot.className = `homing-cite-slot homing-cite-slot-${quotes.length}`;
    container.replaceWith(slot);
    quotes.push(container);
  }
  // Serialised from the inert document the nodes came from (see parseFragment).
  const holder = fragment.ownerDocument.createElement('div');
  holder.append(fragment);
  return { rest: holder.innerHTML, quotes };
}

/** The signature as a block of its own (`-- ` line first, RFC 3676's separator), found again to swap identities. */
export function signatureBlock(html: string, allowRemote: boolean): HTMLElement {
  const block = document.createElement('div');
  block.className = 'homing-signature';
  block.append(sanitizeForEditor(`<div>-- </div>${html}`, allowRemote, new Map()));
  return block;
}

/**
 * Puts a message into the editor: the user's part through Squire's setHTML (which tidies it), quote
 * containers as nodes (Squire's tidying of pasted markup drops <style> and unwraps blocks it does not
 * know, such as <center>: right for a paste, wrong for the message being answered).
 */
export function loadContent(editor: Squire, initial: EditorContent, { allowRemote, cidUrls }: EditorSetup): void {
  const root = editor.getRoot();
  // Sanitised once here; the quotes are lifted out before Squire's setHTML (which sanitises the rest again
  // and parks its images), and parked here.
  const { rest, quotes } = liftQuotes(parseFragment(sanitizeMailHtml(initial.html, { allowRemote: true, cidUrls }).html));
  for (const quote of quotes) toDisplay(quote, { allowRemote, cidUrls });
  // A copy: the same content may be loaded again (a remount, React's strict mode) and must still hold the quote.
  const built = initial.quote ? (initial.quote.cloneNode(true) as DocumentFragment) : null;
  if (built) toDisplay(built, { allowRemote, cidUrls });
  editor.setHTML(rest || '<div><br></div>');
  editor.modifyDocument(() => {
    for (const slot of Array.from(root.querySelectorAll<HTMLElement>('.homing-cite-slot'))) {
      const quote = quotes[Number(/homing-cite-slot-(\d+)/.exec(slot.className)?.[1] ?? -1)];
      if (quote) slot.replaceWith(quote);
      else slot.remove();
    }
    if (built) {
      if (initial.quoteFirst) root.prepend(built);
      else root.append(built);
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
  // Squire learns that it has the focus, and puts this selection in, from a focus event. An editor made on
  // a root that already has the focus (made again on the same root: React's strict mode runs the mount
  // twice, the composer focusing the text in between) gets none: it believed itself unfocused, kept this
  // range to itself, and the browser's caret fell to the root's start when setHTML took out the nodes it
  // was in, which is the attribution line when the quote comes first. Focusing again gives it that event.
  if (document.activeElement === root) {
    root.blur();
    editor.focus();
  }
}

/**
 * Plain text inserted as one block per line after the block holding the cursor, without Squire's paste
 * path (which builds markup, sanitises it, detects links and tidies every node: seconds of work for a
 * pasted document of 20,000 lines, all in one task). Text nodes need no sanitising. Used for pastes too
 * large to keep their formatting.
 */
export function insertPlainTextBulk(editor: Squire, text: string): void {
  const root = editor.getRoot();
  const range = editor.getSelection();
  editor.saveUndoState(range);
  const fragment = document.createDocumentFragment();
  let last: HTMLElement | null = null;
  for (const line of text.replace(/\r\n?/g, '\n').split('\n')) {
    const block = document.createElement('div');
    if (line) block.textContent = line;
    else block.append(document.createElement('br'));
    fragment.append(block);
    last = block;
  }
  editor.modifyDocument(() => {
    let at: Node | null = range.startContainer;
    while (at && at.parentNode !== root) at = at.parentNode;
    if (at && at !== root) (at as ChildNode).after(fragment);
    else root.append(fragment);
  });
  if (last) {
    const end = document.createRange();
    end.selectNodeContents(last);
    end.collapse(false);
    editor.setSelection(end);
  }
  editor.saveUndoState();
}
