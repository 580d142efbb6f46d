/**
 * The composer's part of `npm run bench -- ui`: Debian's Chromium against the real backend (dev-web over the
 * loopback bridge) with an IMAP account on a private Dovecot, synced by `homing sync`. It measures:
 * - new message, open to typing: from Ctrl+N in the mail window to the first character typed into the new
 *   composer's editor being in its document (the composer opens in a tab of its own, as in dev:web);
 * - a reply to a 1 MB HTML message, open to typing: the message shown in the reader, then from Ctrl+R to a
 *   character typed above the quote being in the editor (the quote sanitised, scoped and parked first);
 * - keystroke to paint in a 200 KB draft: the draft reopened from Drafts, 100 letters typed in its middle;
 *   for each, from the keydown event's time stamp to the frame after it (requestAnimationFrame, then a
 *   message-channel task, which runs once that frame is painted). p50, p95 and max.
 * Wall times are taken by the driver (Node's clock around playwright's calls), so they include a few
 * milliseconds of the driver's own round trips; keystroke latencies are taken inside the page.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { bridgeClient } from '../../test/helpers/bridge-client';
import { buildMessage } from '../../test/helpers/ui-corpus';
import { startDovecot } from '../../test/servers/dovecot';

export interface ComposerFigures {
  /** Ctrl+N → first typed character in the editor, ms, each run. */
  newOpenMs: number[];
  /** Ctrl+R on the 1 MB HTML message → first typed character in the editor, ms, each run. */
  replyOpenMs: number[];
  /** Size of that message's HTML part, bytes. */
  replyHtmlBytes: number;
  /** keydown → next painted frame, ms, one per keystroke. */
  keystrokeMs: number[];
  /** Size of the draft's HTML, bytes. */
  draftHtmlBytes: number;
}

export interface ComposerBenchOptions {
  browser: Browser;
  /** Starts dev-web on a data directory; the bench stops it. */
  startDevWeb(dataDir: string): Promise<{ url: string; stop(): Promise<void> }>;
  /** The built `homing` CLI (homing.cjs). */
  cli: string;
  workDir: string;
  runs: number;
  keystrokes?: number;
}

/** A newsletter-like HTML body of about `bytes`: a style sheet, a table layout, articles with links and emphasis. */
export function largeHtml(bytes: number): string {
  const head =
    '<!DOCTYPE html><html><head><meta charset="utf-8"><style>' +
    'body{margin:0;background:#eef1f4;font-family:Georgia,serif}.wrap{width:640px;margin:0 auto;background:#fff}' +
    '.story h2{font:bold 20px Helvetica,Arial,sans-serif;color:#1a3c5a;margin:18px 0 6px}.story p{font-size:15px;line-height:1.5;color:#333}' +
    '.more a{color:#c0392b;text-decoration:none}.meta{font-size:12px;color:#888}' +
    '</style></head><body><table class="wrap" role="presentation" width="640" cellpadding="0" cellspacing="0">\n';
  const parts: string[] = [head];
  let size = head.length;
  for (let i = 1; size < bytes - 200; i++) {
    const story =
      `<tr><td class="story" style="padding:0 24px"><h2>Story ${i}: the garden in the ${['spring', 'summer', 'autumn', 'winter'][i % 4]}</h2>` +
      `<p class="meta">Posted by member ${i % 37} on day ${i % 28}</p>` +
      `<p>Volunteers met on Saturday to plant <b>bulbs</b> along the east wall, mend the <i>compost bays</i> and sort seed packets for the swap. ` +
      `Bring gloves and a flask; the tea urn is still broken. Report ${i} of the committee is below, with the accounts for the quarter.</p>` +
      `<p class="more"><a href="https://garden.example/news/${i}">Read more</a> · <a href="https://garden.example/unsubscribe">Unsubscribe</a></p></td></tr>\n`;
    parts.push(story);
    size += story.length;
  }
  parts.push('</table></body></html>\n');
  return parts.join('');
}

/** About `bytes` of the composer's own markup: a <div> per line, as Squire writes it. */
function largeDraftHtml(bytes: number): string {
  const lines: string[] = [];
  let size = 0;
  for (let i = 1; size < bytes; i++) {
    const line = `<div>Paragraph ${i} of the long draft: the minutes of the meeting, who said what, and what we agreed to do next week.</div>`;
    lines.push(i % 8 === 0 ? `${line}<div><br></div>` : line);
    size += line.length;
  }
  return lines.join('');
}


/** Waits until the first block of the composer's editor reads `text` (what was just typed at the caret). */
async function typedAtTop(page: Page, text: string): Promise<void> {
  await page.waitForFunction(
    (expected) => document.querySelector('[data-testid="compose-editor"]')?.firstElementChild?.textContent === expected,
    text,
    { polling: 'raf', timeout: 60_000 },
  );
}

