import { simpleParser } from 'mailparser';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composerFrom, type ComposeWorld, outboxItem, setUndoDelay, startComposeWorld } from '../helpers/compose-e2e';
import { belowTrace, withMessageId } from '../helpers/delivered-mail';
import { buildMessage } from '../helpers/ui-corpus';

/** One paragraph on one line, as clients that never wrap send it (~600 characters). */
const AGM_PARAGRAPH = 'The treasurer reported that the accounts for the year are in order, that the hall fund now holds enough for the new heating, and that the committee proposes to keep the subscription as it is for another year, subject to the vote at the next general meeting. '.repeat(2).trim();

/** A 2×2 PNG, as a screenshot pasted from the clipboard arrives. */
const PNG_BASE64 = 'iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAYAAABytg0kAAAAFklEQVR42mP8z8DAwMDAxMDAwMAAAAkQAQGpJ4r1AAAAAElFTkSuQmCC';

/** Puts files on the page's clipboard or drag and drop, as the browser would hand them over (evaluated in the page). */
function dispatchFiles(args: { selector: string; type: string; files: Array<{ name: string; type: string; base64?: string; size?: number }> }): void {
  const data = new DataTransfer();
  for (const f of args.files) {
    const bytes = f.base64 ? Uint8Array.from(atob(f.base64), (c) => c.charCodeAt(0)) : new Uint8Array(f.size ?? 0).fill(65);
    data.items.add(new File([bytes], f.name, { type: f.type }));
  }
  const target = document.querySelector(args.selector)!;
  if (args.type === 'paste') {
    target.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
  } else {
    target.dispatchEvent(new DragEvent('dragover', { dataTransfer: data, bubbles: true, cancelable: true }));
    target.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
  }
}

/**
 * What the composer offers beyond the main path (compose.test.ts), in Chromium against Postfix and Dovecot:
 * a pasted picture sent inline (multipart/related), a file dropped on the window attached, the warning
 * above the size the server announced, the From selector swapping the signature, the signature below the
 * quote, plain text for one message, forward as attachment, Send later, and Discard that asks.
 */
