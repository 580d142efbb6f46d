import type { HtmlToTextOptions } from 'html-to-text';
import { htmlToText, juice } from './lazy-modules';
import { encodeFlowed, FLOWED_CONTENT_TYPE } from './format-flowed';

/**
 * The body of an outgoing message as it goes on the wire, made once when the message is built (the engine
 * calls this beside nodemailer's MailComposer; the CLI's `send` takes the same path):
 * - plain-text mail: the typed text as `format=flowed` (format-flowed.ts);
 * - HTML mail: the composer's HTML with its CSS inlined (juice), in a complete document, and a text/plain
 *   alternative made from that HTML (html-to-text: links shown as `text [url]`, quotes as `> ` lines),
 *   itself sent flowed and so wrapped at 72.
 *
 * Why here and not in the composer: juice and html-to-text are Node libraries (cheerio and htmlparser2);
 * inlining once at build time keeps the composer's document live and editable (the quoted message keeps
 * its scoped <style> while the user writes, so what they see is the real cascade); and the CLI, which has
 * no composer, builds the same bytes through the same code.
 */
export interface OutgoingBody {
  /** The text/plain part (the only part of plain-text mail, the alternative of HTML mail), flowed, CRLF. */
  text: string;
  /** Its Content-Type, with format=flowed. */
  textContentType: string;
  /** The text/html part: a complete document with inline styles; null for plain-text mail. */
  html: string | null;
}

export interface OutgoingBodyInput {
  /** The typed text of plain-text mail; ignored when `html` is given (the alternative is made from it). */
  text: string;
  html: string | null;
}

/** Above this size inlining is skipped: juice parses the whole page with cheerio, and time and memory grow with it. */
export const MAX_INLINE_CSS_CHARS = 2_000_000;

export function prepareOutgoingBody(input: OutgoingBodyInput): OutgoingBody {
  if (input.html === null) return { text: encodeFlowed(input.text), textContentType: FLOWED_CONTENT_TYPE, html: null };
  return {
    text: encodeFlowed(htmlToPlainAlternative(input.html)),
    textContentType: FLOWED_CONTENT_TYPE,
    html: inlineCss(htmlDocument(input.html)),
  };
}

/**
 * A complete document around the composer's body markup (it hands over what goes inside <body>). A
 * complete document already (a draft written by another client) is kept as it is.
 */
export function htmlDocument(body: string): string {
  if (/^\s*(<!doctype[^>]*>\s*)?<html[\s>]/i.test(body)) return body;
  return (
    '<!DOCTYPE html>\n<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"></head>\n' +
    `<body>${body}</body></html>\n`
  );
}

/**
 * Styles from <style> elements copied onto the elements they match, because several mail clients (Gmail's
 * web and apps among them for much of a message) drop <style> blocks. Media queries and @font-face stay in
 * a <style> (they cannot be inlined; clients that keep them use them). Width and height from CSS also go to
 * the attributes of tables, cells and images, for Outlook, which lays tables out from those.
 */
export function inlineCss(html: string): string {
  if (html.length > MAX_INLINE_CSS_CHARS || !/<style[\s>]/i.test(html)) return html;
  return juice()(html, {
    applyStyleTags: true,
    removeStyleTags: true,
    preserveMediaQueries: true,
    preserveFontFaces: true,
    preserveImportant: true,
    preserveKeyFrames: false,
    applyWidthAttributes: true,
    applyHeightAttributes: true,
    applyAttributesTableElements: true,
    insertPreservedExtraCss: true,
    inlinePseudoElements: false,
    resolveCSSVariables: true,
    xmlMode: false,
  });
}

const plainOptions: HtmlToTextOptions = {
  // format=flowed does the wrapping (at 72, with soft breaks a reader can re-flow).
  wordwrap: false,
  selectors: [
    { selector: 'a', options: { hideLinkHrefIfSameAsText: true, ignoreHref: false, noAnchorUrl: true } },
    // An image says what it shows, if it says anything; its address (often cid: or a tracker) is noise.
    { selector: 'img', format: 'skip' },
    { selector: 'h1', options: { uppercase: false } },
    { selector: 'h2', options: { uppercase: false } },
    { selector: 'h3', options: { uppercase: false } },
    { selector: 'h4', options: { uppercase: false } },
    { selector: 'h5', options: { uppercase: false } },
    { selector: 'h6', options: { uppercase: false } },
    { selector: 'th', options: { uppercase: false } },
    { selector: 'table', format: 'block' },
    { selector: 'tr', format: 'block' },
    { selector: 'td', format: 'inline' },
    { selector: 'th', format: 'inline' },
    { selector: 'blockquote', options: { trimEmptyLines: true } },
    { selector: 'style', format: 'skip' },
    { selector: 'head', format: 'skip' },
  ],
};

/**
 * A block holding only a line break is how the composer writes an empty line (`<div><br></div>`);
 * html-to-text would give it the block's own breaks plus the <br>'s, two empty lines for one. A zero-width
 * space in its place makes it one line with nothing on it (removed again below).
 */
const EMPTY_LINE_BLOCK = /<(div|p)(\s[^>]*)?>\s*<br\s*\/?>\s*<\/\1\s*>/gi;

/**
 * The signature separator as a block of its own (`<div>-- </div>`, the composer's signature block; the space
 * may be a no-break space). html-to-text trims the space, and a bare `--` is not a separator any more, so
 * the block's text is marked (U+2063) and written back as `-- ` once the lines are trimmed.
 */
const SIGNATURE_BLOCK = /<(div|p)(\s[^>]*)?>\s*--(?: |&nbsp;|&#160;|\u00a0)\s*<\/\1\s*>/gi;
const SIGNATURE_MARK = '--\u2063';

/** The text/plain alternative of HTML mail, before flowed encoding. */
export function htmlToPlainAlternative(html: string): string {
  return htmlToText().convert(html.replace(EMPTY_LINE_BLOCK, '<$1$2>\u200b</$1>').replace(SIGNATURE_BLOCK, `<$1$2>${SIGNATURE_MARK}</$1>`), plainOptions)
    .replace(/\u200b/g, '')
    .replace(/[ \t]+$/gm, '')
    .replace(new RegExp(`${SIGNATURE_MARK}$`, 'gm'), '-- ');
}
