import { readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { mkdtempSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageSummary } from '../../shared/contract/messages';
import { type HostileFixture, hostileCorpus } from '../fixtures/hostile/corpus';
import { type ComposeWorld, startComposeWorld } from '../helpers/compose-e2e';

/** A loopback server standing in for every remote URL of the corpus: counts requests and connections. */
async function startCanary(): Promise<{ origin: string; requests: string[]; connections(): number; close(): Promise<void> }> {
  const requests: string[] = [];
  let connections = 0;
  const server: Server = createServer((req, res) => {
    requests.push(req.url ?? '');
    res.writeHead(200, { 'content-type': 'image/gif', 'cache-control': 'no-store' }).end(Buffer.from('R0lGODlhAQABAAAAACw=', 'base64'));
  });
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    connections: () => connections,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * The reader's canary check (test/e2e/hostile.test.ts) applied to the composer: every message of the
 * hostile corpus, delivered to alice's INBOX on Dovecot, is answered (Reply, and an inline Forward for the
 * HTML ones) in a composer page in Chromium. There the quoted message is part of the page itself, so the
 * composer's sanitising (the reader's rules), its parking of remote images and the page's own
 * Content-Security-Policy are all that stand between the mail and the page that can talk to the backend.
 * Until the user clicks "Load images" the canary must get no request and no connection, no script may run
 * (no `window.__pwned`, no dialog, no "PWNED" on the console), and the page must make no request but to
 * its own origin. After the click, images may load (paths under /img/), nothing else.
 */
