import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchChromium } from '../helpers/chromium';
import { runCli } from '../helpers/cli';
import { type DevWeb, startDevWeb } from '../helpers/dev-web';
import { type AppPage, openApp } from '../helpers/e2e-app';
import { deliverMany, eventually } from '../helpers/imap-sync';
import { buildMessage } from '../helpers/ui-corpus';
import { type DovecotServer, startDovecot } from '../servers/dovecot';
import { type FaultProxy, startFaultProxy } from '../servers/fault-proxy';

const lockPid = (dataDir: string) => {
  try {
    return (JSON.parse(readFileSync(join(dataDir, 'homing.lock'), 'utf8')) as { pid: number }).pid;
  } catch {
    return 0;
  }
};

/**
 * The user with `homing sync` in cron who opens the app while a pass is still running (a long first
 * download, a slow server: here a test proxy that throttles Dovecot until the test lets the pass end):
 * what they do in the window is carried out by that pass's process, not refused, the open message shows
 * what a `homing` in a terminal changed meanwhile, and the app takes over when the pass is done. Then the
 * same window following a holder that tells nothing (an older Homing, played by a process that holds the
 * lock and a connection that writes the store): the open message still shows what it changed.
 */
describe('the window while a homing sync from cron holds the data directory', () => {
  let server: DovecotServer;
  let proxy: FaultProxy;
  let dataDir: string;
  let app: DevWeb | null = null;
  let browser: Browser;
  let view: AppPage;
  let page: Page;
  let cron: ChildProcess;
  let cronExit: Promise<number | null>;
  let cronErr = '';
  const slow = { kind: 'throttle' as const, bytesPerSecond: 1_000 };

  const poll = <T>(probe: () => Promise<T> | T, timeout = 30_000) => expect.poll(probe, { timeout });
  const row = (name: string | RegExp) => page.getByTestId('message-list').getByRole('option', { name });
  const isUnread = async (name: RegExp) => /^Unread, /.test((await row(name).first().textContent()) ?? '');
  const readerFlag = () => page.locator('.reader-flag');
  const idOf = async (word: string) =>
    (JSON.parse((await runCli(['--data-dir', dataDir, 'search', `subject:${word}`, '--json'])).stdout) as Array<{ id: number }>)[0]!.id;
  const errorBanners = () => page.locator('.banner.error').count();

  beforeAll(async () => {
    server = await startDovecot();
    proxy = await startFaultProxy({ host: '127.0.0.1', port: server.ports.imaps });
    const mail = [
      { from: 'Bob Stone <bob@example.test>', subject: 'Lunch on Friday?', id: 'lunch-1@example.test', text: 'Shall we have lunch on Friday?' },
      { from: 'Nadia <nadia@example.org>', subject: 'Dinner on Saturday', id: 'dinner-1@example.org', text: 'Paella at eight.' },
    ];
    for (const [i, m] of mail.entries()) {
      await server.deliver('alice', buildMessage({ ...m, to: 'alice@example.org', date: new Date(Date.now() - (i + 1) * 3_600_000) }));
    }
    dataDir = join(mkdtempSync(join(tmpdir(), 'homing-e2e-cron-')), 'data');
    const added = await runCli(
      ['--data-dir', dataDir, 'account', 'add', '--email', 'alice@example.org', '--protocol', 'imap', '--host', '127.0.0.1',
        '--port', String(proxy.port), '--security', 'tls', '--username', 'alice', '--password-env', 'E2E_PASSWORD',
        '--trust-fingerprint', server.certificate.fingerprint256],
      { env: { E2E_PASSWORD: 'alice-secret' } },
    );
    expect(added.status, added.stderr).toBe(0);
    expect((await runCli(['--data-dir', dataDir, 'sync'])).status).toBe(0);

    // Then more mail than the slowed server gives quickly, and the pass from cron that downloads it.
    const padding = 'Words to make the message long enough to take a while. '.repeat(100);
    await deliverMany(server, 'alice', Array.from({ length: 4 }, (_, n) => ({
      raw: Buffer.from(`From: Cron <cron@example.org>\r\nTo: alice@example.org\r\nSubject: Slow ${n}\r\nMessage-ID: <slow-${n}@example.org>\r\n\r\n${padding}\r\n`),
    })));
    // The proxy reads the rate at each chunk it forwards: raised later, the pass ends.
    proxy.inject(slow);
    cron = spawn(process.execPath, [join(inject('buildDir'), 'node', 'homing.cjs'), '--data-dir', dataDir, 'sync'], { stdio: ['ignore', 'ignore', 'pipe'] });
    cron.stderr!.setEncoding('utf8').on('data', (text: string) => (cronErr += text));
    cronExit = new Promise((resolve) => cron.once('exit', (code) => resolve(code)));
    await eventually(() => lockPid(dataDir), (pid) => pid === cron.pid, 30_000);

    app = await startDevWeb(dataDir);
    browser = await launchChromium();
    view = await openApp(browser, app.url);
    page = view.page;
    await row(/Lunch on Friday/).waitFor({ timeout: 30_000 });
  }, 180_000);
  afterAll(async () => {
    if (cron && cron.exitCode === null && cron.signalCode === null) cron.kill('SIGKILL');
    await browser?.close();
    await app?.stop();
    await proxy?.close();
    await server?.destroy();
  });

  it('carries out the window’s changes by the pass’s process, and the open message shows a terminal’s change', async () => {
    await row(/Lunch on Friday/).click();
    await poll(() => isUnread(/Lunch on Friday/)).toBe(false);
    expect(await readerFlag().count()).toBe(0);
    // homing in a terminal flags the open message: handed to the pass too, and its event reaches the reader.
    const flagged = await runCli(['--data-dir', dataDir, 'mark', String(await idOf('Lunch')), '--flag']);
    expect(flagged).toMatchObject({ status: 0, stderr: '' });
    await poll(() => readerFlag().count()).toBe(1);
    // Unflagged from the window's keyboard shortcut, still by the pass's process.
    await page.getByTestId('message-list').focus();
    await page.keyboard.press('s');
    await poll(() => readerFlag().count()).toBe(0);
    expect(lockPid(dataDir)).toBe(cron.pid);
    expect(cron.exitCode).toBeNull();
    expect(await errorBanners()).toBe(0);

    // The pass ends by itself, and the window's backend takes the writer over.
    slow.bytesPerSecond = 100_000_000;
    proxy.heal();
    expect(await cronExit).toBe(0);
    expect(cronErr).not.toMatch(/homing: (?!note)/);
    await poll(() => lockPid(dataDir)).toBe(app!.pid);
    await poll(() => row(/Slow 3/).count()).toBe(1);
    await row(/Dinner on Saturday/).click();
    await poll(() => isUnread(/Dinner on Saturday/)).toBe(false);
    expect(await errorBanners()).toBe(0);
    expect(view.errors).toEqual([]);
  });

  it('shows on the open message what a holder that tells nothing changed in the store', async () => {
    await app!.stop();
    app = null;
    // An older Homing, played by a process that holds the lock (and serves no socket) and a connection of
    // this test that writes the store as that process would.
    const older = spawn(
      process.execPath,
      ['-e', `require('node:fs').writeFileSync(${JSON.stringify(join(dataDir, 'homing.lock'))}, JSON.stringify({pid: process.pid, host: ${JSON.stringify(hostname())}, since: ''})); setInterval(() => {}, 1000)`],
      { stdio: 'ignore' },
    );
    try {
      await eventually(() => lockPid(dataDir), (pid) => pid === older.pid);
      app = await startDevWeb(dataDir);
      view = await openApp(browser, app.url);
      page = view.page;
      // Read already, so opening it asks the writer nothing.
      await row(/Dinner on Saturday/).click();
      await poll(() => page.getByRole('heading', { name: 'Dinner on Saturday' }).count()).toBe(1);
      expect(await readerFlag().count()).toBe(0);
      const store = new Database(join(dataDir, 'homing.sqlite'));
      try {
        store.prepare('UPDATE messages SET flagged = 1 WHERE id = ?').run(await idOf('Dinner'));
      } finally {
        store.close();
      }
      await poll(() => readerFlag().count()).toBe(1);
      expect(view.errors).toEqual([]);
    } finally {
      older.kill('SIGKILL');
    }
  });
});