describe('the composer’s features in Chromium against Postfix and Dovecot', () => {
  let world: ComposeWorld;
  const poll = <T>(probe: () => Promise<T> | T, timeout = 30_000) => expect.poll(probe, { timeout });
  const row = (name: RegExp) => world.page.getByTestId('message-list').getByRole('option', { name });

  beforeAll(async () => {
    world = await startComposeWorld(async (dovecot) => {
      await dovecot.deliver(
        'alice',
        buildMessage({ from: 'Bob Example <bob@example.test>', to: 'Alice Martin <alice@example.test>', subject: 'Hall booking', date: new Date(Date.now() - 3_600_000), id: 'hall@example.test', text: 'Can we have the hall on Saturday?\n' }),
      );
      await dovecot.deliver(
        'alice',
        buildMessage({ from: 'Bob Example <bob@example.test>', to: 'Alice Martin <alice@example.test>', subject: 'Minutes of the AGM', date: new Date(Date.now() - 7_200_000), id: 'agm@example.test', text: `Hi Alice,\n\n${AGM_PARAGRAPH}\n> Carol said the roof comes first.\n\nBob\n` }),
      );
    });
    await setUndoDelay(world, 0);
    await row(/Hall booking/).waitFor({ timeout: 30_000 });
  }, 240_000);

  afterAll(async () => {
    await world?.close();
  });

  const newMessage = async (to: string, subject: string): Promise<Page> => {
    await world.page.getByTestId('message-list').focus();
    const { page: c } = await composerFrom(world.page, () => world.page.keyboard.press('Control+n'));
    await c.getByRole('combobox', { name: 'To' }).fill(`${to},`);
    await c.getByLabel('Subject').fill(subject);
    return c;
  };
  const send = async (c: Page) => {
    const closed = c.waitForEvent('close');
    await c.getByRole('button', { name: 'Send', exact: true }).click();
    await closed;
  };
  const delivered = async (user: string, subject: string) => {
    const item = await outboxItem(world, subject);
    await world.postfix.drain();
    const [message] = await withMessageId(world.dovecot, user, 'INBOX', item.messageId);
    expect(message).toBeDefined();
    return { raw: belowTrace(message!.source), parsed: await simpleParser(belowTrace(message!.source), { keepCidLinks: true }) };
  };

  it('sends a pasted picture inline, as a part of multipart/related the HTML names by its Content-ID', async () => {
    const c = await newMessage('carol@example.test', 'The seating plan');
    await c.getByTestId('compose-editor').click();
    await c.keyboard.type('Here is the plan:');
    await c.evaluate(dispatchFiles, { selector: '[data-testid="compose-editor"]', type: 'paste', files: [{ name: 'image.png', type: 'image/png', base64: PNG_BASE64 }] });
    await poll(() => c.getByTestId('compose-editor').locator('img').count()).toBe(1);
    // Inline, not in the attachment tray.
    expect(await c.getByRole('region', { name: 'Attachments' }).count()).toBe(0);
    await send(c);
    const { raw, parsed } = await delivered('carol', 'The seating plan');
    expect(raw.toString('latin1')).toMatch(/Content-Type: multipart\/related/);
    expect(parsed.attachments).toHaveLength(1);
    const picture = parsed.attachments[0]!;
    expect(picture).toMatchObject({ contentType: 'image/png', related: true });
    expect(picture.content.toString('base64')).toBe(PNG_BASE64);
    expect(parsed.html).toContain(`src="cid:${picture.cid}"`);
  });

  it('attaches a file dropped on the window, shows its size, and warns once the message outgrows the server’s SIZE', async () => {
    // The server's SIZE is known from the sessions above (Postfix's default, 10,240,000 bytes).
    await poll(async () => (await world.bridge.api.listAccounts({})).find((a) => a.id === world.accountId)?.smtp?.sizeLimit).toBe(10_240_000);
    const c = await newMessage('carol@example.test', 'Minutes and recording');
    await c.evaluate(dispatchFiles, { selector: 'main.composer', type: 'drop', files: [{ name: 'minutes.txt', type: 'text/plain', size: 3000 }] });
    const tray = c.getByRole('region', { name: 'Attachments' });
    await poll(() => tray.getByRole('listitem').allTextContents()).toEqual([expect.stringMatching(/^minutes\.txt\s*2\.9 KB/)]);
    expect(await tray.getByRole('status').count()).toBe(0);
    // 8 MB grows to about 11 MB in base64: over the 10.2 MB the server takes.
    await c.evaluate(dispatchFiles, { selector: 'main.composer', type: 'drop', files: [{ name: 'recording.wav', type: 'audio/wav', size: 8 * 1024 * 1024 }] });
    await poll(() => tray.getByRole('status').textContent()).toMatch(/the outgoing server accepts at most 9\.8 MB/);
    await tray.getByRole('button', { name: 'Remove recording.wav' }).click();
    await poll(() => tray.getByRole('status').count()).toBe(0);
    await c.getByTestId('compose-editor').click();
    await c.keyboard.type('The minutes are attached.');
    await send(c);
    const { parsed } = await delivered('carol', 'Minutes and recording');
    expect(parsed.attachments.map((a) => [a.filename, a.size])).toEqual([['minutes.txt', 3000]]);
  });

  it('sends from the identity chosen in From, with that identity’s signature in place of the default one', async () => {
    await world.bridge.api.saveIdentity({ accountId: world.accountId, name: 'Alice Martin', address: 'alice@example.test', signatureText: 'Alice', signatureHtml: '<div>Alice</div>', isDefault: true, id: (await world.bridge.api.listIdentities({ accountId: world.accountId }))[0]!.id });
    const choir = await world.bridge.api.saveIdentity({
      accountId: world.accountId,
      name: 'Alice (Choir secretary)',
      address: 'alice@example.test',
      replyTo: 'choir@example.test',
      signatureText: 'Alice Martin\nSecretary, St Mary’s Choir',
      signatureHtml: '<div>Alice Martin</div><div>Secretary, St Mary’s Choir</div>',
    });
    const c = await newMessage('"Writer, Carol" <carol@example.test>', 'Choir robes');
    // A display name with a comma stays one recipient, as typed.
    await poll(() => c.getByRole('list', { name: 'To recipients' }).getByRole('listitem').allTextContents()).toEqual([expect.stringMatching(/Writer, Carol/)]);
    const editor = c.getByTestId('compose-editor');
    await poll(() => editor.textContent()).toContain('Alice');
    await c.getByLabel('From').selectOption({ label: 'Alice (Choir secretary) <alice@example.test>' });
    await poll(() => editor.textContent()).toContain('Secretary, St Mary’s Choir');
    await editor.click();
    await c.keyboard.press('Control+Home');
    await c.keyboard.type('The robes are back from the cleaners.');
    await send(c);
    const { parsed } = await delivered('carol', 'Choir robes');
    expect(parsed.from?.value).toEqual([{ name: 'Alice (Choir secretary)', address: 'alice@example.test' }]);
    expect(parsed.replyTo?.value).toEqual([{ name: '', address: 'choir@example.test' }]);
    expect(parsed.to).toMatchObject({ value: [{ name: 'Writer, Carol', address: 'carol@example.test' }] });
    expect(parsed.text).toContain('The robes are back from the cleaners.');
    expect(parsed.text).toContain('-- \nAlice Martin\nSecretary, St Mary’s Choir');
    expect((parsed.html || '').match(/Secretary, St Mary’s Choir/g)).toHaveLength(1);
    expect(parsed.text).not.toMatch(/^Alice$/m);
    await world.bridge.api.removeIdentity({ id: choir.id });
  });

  it('answers in plain text when asked for this message (format=flowed, no HTML), signature below the quote when that is the preference', async () => {
    await world.page.evaluate(() => localStorage.setItem('homing.writing', JSON.stringify({ replyBelowQuote: false, signatureBelowQuote: true, plainTextAccounts: [] })));
    await row(/Hall booking/).click();
    const { page: c } = await composerFrom(world.page, () => world.page.keyboard.press('Control+r'));
    const editor = c.getByTestId('compose-editor');
    await poll(() => editor.textContent()).toContain('Can we have the hall on Saturday?');
    // The signature after the quote.
    const order = await editor.evaluate((root) => {
      const text = root.textContent ?? '';
      return { quote: text.indexOf('Can we have the hall'), signature: text.indexOf('Alice') };
    });
    expect(order.signature).toBeGreaterThan(order.quote);
    await c.getByRole('button', { name: 'Plain text' }).click();
    await c.getByRole('alertdialog').getByRole('button', { name: 'Switch to plain text' }).click();
    const plain = c.getByTestId('compose-plain');
    // The signature separator keeps its space when the HTML becomes plain text.
    await poll(() => plain.inputValue()).toMatch(/> Can we have the hall on Saturday\?\n\n?-- \nAlice$/);
    await plain.focus();
    await c.keyboard.press('Control+Home');
    await c.keyboard.type('Yes, from ten until four. The key is with the verger, who opens the side door at a quarter to ten.');
    await send(c);
    const { raw, parsed } = await delivered('bob', 'Re: Hall booking');
    expect(parsed.html).toBeFalsy();
    expect(raw.toString('latin1')).toMatch(/^Content-Type: text\/plain; charset=utf-8; format=flowed/im);
    expect(raw.toString('latin1')).not.toMatch(/multipart/i);
    expect(parsed.text).toMatch(/^Yes, from ten until four\. The key is with the verger, who opens the side door at a quarter to ten\.\n/);
    expect(parsed.text).toMatch(/wrote:\n> Can we have the hall on Saturday\?\n\n?-- \nAlice\n?$/);
    expect(parsed.inReplyTo).toBe('<hall@example.test>');
    await world.page.evaluate(() => localStorage.removeItem('homing.writing'));
  });

  it('with “reply below the quote”, the cursor waits below the quote: what is typed at once arrives after the quoted text', async () => {
    await world.page.evaluate(() => localStorage.setItem('homing.writing', JSON.stringify({ replyBelowQuote: true, signatureBelowQuote: false, plainTextAccounts: [] })));
    await row(/Hall booking/).click();
    const { page: c } = await composerFrom(world.page, () => world.page.keyboard.press('Control+r'));
    const editor = c.getByTestId('compose-editor');
    await poll(() => editor.textContent()).toContain('Can we have the hall on Saturday?');
    // No click into the text: the answer is typed where the composer put the cursor.
    await poll(() => c.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('compose-editor');
    await c.keyboard.type('Saturday is fine.');
    // A subject of its own, told apart from the other answer in the Outbox.
    await c.getByLabel('Subject').fill('Re: Hall booking (below the quote)');
    await send(c);
    const { parsed } = await delivered('bob', 'Re: Hall booking (below the quote)');
    const text = parsed.text ?? '';
    expect(text).toMatch(/wrote:\n\n?> Can we have the hall on Saturday\?\n/);
    expect(text.indexOf('Saturday is fine.')).toBeGreaterThan(text.indexOf('> Can we have the hall on Saturday?'));
    expect(text).not.toMatch(/Saturday is fine\..*wrote:/s);
    const html = parsed.html || '';
    expect(html.indexOf('Saturday is fine.')).toBeGreaterThan(html.indexOf('Can we have the hall on Saturday?'));
    await world.page.evaluate(() => localStorage.removeItem('homing.writing'));
  });

  it('quotes a plain-text original with long lines so that it wraps: in the composer, in the HTML the recipient gets, and every line quoted when switched to plain text', async () => {
    // HTML reply: the quote wraps in the composer, and in the recipient's client (the delivered HTML laid out at 800 pixels).
    await row(/Minutes of the AGM/).click();
    let { page: c } = await composerFrom(world.page, () => world.page.keyboard.press('Control+r'));
    const editor = c.getByTestId('compose-editor');
    await poll(() => editor.textContent()).toContain('the treasurer reported'.replace('the', 'The'));
    expect(await editor.evaluate((el) => el.scrollWidth - el.clientWidth)).toBeLessThanOrEqual(1);
    await send(c);
    const html = (await delivered('bob', 'Re: Minutes of the AGM')).parsed.html || '';
    expect(html).toContain('white-space:pre-wrap');
    const reading = await world.browser.newPage({ viewport: { width: 800, height: 600 }, javaScriptEnabled: false });
    await reading.setContent(html);
    expect(await reading.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(800);
    await reading.close();

    // Plain text: every line of the original is quoted (only the first one was: the rest read as Alice's own words).
    await row(/Minutes of the AGM/).click();
    ({ page: c } = await composerFrom(world.page, () => world.page.keyboard.press('Control+r')));
    await poll(() => c.getByTestId('compose-editor').textContent()).toContain('Carol said the roof');
    await c.getByRole('button', { name: 'Plain text' }).click();
    await c.getByRole('alertdialog').getByRole('button', { name: 'Switch to plain text' }).click();
    const plain = c.getByTestId('compose-plain');
    await poll(() => plain.inputValue()).toContain('Hi Alice,');
    const quoted = (await plain.inputValue()).split('\n').filter((line) => /Hi Alice|treasurer|roof|^>* ?Bob$/.test(line));
    expect(quoted).toEqual(['> Hi Alice,', `> ${AGM_PARAGRAPH}`, '>> Carol said the roof comes first.', '> Bob']);
    // Sent to Alice herself: Postfix and Dovecot deliver it, Homing syncs it and its reader shows the quote as one.
    await c.getByRole('button', { name: /^Remove Bob Example/ }).click();
    await c.getByRole('combobox', { name: 'To' }).fill('alice@example.test,');
    await c.getByLabel('Subject').fill('Re: Minutes of the AGM (plain)');
    await send(c);
    const { parsed } = await delivered('alice', 'Re: Minutes of the AGM (plain)');
    const text = parsed.text ?? '';
    expect(text.slice(text.indexOf('wrote:')).split('\n').slice(1).filter((line) => line.trim() !== '' && !line.startsWith('>'))).toEqual([]);
    await world.bridge.api.syncAccounts({});
    await row(/Minutes of the AGM \(plain\)/).click({ timeout: 60_000 });
    const frame = world.page.frameLocator('iframe[data-testid="message-frame"]');
    await poll(() => frame.locator('blockquote.homing-quote').first().textContent()).toContain('the committee proposes to keep the subscription');
    expect(await frame.locator('pre.homing-text').evaluate((pre) => Array.from(pre.childNodes).filter((n) => n.nodeType === 3 && /treasurer/.test(n.textContent ?? '')).length)).toBe(0);
  });

  it('forwards as an attachment from the message menu: the original arrives as message/rfc822, byte for byte', async () => {
    await row(/Hall booking/).click({ button: 'right' });
    const { page: c } = await composerFrom(world.page, () => world.page.getByRole('menu', { name: 'Message actions' }).getByRole('menuitem', { name: 'Forward as attachment' }).click());
    const tray = c.getByRole('region', { name: 'Attachments' });
    await poll(() => tray.getByRole('listitem').allTextContents()).toEqual([expect.stringMatching(/^Hall booking\.eml/)]);
    expect(await c.getByLabel('Subject').inputValue()).toBe('Fwd: Hall booking');
    await c.getByRole('combobox', { name: 'To' }).fill('carol@example.test,');
    await c.getByTestId('compose-editor').click();
    await c.keyboard.type('See below, Carol.');
    await send(c);
    const { parsed } = await delivered('carol', 'Fwd: Hall booking');
    const [original] = await withMessageId(world.dovecot, 'alice', 'INBOX', 'hall@example.test');
    expect(parsed.attachments).toHaveLength(1);
    expect(parsed.attachments[0]).toMatchObject({ contentType: 'message/rfc822', filename: 'Hall booking.eml' });
    expect(parsed.attachments[0]!.content.equals(original!.source)).toBe(true);
    expect(parsed.text).toContain('See below, Carol.');
  });

  it('Send later puts the message in the Outbox, waiting until the time chosen', async () => {
    const c = await newMessage('carol@example.test', 'Reminder for Monday');
    await c.getByTestId('compose-editor').click();
    await c.keyboard.type('The hall is booked.');
    const closed = c.waitForEvent('close');
    await c.getByRole('button', { name: 'Send later' }).click();
    await c.getByRole('group', { name: 'Send later' }).getByRole('button', { name: /^Monday morning/ }).click();
    await closed;
    const [item] = (await world.bridge.api.listOutbox({})).filter((i) => i.subject === 'Reminder for Monday');
    expect(item).toMatchObject({ state: 'queued', attempts: 0 });
    const at = new Date(item!.notBefore!);
    expect(at.getDay()).toBe(1);
    expect(at.getTime()).toBeGreaterThan(Date.now());
    // Taken back as a draft, as the Outbox's Edit does, so nothing goes out after the test.
    await world.bridge.api.cancelOutbox({ id: item!.id });
  });

  it('Discard asks first; Cancel keeps the message and its draft, Discard deletes both', async () => {
    const c = await newMessage('carol@example.test', 'Second thoughts');
    await c.getByTestId('compose-editor').click();
    await c.keyboard.type('Perhaps not.');
    await poll(() => c.getByTestId('save-status').textContent()).toBe('Saved');
    const drafts = async () => (await world.bridge.api.listDrafts({})).filter((d) => d.subject === 'Second thoughts');
    expect(await drafts()).toHaveLength(1);
    await c.getByRole('button', { name: 'Discard' }).click();
    const ask = c.getByRole('alertdialog', { name: /Discard this message\? Its saved draft is deleted too\./ });
    await ask.getByRole('button', { name: 'Cancel' }).click();
    await poll(() => ask.count()).toBe(0);
    expect(await c.getByTestId('compose-editor').textContent()).toContain('Perhaps not.');
    expect(await drafts()).toHaveLength(1);
    const closed = c.waitForEvent('close');
    await c.getByRole('button', { name: 'Discard' }).click();
    await ask.getByRole('button', { name: 'Discard' }).click();
    await closed;
    await poll(drafts).toHaveLength(0);
  });
});
