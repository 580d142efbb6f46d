import { escapeHtml } from '../mail/frame-document';
import { normaliseContentId } from '../mail/sanitize-html';

/**
 * The two forms of a message's HTML in the composer:
 * - stored and sent (ComposeContent.html): remote images with their real addresses, pictures of the
 *   message itself as `cid:` references to attachments (multipart/related);
 * - shown in the editor: those pictures as data: URLs (the page loads nothing else), remote images
 *   "parked" (address kept in `data-homing-src`, a transparent placeholder shown) until the user allows
 *   remote content for this message.
 * toDisplay and toOutput turn one into the other; a draft saved and reopened comes back the same.
 */

/** A 1×1 transparent GIF: a parked image keeps its box (width/height attributes) and loads nothing. */
export const PARKED_IMAGE = 'data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7';
const PARKED_ATTR = 'data-homing-src';
/** A style attribute, a <style> element's text or a `background` attribute with remote URLs, as the message had it. */
const PARKED_STYLE = 'data-homing-style';
const PARKED_CSS = 'data-homing-css';
const PARKED_BACKGROUND = 'data-homing-background';
/** CSS url(…) in any of its spellings (the sanitiser has written them as url("…") already), and quoted remote strings (image-set). */
const CSS_URL = /url\(\s*(?:"([^"]*)"|'([^']*)'|([^)"']*))\s*\)/gi;
const CSS_REMOTE_STRING = /(["'])\s*(?:https?:)?\/\/[^"']*\1/gi;

/** CSS with every remote reference made inert: url(none), an empty string. */
function inertCss(css: string): string {
  return css
    .replace(CSS_URL, (match, double?: string, single?: string, bare?: string) => (REMOTE.test(double ?? single ?? bare ?? '') ? 'none' : match))
    .replace(CSS_REMOTE_STRING, '""');
}
const hasRemoteCss = (css: string) => inertCss(css) !== css;
/** A parked image with no size of its own: hidden, as the reader hides such a blocked image (a tracking pixel, usually). */
const HIDDEN_ATTR = 'data-homing-hidden';
const REMOTE = /^\s*(https?:)?\/\//i;

export interface InlineImage {
  contentId: string;
  filename: string;
  contentType: string;
  base64: string;
}

/**
 * Makes stored HTML (already sanitised and parsed) ready for the editor, in place. Without the user's
 * consent nothing remote is even asked for: images are parked, and CSS backgrounds, list markers and
 * cursors (style attributes, <style> elements, `background` attributes) are made inert, each kept as it
 * was beside it for toOutput. The page's policy would refuse them anyway; this way the browser never tries.
 */
export function toDisplay(root: ParentNode, options: { allowRemote: boolean; cidUrls: ReadonlyMap<string, string> }): { parked: number } {
  let parked = 0;
  if (!options.allowRemote) {
    for (const element of Array.from(root.querySelectorAll('[style], [background]'))) {
      const style = element.getAttribute('style');
      if (style !== null && hasRemoteCss(style)) {
        element.setAttribute(PARKED_STYLE, style);
        element.setAttribute('style', inertCss(style));
      }
      const background = element.getAttribute('background');
      if (background !== null && REMOTE.test(background)) {
        element.setAttribute(PARKED_BACKGROUND, background);
        element.removeAttribute('background');
      }
    }
    for (const sheet of Array.from(root.querySelectorAll('style'))) {
      const css = sheet.textContent ?? '';
      if (!hasRemoteCss(css)) continue;
      sheet.setAttribute(PARKED_CSS, css);
      sheet.textContent = inertCss(css);
    }
  }
  for (const img of Array.from(root.querySelectorAll('img'))) {
    const src = img.getAttribute('src') ?? '';
    if (/^\s*cid:/i.test(src)) {
      const url = options.cidUrls.get(normaliseContentId(src.replace(/^\s*cid:/i, '')));
      if (url) img.setAttribute('src', url);
    } else if (REMOTE.test(src) && !options.allowRemote) {
      img.setAttribute(PARKED_ATTR, src);
      img.setAttribute('src', PARKED_IMAGE);
      const sized = Number(img.getAttribute('width')) * Number(img.getAttribute('height')) > 4 || /(^|;)\s*(width|height)\s*:/i.test(img.getAttribute('style') ?? '');
      if (!sized) img.setAttribute(HIDDEN_ATTR, '');
      parked++;
    }
  }
  return { parked };
}

/** Remote images (pictures, and CSS backgrounds) held back in the editor that the user could load. */
export const parkedCount = (root: ParentNode) =>
  root.querySelectorAll(`img[${PARKED_ATTR}], [${PARKED_STYLE}], [${PARKED_BACKGROUND}], style[${PARKED_CSS}]`).length;

const DATA_IMAGE = /^data:(image\/[\w.+-]+);base64,([A-Za-z0-9+/=\s]+)$/;

const extension = (type: string) => ({ 'image/jpeg': 'jpg', 'image/svg+xml': 'svg' })[type] ?? type.replace(/^image\//, '').replace(/\W.*$/, '');

/**
 * The editor's HTML as it is stored and sent: parked images get their address back, pictures in data: URLs
 * become `cid:` references to inline attachments (the same picture twice is attached once). `ids` keeps
 * each picture's Content-ID across autosaves, so a draft saved twice names its parts the same.
 */
export function toOutput(editorHtml: string, ids: Map<string, string> = new Map(), doc: Document = document): { html: string; images: InlineImage[] } {
  const template = doc.createElement('template');
  template.innerHTML = editorHtml;
  const images = new Map<string, InlineImage>();
  for (const element of Array.from(template.content.querySelectorAll(`[${PARKED_STYLE}], [${PARKED_BACKGROUND}], style[${PARKED_CSS}]`))) {
    const style = element.getAttribute(PARKED_STYLE);
    if (style !== null) element.setAttribute('style', style);
    const background = element.getAttribute(PARKED_BACKGROUND);
    if (background !== null) element.setAttribute('background', background);
    const css = element.getAttribute(PARKED_CSS);
    if (css !== null) element.textContent = css;
    for (const name of [PARKED_STYLE, PARKED_BACKGROUND, PARKED_CSS]) element.removeAttribute(name);
  }
  for (const img of Array.from(template.content.querySelectorAll('img'))) {
    const parkedSrc = img.getAttribute(PARKED_ATTR);
    if (parkedSrc !== null) {
      img.setAttribute('src', parkedSrc);
      img.removeAttribute(PARKED_ATTR);
      img.removeAttribute(HIDDEN_ATTR);
      continue;
    }
    const src = img.getAttribute('src') ?? '';
    const data = DATA_IMAGE.exec(src);
    if (!data) continue;
    let contentId = ids.get(src);
    if (!contentId) {
      contentId = `image${ids.size + 1}.${randomToken()}@homing`;
      ids.set(src, contentId);
    }
    if (!images.has(contentId)) {
      const type = data[1]!.toLowerCase();
      images.set(contentId, { contentId, filename: `image${images.size + 1}.${extension(type)}`, contentType: type, base64: data[2]!.replace(/\s+/g, '') });
    }
    img.setAttribute('src', `cid:${contentId}`);
  }
  return { html: template.innerHTML, images: [...images.values()] };
}

function randomToken(): string {
  const bytes = new Uint8Array(6);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

// ——— Plain text ——————————————————————————————————————————————————————————————————————————————

const BLOCKS = new Set([
  'ADDRESS', 'ARTICLE', 'ASIDE', 'BLOCKQUOTE', 'CENTER', 'DD', 'DIV', 'DL', 'DT', 'FIGCAPTION', 'FIGURE', 'FOOTER', 'H1', 'H2', 'H3', 'H4',
  'H5', 'H6', 'HEADER', 'HR', 'LI', 'MAIN', 'NAV', 'OL', 'P', 'PRE', 'SECTION', 'TABLE', 'TBODY', 'TFOOT', 'THEAD', 'TR', 'UL',
]);
const SKIP = new Set(['STYLE', 'SCRIPT', 'HEAD', 'TEMPLATE', 'TITLE']);

/**
 * What the editor shows, as plain text: one line per block, an empty line per empty block, quotes as
 * `>` lines (depth as `>>`), links as `text <url>` when the text is not the address. Used when the user
 * switches a message to plain text, and as the `text` of HTML drafts.
 */
export function plainTextOf(root: Node): string {
  const lines: Array<{ depth: number; text: string }> = [];
  let current = '';
  let depth = 0;
  let pre = 0;
  const flush = (force: boolean) => {
    let text = pre > 0 ? current : current.replace(/[ \t\u00a0]+/g, ' ').trim();
    // The signature separator keeps its space: a bare "--" no longer tells the recipient's client where the signature starts.
    if (text === '--' && /^\s*--[ \u00a0]/.test(current)) text = '-- ';
    if (force || text !== '') lines.push({ depth, text });
    current = '';
  };
  const walk = (node: Node) => {
    if (node.nodeType === 3) {
      current += pre > 0 ? node.nodeValue : (node.nodeValue ?? '').replace(/\s+/g, ' ');
      return;
    }
    if (node.nodeType !== 1 && node.nodeType !== 11) return;
    const element = node as Element;
    const tag = node.nodeType === 1 ? element.tagName : '';
    if (SKIP.has(tag)) return;
    if (tag === 'BR') return flush(true);
    if (tag === 'IMG') {
      current += element.getAttribute('alt') ?? '';
      return;
    }
    const block = BLOCKS.has(tag);
    if (block) flush(false);
    if (tag === 'BLOCKQUOTE') depth++;
    if (tag === 'PRE') pre++;
    if (tag === 'LI') current += element.parentElement?.tagName === 'OL' ? `${Array.from(element.parentElement.children).indexOf(element) + 1}. ` : '* ';
    for (const child of Array.from(node.childNodes)) walk(child);
    if (tag === 'A') {
      const href = element.getAttribute('href') ?? '';
      const text = element.textContent?.trim() ?? '';
      if (/^(https?|mailto):/i.test(href) && href.replace(/^mailto:/i, '') !== text) current += ` <${href}>`;
    }
    if (tag === 'PRE') pre--;
    if (block) flush(false);
    if (tag === 'BLOCKQUOTE') depth--;
  };
  walk(root);
  flush(false);
  // Text of a <pre> (a plain-text original quoted) keeps its line breaks: each of its lines is quoted.
  return lines
    .flatMap(({ depth: d, text }) => text.split('\n').map((line) => (d > 0 ? `${'>'.repeat(d)}${line ? ` ${line}` : ''}` : line)))
    .join('\n');
}

/** Plain text as editor blocks: a <div> per line (<div><br></div> when empty), `>` lines as nested quotes. */
export function textToEditorHtml(text: string): string {
  const out: string[] = [];
  let open = 0;
  for (const line of text.replace(/\r\n?/g, '\n').split('\n')) {
    const markers = /^>(?: ?>)*/.exec(line);
    const depth = markers ? markers[0].split('>').length - 1 : 0;
    const content = markers ? line.slice(markers[0].length).replace(/^ /, '') : line;
    while (open < depth) {
      out.push('<blockquote type="cite">');
      open++;
    }
    while (open > depth) {
      out.push('</blockquote>');
      open--;
    }
    out.push(content ? `<div>${escapeHtml(content)}</div>` : '<div><br></div>');
  }
  while (open-- > 0) out.push('</blockquote>');
  return out.join('');
}
