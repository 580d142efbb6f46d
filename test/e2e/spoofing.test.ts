import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, resultsDir } from '../helpers/chromium';
import { runCli } from '../helpers/cli';
import { type DevWeb, startDevWeb } from '../helpers/dev-web';
import { type AppPage, axeViolations, openApp } from '../helpers/e2e-app';

const RLO = '\u202e';
const encodedWord = (text: string) => `=?utf-8?b?${Buffer.from(text, 'utf8').toString('base64')}?=`;
/** Bidi controls that reorder what is shown (embeddings, overrides, isolates, marks). */
const BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

function message(headers: string[], body: string, attachment?: { name: string }): Buffer {
  const lines = [...headers, 'MIME-Version: 1.0'];
  if (!attachment) return Buffer.from([...lines, 'Content-Type: text/plain; charset=utf-8', '', body, ''].join('\r\n'));
  return Buffer.from(
    [
      ...lines,
      'Content-Type: multipart/mixed; boundary="b"',
      '',
      '--b',
      'Content-Type: text/plain; charset=utf-8',
      '',
      body,
      '--b',
      `Content-Type: application/octet-stream; name="${encodedWord(attachment.name)}"`,
      `Content-Disposition: attachment; filename="${encodedWord(attachment.name)}"`,
      'Content-Transfer-Encoding: base64',
      '',
      'TVqQAAMAAAAEAAAA',
      '--b--',
      '',
    ].join('\r\n'),
  );
}

/** A 20,000-character subject, folded into header lines as a long subject is. */
const LONG_SUBJECT = Array.from({ length: 2000 }, (_, i) => `word${String(i).padStart(4, '0')}`).join(' ');

/**
 * What a sender can do with names and subjects alone, in the real renderer in Chromium: a display name
 * that shows another address, bidi overrides that reverse a file's extension, CR/LF in a name, a subject
 * long enough to push everything else off the screen. And the search box's answer to a query it cannot
 * understand.
 */
