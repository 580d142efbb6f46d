import type { QuotedOriginal, ResponseMode } from '../../shared/contract/outgoing';
import { escapeHtml, textToFrameHtml } from '../mail/frame-document';
import { sanitizeMailHtml } from '../mail/sanitize-html';
import { attributionLine, forwardHeaderLines } from './quote-text';
import { renameQuoteNames, scopeStyleElements } from './scope-styles';

/**
 * The HTML quote of a reply or inline forward: an attribution line and the original in
 * `<blockquote type="cite" class="homing-cite homing-cite-x7">`, or for a forward the header block and
 * the original in a `<div>` of those classes. The original goes through
 * the reader's sanitiser (DOMPurify plus our rules, renderer/mail/sanitize-html.ts) and is parsed into
 * nodes of its own before it is put in the container, so broken markup (`</blockquote>` too many, an
 * unclosed table) can never close our container and spill into the user's text.
 *
 * Remote references are kept (so the recipient sees the newsletter's images), but the composer page's
 * Content-Security-Policy refuses to load them until the user allows remote content for this message;
 * images are parked meanwhile (editor-html.ts) so they show as placeholders instead of broken icons.
 */

/** The class every quote container has; `homing-cite-<token>` is the one its styles are scoped to (not `homing-quote`: the reader's frame greys that, for plain-text quotes). */
export const QUOTE_CLASS = 'homing-cite';

/** HTML originals larger than this are quoted as their plain text: sanitising and laying out a page that size froze the editor. */
export const MAX_QUOTED_HTML_CHARS = 2_000_000;

/** How a quote is set off (Gmail's rule), inline so the recipient sees it too; Squire's Quote button uses it as well. */
export const QUOTE_STYLE = 'margin:0 0 0 0.8ex;border-left:1px solid #ccc;padding-left:1ex';

/**
 * A plain-text original's lines, quoted as the reader shows them (frame-document.ts's pre.homing-text),
 * inline so the recipient's client does the same: long lines wrap. A bare <pre> kept an unwrapped 700-character
 * line as one line in the composer and in every client the HTML reply reached.
 */
export const PLAIN_QUOTE_STYLE = 'margin:0;white-space:pre-wrap;word-wrap:break-word;overflow-wrap:break-word;font:inherit';

function scopeToken(): string {
  const bytes = new Uint8Array(4);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(36).padStart(2, '0')).join('').slice(0, 7);
}

/**
 * Parses markup into inert nodes: a template's content, owned by the template's own document, where an
 * <img> fetches nothing and no script runs. Nodes only come alive when they are put into the page, so
 * everything that must happen before (sanitising, parking remote images) happens while they are here: an
 * <img> created in the page itself starts loading at once, even before it is attached.
 */
export function parseFragment(html: string, doc: Document = document): DocumentFragment {
  const template = doc.createElement('template');
  template.innerHTML = html;
  return template.content;
}

export interface QuoteOptions {
  /** `cid:` parts of the original as data: URLs (normalised Content-ID → URL). */
  cidUrls: ReadonlyMap<string, string>;
  locale?: string;
}

export interface BuiltQuote {
  /** The attribution line or forward header block, then the quote container (inert: see parseFragment). */
  nodes: DocumentFragment;
  /** Why the original was quoted as plain text, when it was. */
  notice: string | null;
}

/** The quote for `mode`, or null when there is none (a forward as attachment carries the original as .eml). */
export function buildHtmlQuote(original: QuotedOriginal, mode: ResponseMode, options: QuoteOptions, doc: Document = document): BuiltQuote | null {
  if (mode === 'forward-attachment') return null;
  const forward = mode === 'forward-inline';
  let notice: string | null = null;
  let innerHtml: string;
  if (original.html !== null && original.html.length <= MAX_QUOTED_HTML_CHARS) {
    // Remote references kept (allowRemote: true), to be sent as they were; the editor parks them, and the
    // page's policy would refuse them anyway.
    innerHtml = sanitizeMailHtml(original.html, { allowRemote: true, cidUrls: options.cidUrls }).html;
  } else {
    if (original.html !== null) notice = `The original’s formatting is too large to quote (${Math.round(original.html.length / 1_000_000)} MB); it is quoted as plain text.`;
    innerHtml = textToFrameHtml(original.text ?? '');
  }

  const token = scopeToken();
  const inner = parseFragment(innerHtml, doc);
  for (const pre of Array.from(inner.querySelectorAll('pre.homing-text'))) pre.setAttribute('style', PLAIN_QUOTE_STYLE);
  // The original's own quoted lines ('> …'), set off as our quote is.
  for (const quoted of Array.from(inner.querySelectorAll('pre.homing-text blockquote.homing-quote'))) quoted.setAttribute('style', QUOTE_STYLE);
  // Built in the inert document of the parsed nodes; the editor puts it into the page once its images are parked.
  const inert = inner.ownerDocument;
  // A reply's quote is set off as mail clients do (Gmail's rule, kept inline so the recipient sees it too);
  // an inline forward is the message itself under its header block, in a plain container.
  const container = inert.createElement(forward ? 'div' : 'blockquote');
  if (!forward) {
    container.setAttribute('type', 'cite');
    container.setAttribute('style', QUOTE_STYLE);
  }
  container.className = `${QUOTE_CLASS} ${QUOTE_CLASS}-${token}`;
  container.append(inner);
  renameQuoteNames(container);
  scopeStyleElements(container, `${QUOTE_CLASS}-${token}`, doc.defaultView as Window & typeof globalThis);

  const nodes = inert.createDocumentFragment();
  const heading = forward ? forwardHeaderLines(original, options.locale) : [attributionLine(original, options.locale)];
  const head = inert.createElement('div');
  head.className = 'homing-attribution';
  head.innerHTML = heading.map(escapeHtml).join('<br>');
  nodes.append(head, container);
  return { nodes, notice };
}