export async function measureComposer(options: ComposerBenchOptions): Promise<ComposerFigures> {
  const { browser, cli, workDir, runs } = options;
  const keystrokes = options.keystrokes ?? 100;
  const dovecot = await startDovecot();
  const replyHtml = largeHtml(1_000_000);
  await dovecot.deliver(
    'alice',
    buildMessage({ from: 'The Garden Club <news@garden.example>', subject: 'The Garden Club — the big issue', date: new Date(), id: 'big-issue@garden.example', text: 'The big issue.', html: replyHtml }),
  );
  const dataDir = join(workDir, 'composer-data');
  const env = { ...process.env, BENCH_UI_PASSWORD: 'alice-secret' };
  const run = (args: string[]) => execFileSync(process.execPath, [cli, '--data-dir', dataDir, ...args], { env, encoding: 'utf8' });
  const accountId = run([
    'account', 'add', '--email', 'alice@example.org', '--name', 'Alice Martin', '--protocol', 'imap', '--host', '127.0.0.1',
    '--port', String(dovecot.ports.imaps), '--security', 'tls', '--username', 'alice', '--password-env', 'BENCH_UI_PASSWORD', '--insecure-store-in-file',
    '--trust-fingerprint', dovecot.certificate.fingerprint256,
  ]).trim();
  run(['sync']);

  const app = await options.startDevWeb(dataDir);
  const bridge = await bridgeClient(app.url);
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  try {
    const page = await context.newPage();
    await page.goto(app.url);
    const row = page.getByTestId('message-list').getByRole('option', { name: /the big issue/ });
    await row.waitFor({ timeout: 60_000 });

    /** Opens a composer with `key` in the mail window, types one letter, and returns the time to it and the page. */
    const openAndType = async (key: string, ready: string): Promise<{ ms: number; composer: Page }> => {
      const started = performance.now();
      const [composer] = await Promise.all([context.waitForEvent('page'), page.keyboard.press(key)]);
      await composer.locator(ready).first().waitFor({ timeout: 60_000 });
      await composer.getByTestId('compose-editor').focus();
      await composer.keyboard.type('Q');
      await typedAtTop(composer, 'Q');
      return { ms: performance.now() - started, composer };
    };
    // Each composer is closed unsaved: a draft saved once it is typed in is deleted again so Drafts stays empty.
    const closeComposer = async (composer: Page) => {
      await composer.close();
      for (const draft of await bridge.api.listDrafts({})) await bridge.api.deleteDraft({ id: draft.id });
    };

    const newOpenMs: number[] = [];
    const replyOpenMs: number[] = [];
    for (let i = 0; i < runs + 1; i++) {
      await page.getByTestId('message-list').focus();
      const opened = await openAndType('Control+n', '[data-testid="compose-editor"]');
      // The first run warms Chromium's caches for the composer page; it is not counted.
      if (i > 0) newOpenMs.push(opened.ms);
      await closeComposer(opened.composer);
    }
    await row.click();
    await page.frameLocator('[data-testid="message-frame"]').getByText('Story 1:').first().waitFor({ timeout: 60_000 });
    for (let i = 0; i < runs + 1; i++) {
      await row.click();
      const opened = await openAndType('Control+r', '[data-testid="compose-editor"] .homing-cite');
      if (i > 0) replyOpenMs.push(opened.ms);
      await closeComposer(opened.composer);
    }

    // The 200 KB draft, saved through the service as the composer saves one, then opened from its address.
    const draftHtml = largeDraftHtml(200_000);
    const draft = await bridge.api.saveDraft({
      content: { accountId, to: [{ name: 'Carol', address: 'carol@example.org' }], cc: [], bcc: [], subject: 'The long draft', text: 'The long draft.', html: draftHtml },
    });
    const url = new URL(app.url);
    const composer = await context.newPage();
    await composer.goto(`${url.origin}/compose.html?draft=${draft.id}${url.hash}`);
    const editor = composer.getByTestId('compose-editor');
    await composer.waitForFunction(() => (document.querySelector('[data-testid="compose-editor"]')?.textContent ?? '').includes('Paragraph 900 of'), null, { timeout: 60_000 });
    // The caret in the middle of the draft, at the end of one of its lines.
    const middle = editor.locator('div', { hasText: /^Paragraph 800 of the long draft/ }).first();
    await middle.scrollIntoViewIfNeeded();
    await middle.click();
    await composer.keyboard.press('End');
    await composer.evaluate(() => {
      const latencies: number[] = [];
      (window as unknown as { benchLatencies: number[] }).benchLatencies = latencies;
      document.querySelector('[data-testid="compose-editor"]')!.addEventListener('keydown', (event) => {
        const start = event.timeStamp;
        requestAnimationFrame(() => {
          const channel = new MessageChannel();
          channel.port1.onmessage = () => latencies.push(performance.now() - start);
          channel.port2.postMessage(null);
        });
      });
    });
    const letters = 'the quick brown fox jumps over the lazy dog ';
    for (let i = 0; i < keystrokes; i++) {
      const key = letters[i % letters.length]!;
      await composer.keyboard.press(key === ' ' ? 'Space' : key);
      await composer.waitForFunction((n) => (window as unknown as { benchLatencies: number[] }).benchLatencies.length >= n, i + 1, { polling: 'raf' });
    }
    const keystrokeMs = await composer.evaluate(() => (window as unknown as { benchLatencies: number[] }).benchLatencies);
    // The letters went where they were meant to: at the end of that line, not elsewhere in the draft.
    const typed = (await editor.locator('div', { hasText: /^Paragraph 800 of the long draft/ }).first().textContent())?.replace(/\u00a0/g, ' ') ?? '';
    if (!typed.includes(`next week.${letters.slice(0, Math.min(keystrokes, 30))}`)) throw new Error(`the keystrokes did not land where expected: …${typed.slice(-80)}`);
    await composer.close();
    return { newOpenMs, replyOpenMs, replyHtmlBytes: replyHtml.length, keystrokeMs, draftHtmlBytes: draftHtml.length };
  } finally {
    await context.close();
    bridge.close();
    await app.stop();
    await dovecot.destroy();
  }
}