describe('answering hostile mail in the composer: zero scripts, zero requests', () => {
  let world: ComposeWorld;
  let canary: Awaited<ReturnType<typeof startCanary>>;
  let fixtures: HostileFixture[];
  let messages: MessageSummary[];
  let bigDir: string;
  const pwned: string[] = [];
  const consoleLines: string[] = [];
  const dialogs: string[] = [];
  const errors: string[] = [];
  const foreignRequests: Array<{ url: string; consented: boolean }> = [];
  const consented = new Set<string>();
  let connectionsBeforeConsent: number | null = null;
  const answered: Array<{ subject: string; mode: string; quoted: boolean }> = [];
  const fixtureOf = (url: string) => /\/(h\d\d)-/.exec(url)?.[1] ?? null;

  beforeAll(async () => {
    canary = await startCanary();
    bigDir = mkdtempSync(join(tmpdir(), 'homing-e2e-hostile-big-'));
    fixtures = await hostileCorpus({ canaryOrigin: canary.origin, bigDir });
    world = await startComposeWorld(async (dovecot) => {
      for (const f of fixtures) await dovecot.deliver('alice', f.source.kind === 'buffer' ? f.source.bytes : readFileSync(f.source.path));
    });
    const inbox = (await world.bridge.api.listFolders({ accountId: world.accountId })).find((f) => f.specialUse === 'inbox' || f.path === 'INBOX')!;
    const ids = await world.bridge.api.listMessageIds({ mailbox: { folderId: inbox.id }, sort: 'subject-asc' });
    messages = (await world.bridge.api.getMessageSummaries({ ids })).filter((m) => m.from?.address !== 'alice@example.test');
  }, 600_000);

  afterAll(async () => {
    const before = canary?.requests.filter((r) => !consented.has(fixtureOf(r) ?? '')) ?? [];
    console.log(
      `compose hostile e2e: ${answered.length} answers to ${messages?.length ?? 0} messages (${answered.filter((a) => a.quoted).length} with a quote); ` +
        `scripts run = ${pwned.length + dialogs.length + consoleLines.filter((l) => l.includes('PWNED')).length}; canary requests before consent = ${before.length}; ` +
        `images loaded after consent for ${consented.size} messages: ${canary?.requests.length ?? 0} requests`,
    );
    await world?.close();
    await canary?.close();
    rmSync(bigDir, { recursive: true, force: true });
  });

  /** A composer page answering `message`, with every detector attached. */
  async function answer(message: MessageSummary, mode: 'reply' | 'forward-inline'): Promise<Page> {
    const page = await world.browser.newPage({ viewport: { width: 1000, height: 800 } });
    page.on('console', (m) => consoleLines.push(`${m.type()}: ${m.text()}`));
    page.on('dialog', (d) => {
      dialogs.push(`${message.subject}: ${d.type()} ${d.message()}`);
      void d.dismiss();
    });
    page.on('pageerror', (e) => errors.push(`${message.subject}: ${e.message}`));
    const appOrigin = new URL(world.app.url).origin;
    page.on('request', (request) => {
      const url = request.url();
      if (url.startsWith('data:') || url.startsWith(appOrigin)) return;
      foreignRequests.push({ url: `${request.resourceType()} ${url}`, consented: consented.has(fixtureOf(url) ?? '') });
    });
    const url = new URL(world.app.url);
    await page.goto(`${url.origin}/compose.html?respond=${message.id}&mode=${mode}${url.hash}`);
    await page.locator('[data-testid="compose-editor"], .composer-done').first().waitFor({ timeout: 60_000 });
    // Time for whatever a payload would try: lazy images, timers, CSS.
    await page.waitForTimeout(150);
    return page;
  }

  async function scan(page: Page, label: string): Promise<void> {
    const found = await page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned ?? null);
    if (found !== null) pwned.push(`${label}: ${String(found)}`);
  }

  it('answers every message: no script, no request, no dialog; after "Load images" only images', async () => {
    expect(messages.length).toBe(fixtures.length);
    for (const message of messages) {
      for (const mode of ['reply', 'forward-inline'] as const) {
        if (mode === 'forward-inline' && !/^Hostile \d\d/.test(message.subject)) continue;
        const page = await answer(message, mode);
        const label = `${message.subject} (${mode})`;
        const quoted = (await page.locator('.editor-canvas .homing-cite').count()) > 0;
        answered.push({ subject: message.subject, mode, quoted });
        await scan(page, label);
        expect({ label, canary: canary.requests.filter((r) => !consented.has(fixtureOf(r) ?? '')), foreign: foreignRequests.filter((r) => !r.consented), pwned, dialogs }).toEqual({
          label,
          canary: [],
          foreign: [],
          pwned: [],
          dialogs: [],
        });
        const load = page.getByRole('button', { name: 'Load images' });
        if (mode === 'reply' && (await load.count()) > 0) {
          const fixture = /^Hostile (\d\d):/.exec(message.subject)?.[1];
          if (!fixture) throw new Error(`remote content in a message that is not an h fixture: ${message.subject}`);
          connectionsBeforeConsent ??= canary.connections();
          consented.add(`h${fixture}`);
          // The draft is saved, and the page comes back with a policy that lets images load.
          await Promise.all([page.waitForURL(/remote=1/), load.click()]);
          await page.locator('[data-testid="compose-editor"]').waitFor();
          await page.waitForTimeout(300);
          await scan(page, `${label} (images allowed)`);
          const draftId = Number(new URL(page.url()).searchParams.get('draft'));
          await world.bridge.api.deleteDraft({ id: draftId });
        }
        await page.close();
      }
    }
    expect(pwned).toEqual([]);
    expect(dialogs).toEqual([]);
    expect(consoleLines.filter((l) => l.includes('PWNED'))).toEqual([]);
    expect(connectionsBeforeConsent ?? canary.connections()).toBe(0);
    // After consent: images of the consented messages, nothing else.
    expect(consented.size).toBeGreaterThan(5);
    expect(canary.requests.length).toBeGreaterThan(0);
    expect(canary.requests.filter((path) => !path.startsWith('/img/'))).toEqual([]);
    expect(foreignRequests.filter((r) => !r.url.includes('/img/'))).toEqual([]);
    expect(errors).toEqual([]);
    // Every message got a quote (a forward of an .eml as attachment is the only answer without one).
    expect(answered.filter((a) => !a.quoted)).toEqual([]);
  }, 900_000);

  it('control: the detectors see a script in a composer page (so the checks above can fail)', async () => {
    const page = await answer(messages[0]!, 'reply');
    await page.evaluate(() => {
      (window as unknown as { __pwned: string }).__pwned = 'control';
      console.log('PWNED control');
    });
    await scan(page, 'control');
    await expect.poll(() => consoleLines.filter((l) => l.includes('PWNED control')).length).toBe(1);
    expect(pwned).toEqual([expect.stringMatching(/^control: control$/)]);
    await page.close();
    // The printed summary counts the corpus only.
    pwned.length = 0;
    consoleLines.splice(0, consoleLines.length, ...consoleLines.filter((l) => !l.includes('PWNED control')));
  });
});
