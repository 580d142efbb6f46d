import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../helpers/chromium';
import { appCsp } from '../../electron/app-csp';
import { rendererModuleScript } from '../helpers/renderer-module';

const APP_PAGE = '<!doctype html><html lang="en"><head><title>frame test</title><script src="/app.js"></script></head><body></body></html>';

/**
 * The renderer's mail sanitiser and frame document, run in Debian's Chromium (not a simulated DOM: DOMPurify
 * returns its input unchanged where it cannot work, and only a real browser shows what loads and runs).
 * A loopback canary server counts every request a message manages to make.
 */

const hostile: Array<[name: string, html: string]> = [
  ['script element', `<script>window.top.__pwned='script'</script><p>x</p>`],
  ['event handler', `<img src=x onerror="window.top.__pwned='onerror'">`],
  ['javascript: link', `<a href="javascript:window.top.__pwned='link'">go</a>`],
  ['javascript: with entities', `<a href="jav&#x09;ascript:window.top.__pwned=1">go</a>`],
  ['data: html link', `<a href="data:text/html,<script>window.top.__pwned=1</script>">go</a>`],
  ['svg script', `<svg><script>window.top.__pwned='svg'</script></svg>`],
  ['svg onload', `<svg onload="window.top.__pwned='svgload'"></svg>`],
  ['iframe', `<iframe src="CANARY/iframe"></iframe>`],
  ['iframe srcdoc', `<iframe srcdoc="<script>parent.__pwned=1</script>"></iframe>`],
  ['object', `<object data="CANARY/object"></object>`],
  ['embed', `<embed src="CANARY/embed">`],
  ['form', `<form action="CANARY/form"><input name=p><button>go</button></form>`],
  ['meta refresh', `<meta http-equiv="refresh" content="0;url=CANARY/refresh">`],
  ['base href', `<base href="CANARY/base/"><img src="a.png">`],
  ['link stylesheet', `<link rel=stylesheet href="CANARY/link.css">`],
  ['style import', `<style>@import url(CANARY/import.css);</style>`],
  ['style background', `<style>body{background:url("CANARY/bg.png")}</style>`],
  ['inline style url', `<div style="background-image:url(CANARY/inline.png)">x</div>`],
  ['css escape in url', `<div style="background:url(CANA\\52 Y/escaped.png)">x</div>`],
  ['font-face', `<style>@font-face{font-family:f;src:url(CANARY/font.woff)}body{font-family:f}</style>`],
  ['tracking pixel', `<img src="CANARY/pixel.gif" width=1 height=1>`],
  ['protocol-relative img', `<img src="//127.0.0.1:PORT/relative.gif">`],
  ['srcset', `<img srcset="CANARY/srcset.png 1x">`],
  ['background attribute', `<table background="CANARY/table.png"><tr><td>x</td></tr></table>`],
  ['video poster', `<video poster="CANARY/poster.png" src="CANARY/video.mp4" autoplay></video>`],
  ['audio', `<audio src="CANARY/audio.mp3" autoplay></audio>`],
  ['mXSS namespace confusion', `<math><mtext><table><mglyph><style><img src=x onerror="window.top.__pwned='mxss'"></style></mglyph></table></mtext></math>`],
  ['noscript mXSS', `<noscript><p title="</noscript><img src=x onerror=window.top.__pwned=1>">`],
  ['autofocus onfocus', `<input autofocus onfocus="window.top.__pwned='focus'">`],
  ['details ontoggle', `<details open ontoggle="window.top.__pwned='toggle'"><summary>x</summary></details>`],
  ['body onload', `<body onload="window.top.__pwned='body'">x</body>`],
  // Found by the hostile corpus (test/fixtures/hostile): kept by the CSS pass, stopped only by the frame's CSP.
  ['css url(javascript:)', `<div style="background:url(&#106;avascript:window.top.__pwned=1)">x</div>`],
  ['image-set with a bare string', `<div style="background-image:image-set(&quot;CANARY/image-set.png&quot; 1x)">x</div>`],
  ['@import without a space', `<style>@import"CANARY/nospace.css";</style>`],
  ['escaped url function', `<style>p{background:u\\72l(CANARY/escaped-fn.png)}</style><p>x</p>`],
  ['unclosed url in a style attribute', `<div style="background:url(CANARY/unclosed">x</div>`],
];

