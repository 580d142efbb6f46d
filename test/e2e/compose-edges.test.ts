import { mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeBigAttachment } from '../fixtures/hostile/corpus';
import { composerFrom, type ComposeWorld, startComposeWorld } from '../helpers/compose-e2e';
import type { AppPage } from '../helpers/e2e-app';

/**
 * The composer with bad input (a pasted 5 MB HTML document, 500 recipients, a reply to a 50 MB message, an
 * attachment that disappears from disk before sending) and with a mailto: link, in Chromium against the real
 * backend: it stays usable, says what is wrong, and loses nothing typed (the draft is saved first).
 */
describe('the composer with bad input, and mailto: links', () => {
  let world: ComposeWorld;
  let work: string;
  const poll = <T>(probe: () => Promise<T> | T, timeout = 30_000) => expect.poll(probe, { timeout });
  const newComposer = () => composerFrom(world.page, () => world.page.getByRole('button', { name: 'New message' }).click());
  const draftOf = async (page: Page) => {
    const id = Number(new URL(page.url()).searchParams.get('draft'));
    expect(id).toBeGreaterThan(0);
    return world.bridge.api.getDraft({ id });
  };

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'homing-e2e-compose-edges-'));
    const big = join(work, 'big.eml');
    await writeBigAttachment(big);
    world = await startComposeWorld(async (dovecot) => {
      await dovecot.deliver('alice', readFileSync(big));
    });
    await world.page.getByTestId('message-list').getByRole('option', { name: /A 50 MB attachment dugong/ }).waitFor({ timeout: 60_000 });
  }, 300_000);

  afterAll(async () => {
    await world?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('takes 500 pasted recipients as 500 chips and saves them in the draft', async () => {
    const { page: c, errors }: AppPage = await newComposer();
    const pasted = Array.from({ length: 500 }, (_, i) => `Person ${i} <person${i}@example.test>`).join(', ');
    const to = c.getByRole('combobox', { name: 'To' });
    await to.focus();
    await c.evaluate((text) => {
      const input = document.activeElement as HTMLInputElement;
      const data = new DataTransfer();
      data.setData('text/plain', text);
      input.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
    }, pasted);
    await poll(() => c.getByRole('list', { name: 'To recipients' }).getByRole('listitem').count()).toBe(500);
    // Still responsive: typing goes on, and the draft has all of them.
    await c.getByLabel('Subject').fill('To everyone');
    await poll(() => c.getByTestId('save-status').textContent()).toBe('Saved');
    const draft = await draftOf(c);
    expect(draft.content.to).toHaveLength(500);
    expect(draft.content.to[499]).toEqual({ name: 'Person 499', address: 'person499@example.test' });
    expect(errors).toEqual([]);
    await c.close();
  });

  it('pastes a 5 MB HTML document as plain text, says so, and saves the draft', async () => {
    const { page: c, errors } = await newComposer();
    await c.getByLabel('Subject').fill('The long report');
    await c.getByTestId('compose-editor').click();
    await c.keyboard.type('Before the paste. ');
    const paragraph = (i: number) =>
      `<p class="MsoNormal" style="margin:0cm;margin-bottom:.0001pt;line-height:115%;font-size:11.0pt;font-family:&quot;Calibri&quot;,sans-serif;mso-fareast-language:EN-US"><span lang="EN-GB" style="font-size:11.0pt;color:#1F3864">Paragraph ${i} of the report.</span><o:p></o:p></p>\n`;
    const html = Array.from({ length: 20_000 }, (_, i) => paragraph(i)).join('');
    expect(html.length).toBeGreaterThan(5_000_000);
    const text = Array.from({ length: 20_000 }, (_, i) => `Paragraph ${i} of the report.`).join('\n');
    await c.evaluate(
      ({ html, text }) => {
        const editor = document.querySelector('[data-testid="compose-editor"]')!;
        const data = new DataTransfer();
        data.setData('text/html', html);
        data.setData('text/plain', text);
        editor.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
      },
      { html, text },
    );
    await poll(() => c.getByRole('status').filter({ hasText: 'pasted as plain text' }).textContent()).toMatch(/carried 5\.\d MB of formatting/);
    await poll(() => c.getByTestId('compose-editor').textContent()).toContain('Paragraph 19999 of the report.');
    await c.keyboard.type(' After.');
    await poll(() => c.getByTestId('save-status').textContent(), 60_000).toBe('Saved');
    const draft = await draftOf(c);
    // A paste that size goes in a line per block, after the line the cursor was in.
    expect(draft.content.text).toMatch(/^Before the paste\.\nParagraph 0 of the report\./);
    expect(draft.content.text).toContain('Paragraph 19999 of the report.');
    expect(errors).toEqual([]);
    await c.close();
  });

  it('answers a 50 MB message quickly with its text quoted and without its attachment', async () => {
    await world.page.getByTestId('message-list').getByRole('option', { name: /A 50 MB attachment dugong/ }).click();
    const { page: c, errors } = await composerFrom(world.page, () => world.page.keyboard.press('Control+r'));
    await poll(() => c.locator('.editor-canvas .homing-cite').textContent()).toContain('A dugong carries a 50 MB attachment.');
    expect(await c.getByRole('region', { name: 'Attachments' }).count()).toBe(0);
    await c.keyboard.type('Thanks, got it.');
    await poll(() => c.getByTestId('save-status').textContent()).toBe('Saved');
    expect((await draftOf(c)).content.attachments).toEqual([]);
    expect(errors).toEqual([]);
    await c.close();
  });

  it('says by name which attachment vanished from disk before sending, sends nothing, and keeps the draft', async () => {
    const file = join(work, 'minutes.pdf');
    writeFileSync(file, '%PDF-1.4 minutes of the meeting\n');
    const { page: c } = await newComposer();
    // Attached and gone at once: the composer reads a file when it saves or sends (at the earliest the
    // autosave 1.5 s later), so it is already missing then.
    await c.getByTestId('attach-input').setInputFiles(file);
    unlinkSync(file);
    await c.getByRole('combobox', { name: 'To' }).fill('bob@example.test,');
    await c.getByLabel('Subject').fill('Minutes');
    await c.getByTestId('compose-editor').click();
    await c.keyboard.type('The minutes are attached.');
    await c.getByRole('button', { name: 'Send', exact: true }).click();
    await poll(() => c.getByRole('alert').textContent()).toMatch(/An attachment cannot be read\..*“minutes\.pdf” can no longer be read/);
    expect(await c.getByRole('region', { name: 'Attachments' }).textContent()).toMatch(/minutes\.pdf.*can no longer be read/);
    expect(await world.bridge.api.listOutbox({})).toEqual([]);
    const draft = await draftOf(c);
    expect(draft.content.text).toContain('The minutes are attached.');
    expect(draft.content.subject).toBe('Minutes');
    await c.close();
  });

  it('opens a mailto: link prefilled (RFC 6068): recipients, subject and body; never an attachment', async () => {
    const url = new URL(world.app.url);
    const link = 'mailto:Ann%20Example%20%3Cann@example.test%3E,bob@example.test?cc=carol@example.test&subject=Caf%C3%A9%20on%20Friday%3F&body=Shall%20we%20meet%3F%0D%0AAt%2010.&attach=/etc/passwd';
    const page = await world.browser.newPage();
    await page.goto(`${url.origin}/compose.html?mailto=${encodeURIComponent(link)}${url.hash}`);
    await page.getByTestId('compose-editor').waitFor();
    expect(await page.getByRole('list', { name: 'To recipients' }).getByRole('listitem').allTextContents()).toEqual(['Ann Example', 'bob@example.test']);
    expect(await page.getByRole('list', { name: 'Cc recipients' }).getByRole('listitem').allTextContents()).toEqual(['carol@example.test']);
    expect(await page.getByLabel('Subject').inputValue()).toBe('Café on Friday?');
    expect(await page.getByTestId('compose-editor').innerText()).toMatch(/^Shall we meet\?\nAt 10\./);
    expect(await page.getByRole('region', { name: 'Attachments' }).count()).toBe(0);
    await page.close();
  });
});
