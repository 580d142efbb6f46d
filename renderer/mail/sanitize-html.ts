import createDOMPurify, { type Config } from 'dompurify';

export interface SanitizeOptions {
  /** The user allowed remote content for this message or its sender. */
  allowRemote: boolean;
  /** `cid:` references (Content-ID without angle brackets, lowercased) → data: URLs of the inline parts. */
  cidUrls: ReadonlyMap<string, string>;
}

export interface SanitizedHtml {
  /** Safe markup for the body of the message frame. */
  html: string;
  /** How many remote references (images, backgrounds, CSS url()) were blocked; 0 when remote content is allowed. */
  remoteBlocked: number;
}

/**
 * Tags removed with their content on top of DOMPurify's defaults. Forms could post data anywhere (and
 * phish inside a trusted window); media, frames and embeds load remote resources; `svg`/`math` are left
 * out by the html-only profile because mail has no legitimate use for script-capable vector markup.
 */
const FORBID_TAGS = [
  'form', 'input', 'button', 'select', 'option', 'optgroup', 'textarea', 'datalist', 'output', 'fieldset', 'label',
  'audio', 'video', 'source', 'track', 'picture', 'iframe', 'frame', 'frameset', 'object', 'embed', 'applet',
  'link', 'meta', 'base', 'portal', 'dialog', 'template', 'slot', 'noscript',
];
/** Attributes that navigate, submit or fetch by themselves (srcset is rewritten, never kept). */
const FORBID_ATTR = ['action', 'formaction', 'ping', 'srcset', 'srcdoc', 'xlink:href', 'http-equiv', 'autofocus', 'tabindex'];
/** Attributes that load a URL when the element renders. */
const FETCHING_ATTRS = ['src', 'background', 'poster', 'dynsrc', 'lowsrc'];

/** A 1×1 transparent GIF. */
const BLANK_GIF = 'data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7';

