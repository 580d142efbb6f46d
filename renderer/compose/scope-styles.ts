/**
 * A quoted message's style sheets, confined to its quote. In the reader a message has a document of its
 * own (a sandboxed frame); in the composer the quote is part of the page the user writes in, so a
 * newsletter's `body { background: … }` or `td { font: … }` would restyle the whole composer and the
 * user's own text. Every selector is rewritten to start at the quote's container (`.homing-cite-x7 td`),
 * `html`/`body`/`:root` become the container itself, and @media/@supports blocks are scoped inside. The
 * browser's own CSS parser reads the sheet (CSSStyleSheet), so what is rewritten is what it would apply.
 *
 * The other way round, the composer page's own styles must not reach into the quote: its class names
 * (`button`, `banner`, `chip`: names mail uses too) would restyle the message. So the quote's class names
 * and ids get a prefix (`hq-button`), in its markup and in its rules alike.
 *
 * The rules stay in a <style> inside the quote while the user writes (the real cascade, editable); when the
 * message is sent, the engine inlines them (electron/mime/outgoing-body.ts), and the scoped selectors
 * still match there because the container and its class travel with the message.
 */

/** Splits a selector list at its top-level commas (not those inside :is(a, b) or [title="a,b"]). */
export function splitSelectorList(list: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote: string | null = null;
  let current = '';
  for (let i = 0; i < list.length; i++) {
    const c = list[i]!;
    if (quote) {
      current += c;
      if (c === '\\' && i + 1 < list.length) current += list[++i]!;
      else if (c === quote) quote = null;
      continue;
    }
    if (c === '"' || c === "'") quote = c;
    else if (c === '(' || c === '[') depth++;
    else if ((c === ')' || c === ']') && depth > 0) depth--;
    else if (c === ',' && depth === 0) {
      parts.push(current.trim());
      current = '';
      continue;
    }
    current += c;
  }
  if (current.trim()) parts.push(current.trim());
  return parts;
}

/** The compound at the start of a selector (`body.x` in `body.x > td`) and the rest after its combinator. */
function firstCompound(selector: string): { compound: string; rest: string } {
  const match = /^((?:[^\s>+~([]|\([^)]*\)|\[[^\]]*\])+)\s*([>+~]?)\s*(.*)$/s.exec(selector);
  if (!match) return { compound: selector, rest: '' };
  return { compound: match[1]!, rest: match[2] ? `${match[2]} ${match[3]!}` : match[3]! };
}

/** What the quote's class names and ids are prefixed with, so none is one of the composer page's own. */
export const QUOTE_NAME_PREFIX = 'hq-';

/**
 * `.button:hover > #top` → `.hq-button:hover > #hq-top`: class and id selectors renamed as the quote's
 * markup is (renameQuoteNames), leaving attribute selectors and strings as they are.
 */
export function prefixNames(selector: string, prefix: string = QUOTE_NAME_PREFIX): string {
  let out = '';
  let quote: string | null = null;
  let bracket = 0;
  for (let i = 0; i < selector.length; i++) {
    const c = selector[i]!;
    if (quote) {
      out += c;
      if (c === '\\' && i + 1 < selector.length) out += selector[++i]!;
      else if (c === quote) quote = null;
      continue;
    }
    if (c === '"' || c === "'") quote = c;
    else if (c === '[') bracket++;
    else if (c === ']' && bracket > 0) bracket--;
    else if (c === '\\' && i + 1 < selector.length) {
      out += c + selector[++i]!;
      continue;
    } else if ((c === '.' || c === '#') && bracket === 0 && /[-_a-zA-Z\u00a0-\uffff\\]/.test(selector[i + 1] ?? '')) {
      out += c + prefix;
      continue;
    }
    out += c;
  }
  return out;
}

/** Prefixes every class name and id in the quote (and the `#id` links to them), as its rules are. */
export function renameQuoteNames(container: Element, prefix: string = QUOTE_NAME_PREFIX): void {
  for (const element of Array.from(container.querySelectorAll('[class], [id], a[href^="#"]'))) {
    const classes = element.getAttribute('class');
    if (classes !== null) element.setAttribute('class', classes.split(/\s+/).filter(Boolean).map((c) => prefix + c).join(' '));
    const id = element.getAttribute('id');
    if (id !== null) element.setAttribute('id', prefix + id);
    const href = element.getAttribute('href');
    if (href !== null && href.startsWith('#') && href.length > 1) element.setAttribute('href', `#${prefix}${href.slice(1)}`);
  }
}

/** One selector made to start at `scope` (a class selector like `.homing-cite-x7`). */
export function scopeSelector(selector: string, scope: string): string {
  let { compound, rest } = firstCompound(selector.trim());
  if (/^(html|:root)(?![\w-])/i.test(compound)) {
    // `html body td`, `html > body`, `:root`: what follows html is inside the quote.
    if (!rest) return scope;
    ({ compound, rest } = firstCompound(rest.replace(/^>\s*/, '')));
  }
  if (/^body(?![\w-])/i.test(compound)) {
    const qualifiers = compound.slice(4);
    return rest ? `${scope}${qualifiers} ${rest}` : `${scope}${qualifiers}`;
  }
  return rest ? `${scope} ${compound} ${rest}` : `${scope} ${compound}`;
}

type Rules = ArrayLike<CSSRule>;

function scopeRules(rules: Rules, scope: string, win: typeof globalThis): string[] {
  const out: string[] = [];
  for (let i = 0; i < rules.length; i++) {
    const rule = rules[i]!;
    if (rule instanceof win.CSSStyleRule) {
      const selectors = splitSelectorList(rule.selectorText).map((s) => scopeSelector(prefixNames(s), scope));
      out.push(`${selectors.join(', ')} { ${rule.style.cssText} }`);
    } else if (rule instanceof win.CSSMediaRule) {
      out.push(`@media ${rule.media.mediaText} { ${scopeRules(rule.cssRules, scope, win).join(' ')} }`);
    } else if (rule instanceof win.CSSSupportsRule) {
      out.push(`@supports ${rule.conditionText} { ${scopeRules(rule.cssRules, scope, win).join(' ')} }`);
    } else if (rule instanceof win.CSSFontFaceRule || rule instanceof win.CSSKeyframesRule) {
      // Remote fonts were already dropped by the sanitiser; these name nothing outside the quote.
      out.push(rule.cssText);
    }
    // @page, @layer, @namespace and anything newer: nothing a quote needs, and unscoped they could leak.
  }
  return out;
}

/**
 * Rewrites every <style> under `container` to apply only inside elements of class `scopeClass`, and
 * prefixes the names it uses (the caller renames the markup with renameQuoteNames).
 */
export function scopeStyleElements(container: ParentNode, scopeClass: string, win: Window & typeof globalThis = window): void {
  for (const style of Array.from(container.querySelectorAll('style'))) {
    const sheet = new win.CSSStyleSheet();
    try {
      sheet.replaceSync(style.textContent ?? '');
    } catch {
      style.remove();
      continue;
    }
    style.textContent = scopeRules(sheet.cssRules, `.${scopeClass}`, win).join('\n');
  }
}