describe('mail HTML in Chromium: sanitised, framed, never run, nothing fetched', () => {
  let browser: Browser;
  let page: Page;
  let canary: Server;
  let canaryUrl: string;
  const requests: string[] = [];

  beforeAll(async () => {
    const script = await rendererModuleScript({ sanitize: 'renderer/mail/sanitize-html.ts', frame: 'renderer/mail/frame-document.ts' });
    // The canary also serves a page with the app's own CSP (appCsp), so frames behave as in the app.
    canary = createServer((req, res) => {
      if (req.url === '/app') return void res.writeHead(200, { 'content-type': 'text/html', 'content-security-policy': appCsp() }).end(APP_PAGE);
      if (req.url === '/app.js') return void res.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
      requests.push(req.url ?? '');
      res.writeHead(200, { 'content-type': 'image/gif' }).end();
    });
    await new Promise<void>((resolve) => canary.listen(0, '127.0.0.1', resolve));
    canaryUrl = `http://127.0.0.1:${(canary.address() as AddressInfo).port}`;
    browser = await launchChromium();
    page = await browser.newPage();
    page.on('dialog', (dialog) => {
      requests.push(`dialog:${dialog.message()}`);
      void dialog.dismiss();
    });
    await page.goto(`${canaryUrl}/app`);
    await page.waitForFunction(() => '__homing' in window);
    requests.length = 0;
  });
  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => canary?.close(resolve));
  });

  const render = (html: string, allowRemote: boolean) =>
    page.evaluate(
      async ({ html, allowRemote }) => {
        const w = window as unknown as {
          __homing: {
            sanitize: { sanitizeMailHtml(h: string, o: { allowRemote: boolean; cidUrls: Map<string, string> }): { html: string; remoteBlocked: number } };
            frame: { frameDocument(b: string, o: object): string };
          };
          __pwned?: unknown;
        };
        const clean = w.__homing.sanitize.sanitizeMailHtml(html, { allowRemote, cidUrls: new Map() });
        const iframe = document.createElement('iframe');
        iframe.setAttribute('sandbox', 'allow-popups allow-popups-to-escape-sandbox');
        iframe.srcdoc = w.__homing.frame.frameDocument(clean.html, { kind: 'html', allowRemote, theme: { dark: false }, title: 't' });
        const loaded = new Promise((resolve) => iframe.addEventListener('load', resolve, { once: true }));
        document.body.replaceChildren(iframe);
        await loaded;
        // Give autoplay, lazy images and CSS a moment to try whatever they would try.
        await new Promise((resolve) => setTimeout(resolve, 150));
        return { html: clean.html, remoteBlocked: clean.remoteBlocked, pwned: w.__pwned ?? null };
      },
      { html, allowRemote },
    );

  it.each(hostile)('%s: no script runs, no request leaves, nothing dangerous survives', async (_name, template) => {
    const port = new URL(canaryUrl).port;
    const html = template.replaceAll('CANARY', canaryUrl).replaceAll('PORT', port);
    const result = await render(html, false);
    expect(result.pwned).toBeNull();
    expect(requests).toEqual([]);
    expect(result.html).not.toMatch(/<script|<iframe|<object|<embed|<form|<meta|<base|<link|\son\w+=|javascript:|srcdoc|@import/i);
    expect(result.html).not.toContain(canaryUrl);
  });

  it('control: the same harness sees raw hostile HTML run and fetch (so the checks above can fail)', async () => {
    await page.evaluate(async (canary) => {
      const iframe = document.createElement('iframe');
      // No sandbox and no sanitiser: what the app must never do. (The page's own CSP still blocks scripts.)
      iframe.srcdoc = `<img src="${canary}/control.png"><div style="background:url(${canary}/control-bg.png)">x</div>`;
      const loaded = new Promise((resolve) => iframe.addEventListener('load', resolve, { once: true }));
      document.body.replaceChildren(iframe);
      await loaded;
    }, canaryUrl);
    await expect.poll(() => requests.filter((r) => r.startsWith('/control')).length).toBe(2);
    requests.length = 0;
  });

  it('counts what it blocked, and loads remote images only once allowed', async () => {
    const html = `<p>Hi</p><img src="${canaryUrl}/allowed.png" width=40 height=40><img src="${canaryUrl}/pixel.gif" width=1 height=1>`;
    const blocked = await render(html, false);
    expect(blocked.remoteBlocked).toBe(2);
    expect(requests).toEqual([]);
    const allowed = await render(html, true);
    expect(allowed.remoteBlocked).toBe(0);
    await expect.poll(() => requests.filter((r) => r.startsWith('/allowed.png')).length).toBe(1);
    // Scripts stay dead even with remote content allowed.
    requests.length = 0;
    const still = await render(`<img src=x onerror="window.top.__pwned=1"><script>window.top.__pwned=2</script>`, true);
    expect(still.pwned).toBeNull();
  });

  it('allowing remote content allows images only: remote fonts and stylesheets stay out', async () => {
    const html = `<style>@font-face{font-family:f;src:url(${canaryUrl}/allowed-font.woff)}@import"${canaryUrl}/allowed.css";p{font-family:f}</style><p>x</p>`;
    const result = await render(html, true);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(result.html).not.toContain(canaryUrl);
    expect(requests).toEqual([]);
  });

  it('rewrites links to open outside the frame, and drops links that are not web or mail', async () => {
    const result = await render(`<a href="https://example.org/a">a</a><a href="mailto:x@example.org">m</a><a href="file:///etc/passwd">f</a>`, false);
    const doc = new DOMParserLike(result.html);
    expect(doc.anchors).toEqual([
      { href: 'https://example.org/a', target: '_blank', rel: 'noopener noreferrer' },
      { href: 'mailto:x@example.org', target: '_blank', rel: 'noopener noreferrer' },
      { href: null, target: '_blank', rel: 'noopener noreferrer' },
    ]);
  });

  it('shows inline cid: images from data: URLs and keeps the frame CSP first in its document', async () => {
    const png = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==';
    const out = await page.evaluate((png) => {
      const w = window as unknown as { __homing: { sanitize: { sanitizeMailHtml(h: string, o: object): { html: string } }; frame: { frameDocument(b: string, o: object): string } } };
      const clean = w.__homing.sanitize.sanitizeMailHtml('<img src="cid:Logo.1@Example"><img src="cid:missing@x">', {
        allowRemote: false,
        cidUrls: new Map([['logo.1@example', png]]),
      });
      return { html: clean.html, doc: w.__homing.frame.frameDocument(clean.html, { kind: 'html', allowRemote: false, theme: { dark: false }, title: 't' }) };
    }, png);
    expect(out.html).toContain(`src="${png}"`);
    expect(out.html).not.toContain('cid:');
    expect(out.doc.indexOf('Content-Security-Policy')).toBeLessThan(out.doc.indexOf('<body>'));
    expect(out.doc.indexOf('Content-Security-Policy')).toBeLessThan(out.doc.indexOf('<style>'));
  });
});

/** Reads anchors out of sanitised markup with a regex-free walk in Node (the markup is DOMPurify's, well-formed). */
class DOMParserLike {
  readonly anchors: Array<{ href: string | null; target: string | null; rel: string | null }>;
  constructor(html: string) {
    this.anchors = [...html.matchAll(/<a\b([^>]*)>/g)].map((m) => {
      const attr = (name: string) => new RegExp(`\\s${name}="([^"]*)"`).exec(m[1]!)?.[1] ?? null;
      return { href: attr('href'), target: attr('target'), rel: attr('rel') };
    });
  }
}
