import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import libmime from 'libmime';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resultsDir } from '../helpers/chromium';
import { composerFrom, type ComposeWorld, outboxItem, setUndoDelay, startComposeWorld } from '../helpers/compose-e2e';
import { belowTrace, serverMessages, withMessageId } from '../helpers/delivered-mail';
import { type AppPage, axeViolations, screenshotBothThemes } from '../helpers/e2e-app';
import { buildMessage } from '../helpers/ui-corpus';

const fixture = (name: string) => readFileSync(join(import.meta.dirname, '..', 'fixtures', 'compose', name), 'utf8');
const decodeFlowed = (text: string) => (libmime as unknown as { decodeFlowed(s: string, delSp?: boolean): string }).decodeFlowed(text, false);

/** A message with a PDF and a picture attached, for Forward. */
function withAttachments(): string {
  const pdf = Buffer.from('%PDF-1.4\n% the quarterly report\n').toString('base64');
  const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==', 'base64').toString('base64');
  return [
    'From: Bob Example <bob@example.test>',
    'To: alice@example.test',
    'Subject: Quarterly report attached',
    'Date: Tue, 7 Oct 2025 09:00:00 +0000',
    'Message-ID: <report-q3@example.test>',
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="b1"',
    '',
    '--b1',
    'Content-Type: text/plain; charset=utf-8',
    '',
    'Here is the report, and a picture of the whiteboard.',
    '--b1',
    'Content-Type: application/pdf; name="report-q3.pdf"',
    'Content-Disposition: attachment; filename="report-q3.pdf"',
    'Content-Transfer-Encoding: base64',
    '',
    pdf,
    '--b1',
    'Content-Type: image/png; name="whiteboard.png"',
    'Content-Disposition: attachment; filename="whiteboard.png"',
    'Content-Transfer-Encoding: base64',
    '',
    png,
    '--b1--',
    '',
  ].join('\r\n');
}

/**
 * The composer end to end, in Chromium over the bridge, against Postfix and Dovecot: writing with contact
 * suggestions, sending (the message arrives, MIME as promised), undo send, replying to an HTML newsletter
 * (the quote laid out as the reader shows the original), forwarding with attachments, sending offline then
 * online, drafts saved as the user types and restored after the backend is killed; axe and screenshots.
 */
