import { readFile, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composerCsp } from '../../electron/app-csp';
import { prepareOutgoingBody } from '../../electron/mime/outgoing-body';
import { launchChromium } from '../helpers/chromium';
import { rendererModuleScript } from '../helpers/renderer-module';

/**
 * Why the composer's editor is Squire, and the proof that quoting keeps mail as it was written: real
 * Outlook, Gmail and Apple Mail HTML (and a newsletter, and broken markup) in test/fixtures/compose/ is
 * quoted into the editor in Chromium, under the composer page's own CSP and styles, then saved and
 * reopened as a draft would be, then sent (CSS inlined by the engine's outgoing-body.ts) and read back
 * through the reader. Each time the quote is laid out against the original as the reader shows it: every
 * run of text must have the same words, in the same order, in the same font, size, weight, style and
 * colour, on the same background, at the same place (±2 px). Paragraphs stay paragraphs (Mailspring turned
 * Outlook's <p> into <div>+<br>, #559) and tables stay tables.
 *
 * Squire keeps the document as the HTML it edits in place, which is what lets this pass; editors that
 * re-model the document (ProseMirror, TipTap, Slate) rebuild it from their own schema, which drops what the
 * schema does not know (tables, <center>, class-scoped styles). The control at the end shows that even
 * Squire's own import (setHTML, meant for pastes) breaks a newsletter's layout, which is why the quote is
 * put in as nodes.
 */

const fixtures = ['outlook', 'gmail', 'apple-mail', 'newsletter', 'broken'] as const;
const fixtureHtml = (name: string) => readFileSync(join(import.meta.dirname, '..', 'fixtures', 'compose', `${name}.html`), 'utf8');
const stylesDir = join(import.meta.dirname, '..', '..', 'renderer', 'styles');

/** The editor's width: wider than the newsletter's 620 px breakpoint, so its media query applies on neither side. */
const EDITOR_WIDTH = 760;

const PAGE = `<!doctype html><html lang="en"><head><title>quote test</title>
<link rel="icon" href="data:,"><link rel="stylesheet" href="/styles/compose-app.css"><script src="/app.js"></script></head>
<body><div id="root" style="height:auto;overflow:visible"><div id="slot"></div></div></body></html>`;

interface Run {
  text: string;
  font: string;
  size: string;
  weight: string;
  style: string;
  color: string;
  background: string;
  x: number;
  y: number;
  width: number;
}

interface Measured {
  runs: Run[];
  paragraphs: number;
  tables: number;
  html: string;
}

