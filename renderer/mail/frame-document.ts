/**
 * The document inside a message frame. Its own CSP is the last of three layers (after DOMPurify and the
 * frame's `sandbox` without allow-scripts): nothing may load but inline styles and images from data:
 * (inline `cid:` parts are turned into data: URLs) until the user allows remote content, and then only
 * remote images. A srcdoc frame also inherits the app page's policy, so both apply and the stricter wins.
 */
export function frameCsp(allowRemote: boolean): string {
  return [
    "default-src 'none'",
    "script-src 'none'",
    // Remote content, once allowed, means images only: a remote stylesheet or font is never fetched (the app's
    // policy refuses them too, but this document must not depend on it; the hostile corpus's h14 tries both).
    "style-src 'unsafe-inline'",
    allowRemote ? 'img-src data: blob: https: http:' : 'img-src data: blob:',
    'font-src data:',
    "media-src 'none'",
    "object-src 'none'",
    "frame-src 'none'",
    "connect-src 'none'",
    "form-action 'none'",
    "base-uri 'none'",
  ].join('; ');
}

export interface FrameTheme {
  dark: boolean;
}

/**
 * Base styles: mail is written for a white page, so HTML mail keeps a light canvas even in dark mode
 * (as Apple Mail and Thunderbird do); plain text follows the theme. Blocked images keep their box.
 */
function baseCss(kind: 'html' | 'text', theme: FrameTheme): string {
  const dark = kind === 'text' && theme.dark;
  return `
:root { color-scheme: ${dark ? 'dark' : 'light'}; }
html, body { margin: 0; }
body { padding: 16px 20px 24px; font: 14px/1.5 system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif;
  color: ${dark ? '#e4e6ea' : '#1d1f23'}; background: ${dark ? '#1c1e22' : '#ffffff'}; overflow-wrap: anywhere; }
img { max-width: 100%; height: auto; }
img[data-homing-blocked] { background: repeating-linear-gradient(45deg, #0000 0 6px, #8882 6px 12px); border-radius: 3px; color: transparent; }
a { color: ${dark ? '#7fb2ff' : '#0b57d0'}; }
pre.homing-text { margin: 0; white-space: pre-wrap; font: inherit; }
pre.homing-source { margin: 0; white-space: pre-wrap; word-break: break-all; font: 12px/1.5 ui-monospace, 'DejaVu Sans Mono', monospace; }
blockquote.homing-quote { margin: 0 0 0 2px; padding-left: 10px; border-left: 3px solid ${dark ? '#4a5060' : '#c9ced6'}; color: ${dark ? '#b7bcc6' : '#4c5361'}; }
`;
}

/** The complete srcdoc: CSP first (a meta policy governs only what the parser meets after it). */
export function frameDocument(body: string, options: { kind: 'html' | 'text' | 'source'; allowRemote: boolean; theme: FrameTheme; title: string }): string {
  const kind = options.kind === 'html' ? 'html' : 'text';
  return (
    '<!doctype html><html><head>' +
    `<meta http-equiv="Content-Security-Policy" content="${escapeHtml(frameCsp(options.kind === 'html' && options.allowRemote))}">` +
    '<meta charset="utf-8"><meta name="referrer" content="no-referrer">' +
    `<title>${escapeHtml(options.title)}</title>` +
    `<style>${baseCss(kind, options.theme)}</style>` +
    `</head><body>${body}</body></html>`
  );
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

const URL_IN_TEXT = /\b(https?:\/\/[^\s<>"']+[^\s<>"'.,;:!?)\]])/g;

/**
 * Plain text as frame markup: escaped, links made clickable (they open outside like any link), quoted
 * lines ("> …", RFC 3676 §4.5) set off. Plain text goes through the same frame as HTML so there is one
 * path for showing mail.
 */
export function textToFrameHtml(text: string): string {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const out: string[] = [];
  let quote: string[] = [];
  const flush = () => {
    if (quote.length) out.push(`<blockquote class="homing-quote">${quote.join('\n')}</blockquote>`);
    quote = [];
  };
  for (const line of lines) {
    const linked = escapeHtml(line).replace(URL_IN_TEXT, (url) => `<a href="${url}" target="_blank" rel="noopener noreferrer">${url}</a>`);
    if (/^\s*&gt;/.test(linked)) quote.push(linked.replace(/^\s*&gt; ?/, ''));
    else {
      flush();
      out.push(linked);
    }
  }
  flush();
  return `<pre class="homing-text">${out.join('\n')}</pre>`;
}