describe('spoofing cues in the window', () => {
  let app: DevWeb;
  let browser: Browser;
  let view: AppPage;
  let page: Page;
  const poll = <T>(probe: () => Promise<T> | T, timeout = 30_000) => expect.poll(probe, { timeout });
  const list = () => page.getByTestId('message-list');
  const row = (subject: RegExp) => list().getByRole('option').filter({ hasText: subject });
  const open = async (subject: RegExp) => {
    await row(subject).click();
    await poll(() => page.locator('#reader-subject').textContent()).toMatch(subject);
  };

  beforeAll(async () => {
    mkdirSync(resultsDir, { recursive: true });
    const dir = mkdtempSync(join(tmpdir(), 'homing-e2e-spoof-'));
    const mail = join(dir, 'mail');
    mkdirSync(mail);
    const date = (day: number) => `Date: Mon, ${day} Jun 2024 10:00:00 +0000`;
    writeFileSync(join(mail, '1.eml'), message(['From: "PayPal <service@paypal.com>" <evil@x.example>', 'To: me@example.org', 'Subject: Your account is limited', date(3), 'Message-ID: <spoof@x.example>'], 'Click here to restore access.'));
    writeFileSync(
      join(mail, '2.eml'),
      message(
        [`From: ${encodedWord(`Accounts ${RLO}gnissecorP`)} <billing@vendor.example>`, 'To: me@example.org', `Subject: ${encodedWord(`Invoice ${RLO}fdp.exe attached`)}`, date(4), 'Message-ID: <bidi@vendor.example>'],
        'Please open the invoice.',
        { name: `invoice${RLO}fdp.exe` },
      ),
    );
    writeFileSync(join(mail, '3.eml'), message([`From: ${encodedWord('Alice\r\nX-Priority: 1 (Highest)\r\n')} <alice@example.org>`, 'To: me@example.org', 'Subject: Lunch', date(5), 'Message-ID: <crlf@example.org>'], 'Noon?'));
    writeFileSync(
      join(mail, '4.eml'),
      message([`From: Long Winded <long@example.org>`, 'To: me@example.org', `Subject: ${LONG_SUBJECT.replace(/(.{1,70})( |$)/g, '$1\r\n ').trimEnd()}`, date(6), 'Message-ID: <long@example.org>'], 'The body stays in view.'),
    );
    const dataDir = join(dir, 'data');
    const imported = await runCli(['--data-dir', dataDir, 'import', mail, '--folder', 'Spoofs', '--json']);
    expect(JSON.parse(imported.stdout)).toMatchObject({ imported: 4 });
    app = await startDevWeb(dataDir);
    browser = await launchChromium();
    view = await openApp(browser, app.url);
    page = view.page;
    await page.getByRole('tree', { name: 'Mailboxes' }).getByRole('treeitem', { name: /^Spoofs/ }).click();
    await page.getByTestId('list-count').filter({ hasText: /^4 messages/ }).waitFor({ timeout: 30_000 });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  it('shows the real address of a sender whose name carries another one, in the list and the reader', async () => {
    const spoof = row(/Your account is limited/);
    const sender = spoof.locator('.row-sender');
    expect(await sender.textContent()).toContain('evil@x.example');
    expect(await sender.textContent()).not.toContain('service@paypal.com');
    await expect.poll(() => spoof.getByRole('img', { name: /name shows another address/i }).count()).toBe(1);
    await open(/Your account is limited/);
    const warning = page.getByTestId('sender-warning');
    expect(await warning.textContent()).toMatch(/name .*service@paypal\.com.*from evil@x\.example/s);
    expect(await page.locator('.reader-sender').textContent()).toContain('evil@x.example');
    await page.screenshot({ path: join(resultsDir, 'spoofing-sender.png') });
    expect(await axeViolations(page)).toEqual([]);
  });

  it('shows subjects, names and attachment names without bidi controls, each isolated', async () => {
    const bidi = row(/Invoice/);
    expect(await bidi.textContent()).not.toMatch(BIDI);
    expect(await bidi.locator('.row-subject').textContent()).toBe('Invoice fdp.exe attached');
    await open(/Invoice/);
    for (const locator of [page.locator('#reader-subject'), page.locator('.reader-sender'), page.locator('.attachment-name')]) {
      expect(await locator.textContent()).not.toMatch(BIDI);
    }
    expect(await page.locator('.attachment-name').textContent()).toBe('invoicefdp.exe');
    // Each field is its own bidi island: right-to-left text in one cannot reorder the next.
    expect(await page.locator('#reader-subject bdi, #reader-subject [dir="auto"]').count()).toBeGreaterThan(0);
    expect(await page.locator('.attachment-name').getAttribute('dir')).toBe('auto');
  });

  it('keeps a name with CR/LF on one line', async () => {
    const lunch = row(/Lunch/);
    expect(await lunch.locator('.row-sender').textContent()).toBe('Unread, Alice X-Priority: 1 (Highest)');
    await open(/Lunch/);
    expect(await page.locator('.reader-sender').textContent()).toBe('Alice X-Priority: 1 (Highest) <alice@example.org>');
  });

  it('caps a 20,000-character subject so the sender and the body stay on screen', async () => {
    await open(/word0000 word0001/);
    const subject = (await page.locator('#reader-subject').textContent()) ?? '';
    expect(subject.length).toBeLessThan(1000);
    expect(subject).toMatch(/…$/);
    const viewport = page.viewportSize()!;
    await expectInView(page.locator('.reader-from'), viewport.height);
    await expectInView(page.getByTestId('message-frame'), viewport.height);
    expect((await row(/word0000/).locator('.row-subject').textContent())!.length).toBeLessThan(1000);
    await page.screenshot({ path: join(resultsDir, 'spoofing-long-subject.png') });
  });

  it('explains a search it cannot understand at the search box, and searches OR and sizes', async () => {
    const box = page.getByRole('searchbox', { name: 'Search all mail' });
    await box.fill('frobnicate:yes');
    await box.press('Enter');
    const problem = page.getByRole('search').getByRole('alert');
    await poll(() => problem.textContent()).toMatch(/“frobnicate:” is not a search operator/);
    expect(await box.getAttribute('aria-invalid')).toBe('true');
    expect(await problem.isVisible()).toBe(true);
    await page.screenshot({ path: join(resultsDir, 'search-invalid-query.png') });
    await box.fill('size:>1M');
    await box.press('Enter');
    await poll(() => problem.textContent()).toMatch(/For sizes, write larger:1M or smaller:10K/);
    await box.fill('from:alice OR from:long');
    await box.press('Enter');
    await poll(() => list().getByRole('option').count()).toBe(2);
    expect(await problem.count()).toBe(0);
    await box.fill('larger:5K');
    await box.press('Enter');
    await poll(() => list().getByRole('option').count()).toBe(1);
    // The row is there before its summary (a placeholder while it is fetched): wait for its text.
    await poll(() => list().getByRole('option').first().textContent()).toMatch(/word0000/);
    expect(view.errors).toEqual([]);
  });
});

/** The element's top is inside the window's height (it was not pushed off screen). */
async function expectInView(locator: Locator, height: number): Promise<void> {
  await expect.poll(() => locator.count(), { timeout: 30_000 }).toBeGreaterThan(0);
  const box = await locator.first().boundingBox();
  expect(box, 'element has a box').not.toBeNull();
  expect(box!.y).toBeLessThan(height - 40);
}