describe('quoting real mail in the composer keeps its layout (Squire, in Chromium)', () => {
  let browser: Browser;
  let page: Page;
  let server: Server;
  let origin: string;
  const requests: string[] = [];
  const errors: string[] = [];

  beforeAll(async () => {
    const script = await rendererModuleScript({
      squire: 'renderer/compose/squire-editor.ts',
      quote: 'renderer/compose/quote-html.ts',
      editorHtml: 'renderer/compose/editor-html.ts',
      sanitize: 'renderer/mail/sanitize-html.ts',
      frame: 'renderer/mail/frame-document.ts',
    });
    server = createServer((req, res) => {
      const url = req.url ?? '/';
      if (url === '/') return void res.writeHead(200, { 'content-type': 'text/html', 'content-security-policy': composerCsp({ remoteImages: false }) }).end(PAGE);
      if (url === '/app.js') return void res.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
      if (url.startsWith('/styles/')) {
        const path = normalize(join(stylesDir, url.slice('/styles/'.length)));
        if (path.startsWith(stylesDir) && extname(path) === '.css') {
          return void readFile(path, (error, body) => (error ? res.writeHead(404).end() : res.writeHead(200, { 'content-type': 'text/css' }).end(body)));
        }
      }
      requests.push(url);
      res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('request', (request) => {
      const url = request.url();
      if (!url.startsWith('data:') && !url.startsWith(origin)) requests.push(url);
    });
    await page.goto(origin);
    await page.waitForFunction(() => '__homing' in window);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => server?.close(resolve));
  });

  /**
   * In the page: quotes `html` into a fresh editor (`mode: 'quote'`), or loads stored markup as a reopened
   * draft (`mode: 'draft'`), or — the control — imports the quote through Squire's setHTML (`mode: 'setHTML'`).
   * Returns the editor's markup and the measured quote, and lays the reference out beside it.
   */
  const inEditor = (html: string, mode: 'quote' | 'draft' | 'setHTML') =>
    page.evaluate(
      ({ html, mode, width }) => {
        type Squire = { getHTML(): string; setHTML(h: string): void; getRoot(): HTMLElement };
        const h = (window as unknown as { __homing: Record<string, Record<string, (...args: never[]) => unknown>> }).__homing;
        const slot = document.getElementById('slot')!;
        slot.innerHTML = `<div class="composer" style="height:auto"><div class="compose-body"><div class="editor-canvas" style="flex:none;width:${width}px"></div></div></div>`;
        const root = slot.querySelector<HTMLElement>('.editor-canvas')!;
        const setup = { allowRemote: false, cidUrls: new Map() };
        const editor = (h.squire!.createEditor as (r: HTMLElement, s: object) => Squire)(root, setup);
        const original = { messageId: 1, from: { name: 'Ann Example', address: 'ann@example.org' }, to: [], cc: [], date: '2025-10-02T15:40:00Z', subject: 's', text: null, html };
        if (mode === 'draft') {
          (h.squire!.loadContent as (e: Squire, c: object, s: object) => void)(editor, { html, quote: null, quoteFirst: false, signatureAfterQuote: null }, setup);
        } else if (mode === 'quote') {
          const built = (h.quote!.buildHtmlQuote as (o: object, m: string, x: object) => { nodes: DocumentFragment })(original, 'reply', { cidUrls: new Map() });
          (h.squire!.loadContent as (e: Squire, c: object, s: object) => void)(editor, { html: '<div>My answer.</div>', quote: built.nodes, quoteFirst: false, signatureAfterQuote: null }, setup);
        } else {
          // The control: the whole quote through Squire's own import (what a paste gets).
          const built = (h.quote!.buildHtmlQuote as (o: object, m: string, x: object) => { nodes: DocumentFragment })(original, 'reply', { cidUrls: new Map() });
          const holder = document.createElement('div');
          holder.append(built.nodes);
          editor.setHTML(`<div>My answer.</div>${holder.innerHTML}`);
        }
        return editor.getHTML();
      },
      { html, mode, width: EDITOR_WIDTH },
    );

  /** Measures the quote container in the editor (or the reference frame's body), as runs of text. */
  const measure = (target: 'editor' | 'frame') =>
    page.evaluate((target) => {
      const quoteIn = (root: ParentNode) => root.querySelector<HTMLElement>('.homing-cite');
      let scope: HTMLElement;
      let win: Window;
      if (target === 'editor') {
        const found = quoteIn(document.querySelector('.editor-canvas')!);
        // The control's quote may have lost its container class; then measure the whole canvas after the answer.
        scope = found ?? document.querySelector<HTMLElement>('.editor-canvas')!;
        win = window;
      } else {
        const frame = document.querySelector<HTMLIFrameElement>('#reference')!;
        const doc = frame.contentDocument!;
        scope = quoteIn(doc) ?? doc.body;
        win = frame.contentWindow!;
      }
      const box = scope.getBoundingClientRect();
      const cs = win.getComputedStyle(scope);
      const left = box.left + parseFloat(cs.borderLeftWidth) + parseFloat(cs.paddingLeft);
      const doc = scope.ownerDocument;
      const walker = doc.createTreeWalker(scope, NodeFilter.SHOW_TEXT);
      const runs: Array<Record<string, string | number>> = [];
      let top: number | null = null;
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const text = (node.nodeValue ?? '').replace(/[\s\u00a0]+/g, ' ').trim();
        if (!text || node.parentElement?.closest('style, title, head')) continue;
        if (target === 'editor' && !node.parentElement?.closest('.homing-cite') && scope.classList.contains('editor-canvas')) {
          if (text === 'My answer.' || /wrote:$/.test(text)) continue;
        }
        const range = doc.createRange();
        range.selectNodeContents(node);
        const rect = range.getClientRects()[0];
        if (!rect || rect.width === 0) continue;
        const parent = node.parentElement!;
        const style = win.getComputedStyle(parent);
        let background = 'rgba(0, 0, 0, 0)';
        for (let el: Element | null = parent; el; el = el.parentElement) {
          const bg = win.getComputedStyle(el).backgroundColor;
          if (bg !== 'rgba(0, 0, 0, 0)' && bg !== 'transparent') {
            background = bg;
            break;
          }
        }
        top ??= rect.top;
        runs.push({
          text,
          font: style.fontFamily.split(',')[0]!.replace(/["']/g, '').trim().toLowerCase(),
          size: style.fontSize,
          weight: style.fontWeight,
          style: style.fontStyle,
          color: style.color,
          background,
          x: Math.round(rect.left - left),
          y: Math.round(rect.top - top),
          width: Math.round(rect.width),
        });
      }
      return { runs, paragraphs: scope.querySelectorAll('p').length, tables: scope.querySelectorAll('table').length, html: scope.innerHTML };
    }, target) as unknown as Promise<Measured>;

  /**
   * The reference: `html` as the reader shows it (its sanitiser and frame document, remote images blocked),
   * in a frame whose body is exactly as wide as the quote's content box in the editor.
   */
  const reference = async (html: string) => {
    const width = await page.evaluate(() => {
      const scope = document.querySelector<HTMLElement>('.editor-canvas .homing-cite')!;
      const cs = getComputedStyle(scope);
      return scope.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight);
    });
    await page.evaluate(
      async ({ html, width }) => {
        const h = (window as unknown as { __homing: Record<string, Record<string, (...args: never[]) => unknown>> }).__homing;
        const clean = (h.sanitize!.sanitizeMailHtml as (x: string, o: object) => { html: string })(html, { allowRemote: false, cidUrls: new Map() });
        const frame = document.createElement('iframe');
        frame.id = 'reference';
        // Same-origin so the test can measure it; the sanitiser and the document's own CSP are the reader's.
        frame.setAttribute('sandbox', 'allow-same-origin');
        frame.style.height = '3000px';
        frame.style.border = '0';
        frame.srcdoc = (h.frame!.frameDocument as (b: string, o: object) => string)(clean.html, { kind: 'html', allowRemote: false, theme: { dark: false }, title: 'reference' });
        const loaded = new Promise((resolve) => frame.addEventListener('load', resolve, { once: true }));
        document.getElementById('reference')?.remove();
        document.body.append(frame);
        await loaded;
        const body = frame.contentDocument!.body;
        const cs = frame.contentWindow!.getComputedStyle(body);
        frame.style.width = `${width + parseFloat(cs.paddingLeft) + parseFloat(cs.paddingRight) + parseFloat(cs.marginLeft) + parseFloat(cs.marginRight)}px`;
        await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
      },
      { html, width },
    );
    return measure('frame');
  };

  /** Positions may differ by rounding (±2 px); everything else must be equal. */
  const expectSameLayout = (actual: Run[], expected: Run[], label: string) => {
    expect(actual.map((r) => r.text), `${label}: the words`).toEqual(expected.map((r) => r.text));
    const describe = ({ font, size, weight, style, color, background }: Run) => `${font} ${size} ${weight} ${style} ${color} on ${background}`;
    const restyled = actual.flatMap((r, i) => (describe(r) === describe(expected[i]!) ? [] : [`${r.text.slice(0, 30)}: ${describe(r)} vs ${describe(expected[i]!)}`]));
    expect(restyled.join('\n'), `${label}: type and colour`).toBe('');
    const moved = actual.flatMap((r, i) => {
      const e = expected[i]!;
      return Math.abs(r.x - e.x) > 2 || Math.abs(r.y - e.y) > 2 || Math.abs(r.width - e.width) > 2 ? [`${r.text.slice(0, 30)}: (${r.x},${r.y},${r.width}) vs (${e.x},${e.y},${e.width})`] : [];
    });
    expect(moved.join('\n'), `${label}: positions`).toBe('');
  };

  it.each(fixtures)('%s: quoted, saved and reopened, then sent: the same layout as the reader shows it', async (name) => {
    const html = fixtureHtml(name);
    const quotedEditor = await inEditor(html, 'quote');
    const quoted = await measure('editor');
    const expected = await reference(html);
    expect(expected.runs.length).toBeGreaterThan(3);
    expectSameLayout(quoted.runs, expected.runs, 'quoted');
    expect(quoted.paragraphs, 'paragraphs stay <p>').toBe(expected.paragraphs);
    expect(quoted.tables, 'tables stay tables').toBe(expected.tables);

    // Saved as a draft (the stored form: remote images given back their addresses) and opened again.
    const stored = await page.evaluate((editorHtml) => {
      const h = (window as unknown as { __homing: { editorHtml: { toOutput(x: string): { html: string } } } }).__homing;
      return h.editorHtml.toOutput(editorHtml).html;
    }, quotedEditor);
    expect(stored).not.toContain('data-homing');
    await inEditor(stored, 'draft');
    await page.evaluate(() => document.getElementById('reference')?.remove());
    const reopened = await measure('editor');
    expectSameLayout(reopened.runs, expected.runs, 'reopened draft');
    expect(reopened.paragraphs).toBe(expected.paragraphs);

    // Sent: the engine inlines the CSS (outgoing-body.ts); the recipient's Homing reads it with the reader.
    const sent = prepareOutgoingBody({ text: '', html: stored }).html!;
    // Inlined: what stays in <style> is only what cannot be inlined (media queries, font faces, :link and :hover rules).
    const leftInStyle = [...sent.matchAll(/<style[^>]*>([\s\S]*?)<\/style>/g)].flatMap((m) =>
      m[1]!
        .replace(/@media[^{]*\{(?:[^{}]*\{[^{}]*\})*[^{}]*\}/g, '')
        .replace(/@font-face\s*\{[^}]*\}/g, '')
        .split('}')
        .map((rule) => rule.split('{')[0]!.trim())
        .filter((selector) => selector !== '' && selector.split(',').every((one) => !one.includes(':'))),
    );
    expect(leftInStyle).toEqual([]);
    await inEditor('<div>placeholder</div>', 'draft');
    const received = await referenceOfSent(sent);
    expectSameLayout(received.runs, expected.runs, 'as received');
  });

  /** The sent message as the reader shows it, measured inside its quote container. */
  const referenceOfSent = async (sentHtml: string) => {
    const width = EDITOR_WIDTH - 40;
    await page.evaluate(
      async ({ html, width }) => {
        const h = (window as unknown as { __homing: Record<string, Record<string, (...args: never[]) => unknown>> }).__homing;
        const clean = (h.sanitize!.sanitizeMailHtml as (x: string, o: object) => { html: string })(html, { allowRemote: false, cidUrls: new Map() });
        const frame = document.createElement('iframe');
        frame.id = 'reference';
        frame.setAttribute('sandbox', 'allow-same-origin');
        frame.style.cssText = `height:3000px;border:0;width:${width + 40}px`;
        frame.srcdoc = (h.frame!.frameDocument as (b: string, o: object) => string)(clean.html, { kind: 'html', allowRemote: false, theme: { dark: false }, title: 'sent' });
        const loaded = new Promise((resolve) => frame.addEventListener('load', resolve, { once: true }));
        document.getElementById('reference')?.remove();
        document.body.append(frame);
        await loaded;
      },
      { html: sentHtml, width },
    );
    return measure('frame');
  };

  it('keeps broken markup inside the quote: nothing spills into the answer', async () => {
    const editorHtml = await inEditor(fixtureHtml('broken'), 'quote');
    const placement = await page.evaluate(() => {
      const canvas = document.querySelector('.editor-canvas')!;
      const quote = canvas.querySelector('.homing-cite')!;
      const texts = ['Escaped the quote? This must stay inside it.', 'After the end of the document', 'deep quote without closing tags'];
      return {
        inside: texts.map((t) => quote.textContent!.includes(t)),
        outside: texts.map((t) => Array.from(canvas.children).some((child) => child !== quote && child.textContent!.includes(t))),
        lastIsQuote: canvas.lastElementChild === quote,
      };
    });
    expect(placement).toEqual({ inside: [true, true, true], outside: [false, false, false], lastIsQuote: true });
    expect(editorHtml.indexOf('My answer.')).toBeLessThan(editorHtml.indexOf('homing-cite'));
  });

  it('quoted, the newsletter’s styles stay inside its quote (the answer and the page keep theirs)', async () => {
    await inEditor(fixtureHtml('newsletter'), 'quote');
    const outside = await page.evaluate(() => {
      const answer = document.querySelector('.editor-canvas > div')!;
      return { answerFont: getComputedStyle(answer).fontFamily, answerColor: getComputedStyle(answer).color, pageBackground: getComputedStyle(document.body).backgroundColor };
    });
    expect(outside.answerFont).toMatch(/system-ui/);
    expect(outside.answerColor).toBe('rgb(29, 31, 35)');
    // The newsletter's `body { background-color: #eef1e8 }` became its quote's, not the page's.
    expect(outside.pageBackground).not.toBe('rgb(238, 241, 232)');
    const quoteBackground = await page.evaluate(() => getComputedStyle(document.querySelector('.editor-canvas .homing-cite')!).backgroundColor);
    expect(quoteBackground).toBe('rgb(238, 241, 232)');
  });

  it('loads nothing remote and runs nothing while quoting (the page’s policy and the parking of images)', async () => {
    expect(requests).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('control: Squire’s own import of the same newsletter breaks its layout (so the comparison can fail)', async () => {
    const html = fixtureHtml('newsletter');
    await inEditor(html, 'quote');
    const expected = await reference(html);
    await page.evaluate(() => document.getElementById('reference')?.remove());
    await inEditor(html, 'setHTML');
    const imported = await measure('editor');
    let failed = false;
    try {
      expectSameLayout(imported.runs, expected.runs, 'setHTML');
    } catch {
      failed = true;
    }
    expect(failed).toBe(true);
  });
});