describe('the composer in Chromium against Postfix and Dovecot', () => {
  let world: ComposeWorld;
  const row = (name: RegExp) => world.page.getByTestId('message-list').getByRole('option', { name });
  const poll = <T>(probe: () => Promise<T> | T, timeout = 30_000) => expect.poll(probe, { timeout });

  beforeAll(async () => {
    mkdirSync(resultsDir, { recursive: true });
    world = await startComposeWorld(async (dovecot) => {
      // What alice wrote before (her Sent folder): the suggestions come from here.
      const sent = (to: string, subject: string, days: number) =>
        dovecot.deliver(
          'alice',
          buildMessage({ from: 'Alice Martin <alice@example.test>', to, subject, date: new Date(Date.now() - days * 86_400_000), id: `${subject.replace(/\W/g, '')}-${days}@example.test`, text: 'x' }),
          { folder: 'Sent', flags: ['\\Seen'] },
        );
      await sent('Carol Writer <carol@example.test>', 'Choir rota', 2);
      await sent('Carol Writer <carol@example.test>', 'Choir rota again', 1);
      await sent('Carlos Ortega <carlos@elsewhere.example>', 'Old question', 300);
      await sent('Bob Example <bob@example.test>', 'Lunch', 3);
      await dovecot.deliver('alice', `From: The Garden Club <news@garden.example>\r\nTo: alice@example.test\r\nSubject: The Garden Club — October\r\nDate: Wed, 1 Oct 2025 07:00:00 +0000\r\nMessage-ID: <garden-112@garden.example>\r\nMIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\n\r\n${fixture('newsletter.html')}`);
      await dovecot.deliver('alice', withAttachments());
    });
    await setUndoDelay(world, 0);
    await row(/Quarterly report attached/).waitFor({ timeout: 30_000 });
  }, 240_000);

  afterAll(async () => {
    await world?.close();
  });

  let composer: AppPage;

  it('Ctrl+N opens the composer in its own tab; suggestions come from what alice wrote, best first; one can be removed', async () => {
    await world.page.getByTestId('message-list').focus();
    composer = await composerFrom(world.page, () => world.page.keyboard.press('Control+n'));
    const c = composer.page;
    const to = c.getByRole('combobox', { name: 'To' });
    await to.fill('car');
    const options = c.getByRole('listbox', { name: 'Suggestions for To' }).getByRole('option');
    await poll(() => options.allTextContents()).toEqual([expect.stringMatching(/^Carol Writer\s*carol@example.test/), expect.stringMatching(/^Carlos Ortega/)]);
    // Shift+Delete on the highlighted one: Carlos is not suggested again.
    await c.keyboard.press('ArrowDown');
    await c.keyboard.press('ArrowDown');
    await c.keyboard.press('Shift+Delete');
    await poll(() => options.allTextContents()).toEqual([expect.stringMatching(/^Carol Writer/)]);
    await to.fill('');
    await to.fill('carl');
    await c.waitForTimeout(400);
    expect(await options.count()).toBe(0);
    await to.fill('carol');
    await poll(() => options.count()).toBe(1);
    await c.keyboard.press('ArrowDown');
    await c.keyboard.press('Enter');
    await poll(() => c.getByRole('list', { name: 'To recipients' }).getByRole('listitem').allTextContents()).toEqual([expect.stringMatching(/Carol Writer/)]);
    expect(composer.errors).toEqual([]);
  });

  it('axe finds nothing serious in the composer in either theme; compose-light.png and compose-dark.png', async () => {
    const c = composer.page;
    await c.setViewportSize({ width: 1000, height: 720 });
    await c.getByLabel('Subject').fill('Choir rota for November');
    await c.getByTestId('compose-editor').click();
    await c.keyboard.type('Hi Carol, here is the rota for November.');
    await poll(() => c.getByTestId('save-status').textContent()).toMatch(/Saved/);
    expect(await axeViolations(c)).toEqual([]);
    await screenshotBothThemes(c, 'compose');
  });

  it('sends: the message arrives at Carol with the typed text, flowed plain text beside the HTML, and one copy in Sent', async () => {
    const c = composer.page;
    await c.getByTestId('compose-editor').click();
    await c.keyboard.press('End');
    await c.keyboard.press('Enter');
    await c.keyboard.type('Rehearsals are on Thursdays at 19:30, and the concert is on the last Sunday of the month; please tell me by Friday if any date does not suit you.');
    const closed = c.waitForEvent('close');
    await c.getByRole('button', { name: 'Send', exact: true }).click();
    await closed;
    const item = await outboxItem(world, 'Choir rota for November');
    await world.postfix.drain();
    const [delivered] = await withMessageId(world.dovecot, 'carol', 'INBOX', item.messageId);
    expect(delivered).toBeDefined();
    expect(await withMessageId(world.dovecot, 'alice', 'Sent', item.messageId)).toHaveLength(1);
    const parsed = await simpleParser(belowTrace(delivered!.source));
    expect(parsed.to).toMatchObject({ value: [{ name: 'Carol Writer', address: 'carol@example.test' }] });
    expect(parsed.html).toContain('<div>Hi Carol, here is the rota for November.</div>');
    const raw = delivered!.source.toString('utf8');
    expect(raw).toMatch(/Content-Type: text\/plain; charset=utf-8; format=flowed/i);
    // The text alternative is flowed (each soft-broken line ends in a space) and decodes to what was typed.
    expect(parsed.text?.trim()).toBe(
      'Hi Carol, here is the rota for November.\nRehearsals are on Thursdays at 19:30, and the concert is on the last Sunday of the month; please tell me by Friday if any date does not suit you.',
    );
    const plainPart = /format=flowed\r\n(?:[^\r\n]+\r\n)*\r\n([\s\S]*?)\r\n--/i.exec(raw)?.[1] ?? '';
    expect(plainPart.split('\r\n').length).toBeGreaterThan(2);
    expect(decodeFlowed(plainPart.replace(/=\r\n/g, '').replace(/=20/g, ' '))).toContain('please tell me by Friday if any date does not suit you.');
  });

  it('undo send: the toast takes the message back as a draft; the edited version goes out, never the first', async () => {
    await setUndoDelay(world, 120);
    const opened = await composerFrom(world.page, () => world.page.getByRole('button', { name: 'New message' }).click());
    const c = opened.page;
    await c.getByRole('combobox', { name: 'To' }).fill('bob@example.test,');
    await c.getByLabel('Subject').fill('Undo me');
    await c.getByTestId('compose-editor').click();
    await c.keyboard.type('FIRST VERSION with a typo');
    const closed = c.waitForEvent('close');
    await c.getByRole('button', { name: 'Send', exact: true }).click();
    await closed;
    const toast = world.page.getByTestId('undo-send');
    await poll(() => toast.textContent()).toMatch(/Sending “Undo me” in \d+ s/);
    const reopened = await composerFrom(world.page, () => toast.getByRole('button', { name: 'Undo' }).click());
    const r = reopened.page;
    await poll(() => r.getByTestId('compose-editor').textContent()).toContain('FIRST VERSION with a typo');
    expect(await r.getByLabel('Subject').inputValue()).toBe('Undo me');
    // Nothing is left in the outbox: the message is a draft again.
    expect((await world.bridge.api.listOutbox({})).filter((i) => i.subject === 'Undo me')).toEqual([]);
    await r.getByTestId('compose-editor').click();
    await r.keyboard.press('Control+a');
    await r.keyboard.type('SECOND VERSION, corrected');
    await setUndoDelay(world, 0);
    const gone = r.waitForEvent('close');
    await r.getByRole('button', { name: 'Send', exact: true }).click();
    await gone;
    const item = await outboxItem(world, 'Undo me');
    await world.postfix.drain();
    const atBob = (await serverMessages(world.dovecot, 'bob', 'INBOX')).map((m) => m.source.toString('utf8')).filter((s) => s.includes('Undo me'));
    expect(atBob).toHaveLength(1);
    expect(atBob[0]).toContain('SECOND VERSION, corrected');
    expect(atBob[0]).not.toContain('FIRST VERSION');
    expect(item.state).toBe('filed');
    expect(await world.bridge.api.listDrafts({})).toEqual([]);
  });

  it('replies to an HTML newsletter: the quote is laid out as the reader shows the original; reply-light.png and reply-dark.png', async () => {
    await world.page.setViewportSize({ width: 1700, height: 1000 });
    await row(/The Garden Club/).click();
    const frameElement = world.page.locator('iframe[data-testid="message-frame"]');
    await frameElement.waitFor();
    const frame = (await frameElement.elementHandle())!.contentFrame();
    const readerFrame = (await frame)!;
    await readerFrame.waitForLoadState('load');
    const original = await readerFrame.evaluate(measureRuns, 'body');
    const opened = await composerFrom(world.page, () => world.page.keyboard.press('Control+r'));
    const c = opened.page;
    await c.setViewportSize({ width: 1100, height: 900 });
    await poll(() => c.locator('.editor-canvas .homing-cite').count()).toBe(1);
    const quoted = await c.evaluate(measureRuns, '.editor-canvas .homing-cite');
    expect(original.length).toBeGreaterThan(20);
    expect(quoted.map((r) => r.text)).toEqual(original.map((r) => r.text));
    const styleOf = (r: MeasuredRun) => `${r.text.slice(0, 24)} ${r.font} ${r.size} ${r.weight} ${r.color} on ${r.background}`;
    expect(quoted.map(styleOf).join('\n')).toBe(original.map(styleOf).join('\n'));
    const moved = quoted.flatMap((r, i) => (Math.abs(r.dx - original[i]!.dx) > 2 || Math.abs(r.dy - original[i]!.dy) > 2 ? [`${r.text.slice(0, 24)} (${r.dx},${r.dy}) vs (${original[i]!.dx},${original[i]!.dy})`] : []));
    expect(moved.join('\n')).toBe('');
    // Recipients, subject and the remote-images notice as promised.
    expect(await c.getByRole('list', { name: 'To recipients' }).textContent()).toMatch(/The Garden Club/);
    expect(await c.getByLabel('Subject').inputValue()).toBe('Re: The Garden Club — October');
    await expect.poll(() => c.getByRole('status').filter({ hasText: 'remote images' }).count()).toBe(1);
    // The cursor already waits at the top of the text, above the quote.
    await poll(() => c.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('compose-editor');
    await c.keyboard.type('Count me in for the autumn show.');
    expect(await c.locator('.editor-canvas > div').first().textContent()).toBe('Count me in for the autumn show.');
    await screenshotBothThemes(c, 'reply');
    // The quoted newsletter's own colours are the sender's (the reader's check leaves mail out the same way).
    expect(await axeViolations(c, { exclude: ['.homing-cite'] })).toEqual([]);
    expect(opened.errors).toEqual([]);
    await c.close();
    await world.page.setViewportSize({ width: 1400, height: 860 });
  });

  it('forwards with the original’s attachments: Bob receives both, byte for byte', async () => {
    await row(/Quarterly report attached/).click();
    const opened = await composerFrom(world.page, () => world.page.keyboard.press('Control+l'));
    const c = opened.page;
    await poll(() => c.getByRole('region', { name: 'Attachments' }).getByRole('listitem').allTextContents()).toEqual([
      expect.stringMatching(/^report-q3\.pdf/),
      expect.stringMatching(/^whiteboard\.png/),
    ]);
    expect(await c.getByLabel('Subject').inputValue()).toBe('Fwd: Quarterly report attached');
    // A screen reader hears what this window is for: a forward, not a reply (it said "Reply").
    expect(await c.getByRole('heading', { level: 1 }).textContent()).toBe('Forward');
    expect(await c.getByTestId('compose-editor').textContent()).toMatch(/Forwarded Message.*Here is the report, and a picture of the whiteboard\./s);
    await c.getByRole('combobox', { name: 'To' }).fill('bob@example.test');
    await c.keyboard.press('Enter');
    const closed = c.waitForEvent('close');
    await c.getByRole('button', { name: 'Send', exact: true }).click();
    await closed;
    const item = await outboxItem(world, 'Fwd: Quarterly report attached');
    await world.postfix.drain();
    const [delivered] = await withMessageId(world.dovecot, 'bob', 'INBOX', item.messageId);
    const parsed = await simpleParser(belowTrace(delivered!.source));
    const originalParts = await simpleParser(Buffer.from(withAttachments()));
    expect(parsed.attachments.map((a) => [a.filename, a.content.toString('base64')])).toEqual(originalParts.attachments.map((a) => [a.filename, a.content.toString('base64')]));
    expect(parsed.text).toContain('Here is the report, and a picture of the whiteboard.');
  });

  it('sends while the server is down: the Outbox says why and waits; when it is back, Send now delivers it once', async () => {
    await world.postfix.stop();
    const opened = await composerFrom(world.page, () => world.page.getByRole('button', { name: 'New message' }).click());
    const c = opened.page;
    await c.getByRole('combobox', { name: 'To' }).fill('bob@example.test,');
    await c.getByLabel('Subject').fill('Sent while offline');
    await c.getByTestId('compose-editor').click();
    await c.keyboard.type('Written and sent with the outgoing server down.');
    const closed = c.waitForEvent('close');
    await c.getByRole('button', { name: 'Send', exact: true }).click();
    await closed;
    await outboxItem(world, 'Sent while offline', 'queued').then(async (queued) => {
      const retried = await world.bridge.api.listOutbox({});
      expect(retried.find((i) => i.id === queued.id)?.state).toBe('queued');
    });
    await world.page.getByRole('tree', { name: 'Mailboxes' }).getByRole('treeitem', { name: /^Outbox/ }).click();
    const entry = world.page.getByTestId('outbox-item').filter({ hasText: 'Sent while offline' });
    await poll(() => entry.textContent(), 60_000).toMatch(/Not sent yet; trying again/);
    await world.postfix.start();
    await entry.getByRole('button', { name: /Send now/ }).click();
    const item = await outboxItem(world, 'Sent while offline');
    await world.postfix.drain();
    expect(await withMessageId(world.dovecot, 'bob', 'INBOX', item.messageId)).toHaveLength(1);
    await poll(() => entry.count()).toBe(0);
  });

  it('saves the draft as the user types; after the backend is killed, the draft opens again from Drafts', async () => {
    const opened = await composerFrom(world.page, () => world.page.getByRole('button', { name: 'New message' }).click());
    const c = opened.page;
    await c.getByRole('combobox', { name: 'To' }).fill('carol@example.test,');
    await c.getByLabel('Subject').fill('A draft that survives');
    await c.getByTestId('compose-editor').click();
    await c.keyboard.type('Typed before the crash, every word of it.');
    await poll(() => c.getByTestId('save-status').textContent()).toBe('Saved');
    await world.app.kill();
    await c.close();
    await world.view.page.close();
    await world.restart();
    const drafts = world.page.getByRole('tree', { name: 'Mailboxes' }).getByRole('treeitem', { name: /^All Drafts/ });
    await drafts.click();
    const entry = world.page.getByTestId('draft-item').filter({ hasText: 'A draft that survives' });
    const again = await composerFrom(world.page, () => entry.getByRole('button', { name: /^A draft that survives/ }).click());
    const r = again.page;
    await poll(() => r.getByTestId('compose-editor').textContent()).toContain('Typed before the crash, every word of it.');
    expect(await r.getByLabel('Subject').inputValue()).toBe('A draft that survives');
    expect(await r.getByRole('list', { name: 'To recipients' }).textContent()).toContain('carol@example.test');
    await r.close();
  });
});

interface MeasuredRun {
  text: string;
  font: string;
  size: string;
  weight: string;
  color: string;
  background: string;
  dx: number;
  dy: number;
}

/**
 * Runs of text under `selector`, in document order, with their type, colour and background and their place
 * relative to the first run (so the reader's frame and the composer's quote compare however wide each is).
 * Evaluated in the page or frame (self-contained).
 */
function measureRuns(selector: string): MeasuredRun[] {
  const scope = document.querySelector(selector)!;
  const walker = document.createTreeWalker(scope, NodeFilter.SHOW_TEXT);
  const runs: MeasuredRun[] = [];
  let first: { x: number; y: number } | null = null;
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = (node.nodeValue ?? '').replace(/[\s\u00a0]+/g, ' ').trim();
    if (!text || node.parentElement?.closest('style, title')) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    const rect = range.getClientRects()[0];
    if (!rect || rect.width === 0) continue;
    const style = getComputedStyle(node.parentElement!);
    let background = 'rgba(0, 0, 0, 0)';
    for (let el: Element | null = node.parentElement; el; el = el.parentElement) {
      const bg = getComputedStyle(el).backgroundColor;
      if (bg !== 'rgba(0, 0, 0, 0)' && bg !== 'transparent') {
        background = bg;
        break;
      }
    }
    first ??= { x: rect.left, y: rect.top };
    runs.push({
      text,
      font: style.fontFamily.split(',')[0]!.replace(/["']/g, '').trim().toLowerCase(),
      size: style.fontSize,
      weight: style.fontWeight,
      color: style.color,
      background,
      dx: Math.round(rect.left - first.x),
      dy: Math.round(rect.top - first.y),
    });
  }
  return runs;
}
