import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, resultsDir } from '../helpers/chromium';
import { runCli } from '../helpers/cli';
import { type DevWeb, startDevWeb } from '../helpers/dev-web';
import { type AppPage, openApp } from '../helpers/e2e-app';
import { type DovecotServer, startDovecot } from '../servers/dovecot';
import { uuencode } from '../helpers/uuencode';

/**
 * Mail of old and careful clients, synced from Dovecot, in the reader.
 *
 * A file uuencoded into the text of a message, as Outlook Express and other old clients send it, synced
 * from Dovecot: the reader offers it as an attachment, saved byte for byte, and shows the text without
 * its lines of data. Found delivering such mail into Dovecot: the reader showed 30 lines of
 * 'M)5!$1BTQ+C0*...' and no attachment.
 */
describe('a uuencoded attachment in the reader, in Chromium', () => {
  let server: DovecotServer;
  let app: DevWeb;
  let browser: Browser;
  let view: AppPage;
  let page: Page;
  let dataDir: string;
  const pdf = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 13) & 255)), Buffer.from('\n%%EOF\n')]);

  beforeAll(async () => {
    mkdirSync(resultsDir, { recursive: true });
    server = await startDovecot();
    await server.deliver(
      'alice',
      'From: Old Friend <old@example.org>\r\nTo: alice@example.org\r\nSubject: The quarterly report\r\nDate: Mon, 1 Jan 2024 10:00:00 +0000\r\n' +
        'Message-ID: <oe-1@example.org>\r\nX-Mailer: Microsoft Outlook Express 6.00.2900.5512\r\nMIME-Version: 1.0\r\n' +
        'Content-Type: text/plain; charset="iso-8859-1"\r\nContent-Transfer-Encoding: 7bit\r\n\r\nHere is the report you asked for.\r\n\r\n' +
        uuencode(pdf, 'report Q4.pdf') + '\r\nRegards\r\n',
    );
    await server.deliver('alice', readFileSync(join(import.meta.dirname, '../fixtures/mime/smime-opaque-signed.eml')));
    // Line ends doubled by a Windows script (a CRLF written through a text-mode stream), a bare `\r\r` among them.
    await server.deliver(
      'alice',
      'From: Backup Script <backup@example.org>\r\nTo: alice@example.org\r\nSubject: Nightly backup\r\nDate: Mon, 1 Jan 2024 03:00:00 +0000\r\n' +
        'Message-ID: <crcr-1@example.org>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary=XX\r\r\n\r\r\n' +
        '--XX\r\r\nContent-Type: text/plain; charset=us-ascii\r\r\n\r\r\nThe backup of the wombat share finished.\r\rAll 12 files copied.\r\r\n' +
        '--XX\r\r\nContent-Type: text/html; charset=us-ascii\r\r\n\r\r\n<p>The backup of the <b>wombat</b> share finished.</p>\r\r\n--XX--\r\r\n',
    );
    dataDir = join(mkdtempSync(join(tmpdir(), 'homing-e2e-uu-')), 'data');
    const added = await runCli(
      ['--data-dir', dataDir, 'account', 'add', '--email', 'alice@example.org', '--protocol', 'imap', '--host', '127.0.0.1',
        '--port', String(server.ports.imaps), '--security', 'tls', '--username', 'alice', '--password-env', 'PW',
        '--trust-fingerprint', server.certificate.fingerprint256],
      { env: { PW: 'alice-secret' } },
    );
    expect(added.status, added.stderr).toBe(0);
    const synced = await runCli(['--data-dir', dataDir, 'sync']);
    expect(synced.status, synced.stderr).toBe(0);
    app = await startDevWeb(dataDir);
    browser = await launchChromium();
    view = await openApp(browser, app.url);
    page = view.page;
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    await server?.destroy();
  });

  it('offers the file as an attachment, saves it byte for byte, and leaves its lines out of the text', async () => {
    const row = page.getByTestId('message-list').getByRole('option', { name: /The quarterly report/ });
    await expect.poll(() => row.count(), { timeout: 15_000 }).toBe(1);
    await row.click();
    const frame = page.frameLocator('iframe[data-testid="message-frame"]');
    await expect.poll(() => frame.locator('body').textContent(), { timeout: 15_000 }).toContain('Here is the report you asked for.');
    const body = (await frame.locator('body').textContent())!;
    expect(body).toContain('Regards');
    expect(body).not.toContain('begin 644');
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: /^Save report Q4\.pdf/ }).click();
    const file = await download;
    expect(file.suggestedFilename()).toBe('report Q4.pdf');
    expect(readFileSync(await file.path()).equals(pdf)).toBe(true);
    // The command line lists it and finds it as a message with an attachment; the raw bytes are the server's.
    const listed = JSON.parse((await runCli(['--data-dir', dataDir, 'list', '--json'])).stdout) as Array<{ id: number; subject: string }>;
    const id = String(listed.find((m) => m.subject === 'The quarterly report')!.id);
    const shown = await runCli(['--data-dir', dataDir, 'show', id]);
    expect(shown.stdout).toContain(`[attachment] report Q4.pdf (application/pdf, ${pdf.length} bytes)`);
    expect(shown.stdout).not.toContain('begin 644');
    const found = JSON.parse((await runCli(['--data-dir', dataDir, 'search', 'has:attachment filename:report', '--json'])).stdout) as Array<{ subject: string }>;
    expect(found.map((m) => m.subject)).toEqual(['The quarterly report']);
    expect((await runCli(['--data-dir', dataDir, 'show', id, '--raw'])).stdout).toContain('begin 644 report Q4.pdf');
    expect(view.errors).toEqual([]);
  });

  it('shows the text of a message whose line ends are doubled (\\r\\r\\n), in the list, the reader and search', async () => {
    // Found delivering one into Dovecot: the list's preview and the reader were empty and search found none
    // of its words; mailparser splits lines at LF only, so the header block never ended.
    const row = page.getByTestId('message-list').getByRole('option', { name: /Nightly backup/ });
    await expect.poll(() => row.count(), { timeout: 15_000 }).toBe(1);
    expect(await row.textContent()).toContain('The backup of the wombat share finished.');
    await row.click();
    const frame = page.frameLocator('iframe[data-testid="message-frame"]');
    await expect.poll(() => frame.locator('b').textContent(), { timeout: 15_000 }).toBe('wombat');
    const found = JSON.parse((await runCli(['--data-dir', dataDir, 'search', 'wombat', '--json'])).stdout) as Array<{ id: number; subject: string }>;
    expect(found.map((m) => m.subject)).toEqual(['Nightly backup']);
    const shown = await runCli(['--data-dir', dataDir, 'show', String(found[0]!.id), '--text']);
    expect(shown.stdout).toContain('The backup of the wombat share finished.\nAll 12 files copied.');
    expect(view.errors).toEqual([]);
  });

  it('shows the text of an opaque S/MIME signed message and offers its smime.p7m', async () => {
    // Found delivering one made by openssl smime -sign -nodetach: an empty reader, the list's preview
    // empty, search found none of its words; only smime.p7m was there.
    const row = page.getByTestId('message-list').getByRole('option', { name: /Opaque signed/ });
    await expect.poll(() => row.count(), { timeout: 15_000 }).toBe(1);
    expect(await row.textContent()).toContain('The ocelot report is signed.');
    await row.click();
    const frame = page.frameLocator('iframe[data-testid="message-frame"]');
    await expect.poll(() => frame.locator('body').textContent(), { timeout: 15_000 }).toContain('The ocelot report is signed. Grüße');
    expect(await frame.locator('b').textContent()).toBe('ocelot');
    expect(await page.getByRole('button', { name: /^Save smime\.p7m/ }).count()).toBe(1);
    const found = JSON.parse((await runCli(['--data-dir', dataDir, 'search', 'ocelot', '--json'])).stdout) as Array<{ subject: string }>;
    expect(found.map((m) => m.subject)).toEqual(['Opaque signed']);
    expect(view.errors).toEqual([]);
  });
});