const REMOTE_URL = /^\s*(https?:)?\/\//i;
/** CSS url(...) in a style attribute or a style element: quoted either way, or bare. */
const CSS_URL = /url\(\s*(?:"([^"]*)"|'([^']*)'|([^)"']*))\s*\)/gi;
/** A quoted remote URL outside url(): image-set("https://…" 1x) loads it as an image (CSS Images 4 §2.2). */
const CSS_REMOTE_STRING = /(["'])\s*(?:https?:)?\/\/[^"']*\1/gi;
/** CSS @import pulls a remote stylesheet; dropped whatever the setting (the app's own CSP refuses remote CSS anyway). `@import"x"` needs no space. */
const CSS_IMPORT = /@import\b[^;]*;?/gi;
/** Links may leave the app only to these schemes (the shell makes the same decision: window-policy.ts). */
const LINK_SCHEMES = /^\s*(https?:|mailto:)/i;

const config: Config = {
  USE_PROFILES: { html: true },
  FORBID_TAGS,
  FORBID_ATTR,
  // Mail often starts with <html><head><style>: without FORCE_BODY the parser would drop head styles.
  FORCE_BODY: true,
  ALLOW_DATA_ATTR: false,
  ALLOW_ARIA_ATTR: true,
  SANITIZE_DOM: true,
  KEEP_CONTENT: true,
};

/**
 * Mail HTML made safe to show in the message frame: DOMPurify (never a home-made sanitiser: Mailspring's
 * CVE-2023-47479), then our own pass that blocks remote content, resolves `cid:` images and makes every
 * link open outside the app. The result is still shown ONLY inside a sandboxed frame with its own CSP
 * (frame-document.ts): this function is one of three independent layers, not the only one.
 *
 * Throws when the browser cannot run DOMPurify: it then returns input unchanged, so we fail closed.
 */
export function sanitizeMailHtml(dirty: string, options: SanitizeOptions, win: Window & typeof globalThis = window): SanitizedHtml {
  const purify = createDOMPurify(win);
  if (!purify.isSupported) throw new Error('The HTML sanitiser is not supported in this browser.');
  let remoteBlocked = 0;

  const cleanCss = (css: string): string => {
    let out = css.replace(CSS_IMPORT, () => {
      remoteBlocked += options.allowRemote ? 0 : 1;
      return '';
    });
    // Only data: images, and remote images once allowed: a relative url() would resolve against the app's own
    // origin (a srcdoc frame has its parent's base URL), and javascript:, cid: or file: mean nothing here.
    out = out.replace(CSS_URL, (match, double?: string, single?: string, bare?: string) => {
      const target = double ?? single ?? bare ?? '';
      if (/^\s*data:image\//i.test(target)) return match;
      if (REMOTE_URL.test(target)) {
        if (options.allowRemote) return match;
        remoteBlocked += 1;
      }
      return 'none';
    });
    if (!options.allowRemote) {
      out = out.replace(CSS_REMOTE_STRING, () => {
        remoteBlocked += 1;
        return '""';
      });
    }
    return out;
  };

  purify.addHook('uponSanitizeElement', (node, data) => {
    if (data.tagName === 'style' && node.textContent) node.textContent = cleanCss(canonicalSheet(node.textContent, win));
  });

  purify.addHook('afterSanitizeAttributes', (node) => {
    const element = node as Element;
    for (const name of FETCHING_ATTRS) {
      const value = element.getAttribute(name);
      if (value === null) continue;
      if (/^\s*cid:/i.test(value)) {
        const url = options.cidUrls.get(normaliseContentId(value.replace(/^\s*cid:/i, '')));
        if (url) element.setAttribute(name, url);
        else element.removeAttribute(name);
      } else if (REMOTE_URL.test(value)) {
        if (!options.allowRemote) {
          remoteBlocked += 1;
          // A transparent pixel in its place: the box keeps its size (keepBox) without a broken-image icon.
          if (element.tagName === 'IMG' && name === 'src') element.setAttribute(name, BLANK_GIF);
          else element.removeAttribute(name);
          element.setAttribute('data-homing-blocked', '');
          keepBox(element);
        } else if (/^\s*\/\//.test(value)) {
          element.setAttribute(name, `https:${value.trim()}`);
        }
      } else if (!/^\s*data:image\//i.test(value)) {
        element.removeAttribute(name);
      }
    }
    const style = element.getAttribute('style');
    if (style !== null) element.setAttribute('style', cleanCss(canonicalDeclarations(element, style)));
    if (element.tagName === 'A' || element.tagName === 'AREA') {
      const href = element.getAttribute('href');
      if (href !== null && !LINK_SCHEMES.test(href)) element.removeAttribute('href');
      // A sandboxed frame may not navigate itself away from the message (the app's frame-src refuses it)
      // nor the app (no allow-top-navigation): a link can only open a new window, which the shell routes.
      element.setAttribute('target', '_blank');
      element.setAttribute('rel', 'noopener noreferrer');
    }
  });

  const html = purify.sanitize(dirty, config) as string;
  purify.removeAllHooks();
  return { html, remoteBlocked };
}

/**
 * CSS as the browser itself reads it, written out again: escapes resolved (`u\72l(` is `url(`), every URL
 * as `url("…")`, unclosed functions closed, @import and remote @font-face dropped. The regex
 * pass in cleanCss then sees exactly what the browser would load, not what the sender typed. Found by the
 * hostile corpus (test/fixtures/hostile/html/h13-css-url.eml), where only the frame's CSP stopped these.
 */
function canonicalSheet(css: string, win: Window & typeof globalThis): string {
  try {
    const sheet = new win.CSSStyleSheet();
    sheet.replaceSync(css);
    // A remote font never loads, whatever the setting (the frame's CSP has font-src data:): drop the rule.
    const kept = Array.from(sheet.cssRules).filter((rule) => !(rule instanceof win.CSSFontFaceRule && /url\(\s*["']?\s*(https?:)?\/\//i.test(rule.cssText)));
    return kept.map((rule) => rule.cssText).join('\n');
  } catch {
    return '';
  }
}

/** A style attribute as the browser parsed it (see canonicalSheet); without a style object, kept only when it has no escapes. */
function canonicalDeclarations(element: Element, fallback: string): string {
  const style = (element as Partial<ElementCSSInlineStyle>).style;
  return style ? style.cssText : fallback.includes('\\') ? '' : fallback;
}

/**
 * A blocked image keeps the size its attributes give it (as an empty, hatched box), so the layout of the
 * message does not collapse; a 1×1 tracking pixel simply disappears.
 */
function keepBox(element: Element): void {
  if (element.tagName !== 'IMG') return;
  const width = Number.parseInt(element.getAttribute('width') ?? '', 10);
  const height = Number.parseInt(element.getAttribute('height') ?? '', 10);
  if (width > 0 && height > 0 && width * height > 4) {
    const existing = element.getAttribute('style') ?? '';
    element.setAttribute('style', `${existing};width:${width}px;height:${height}px;max-width:100%`);
  } else {
    element.setAttribute('style', 'display:none');
  }
}

/** `<Part.1@x>` and `part.1@x` name the same part: Content-IDs compare without brackets, case-insensitively. */
export function normaliseContentId(contentId: string): string {
  let id = contentId.trim();
  try {
    id = decodeURIComponent(id);
  } catch {
    // A malformed escape: keep the id as written.
  }
  return id.replace(/^</, '').replace(/>$/, '').toLowerCase();
}
