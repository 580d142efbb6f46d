import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { expect } from 'vitest';
import type { DovecotServer } from '../servers/dovecot';
import { bridgeClient } from './bridge-client';
import { launchChromium } from './chromium';
import { runCli } from './cli';
import { type DevWeb, startDevWeb } from './dev-web';
import { type AppPage, openApp } from './e2e-app';
import { eventually } from './imap-sync';

/** One IMAP account on the test's Dovecot: `user@example.org`, its password `user-secret`. */
export interface MailWindowAccount {
  user: string;
  /** The name the user gave (`--name`); none: the account is labelled by its address. */
  name?: string;
}

/**
 * What the mail window's end-to-end tests (organise, rules, daily use) share once their Dovecot holds its
 * mail: the accounts added with the CLI (certificate pinned) and synced, dev-web on that data directory with
 * every account watched (as the desktop shell does at start), the mail window in Chromium, and the service
 * over the bridge for checks.
 */
export interface MailWindow {
  dataDir: string;
  app: DevWeb;
  bridge: Awaited<ReturnType<typeof bridgeClient>>;
  browser: Browser;
  view: AppPage;
  page: Page;
  close(): Promise<void>;
}

export async function openMailWindow(server: DovecotServer, accounts: MailWindowAccount[], dirPrefix: string): Promise<MailWindow> {
  const dataDir = mkdtempSync(join(tmpdir(), `homing-e2e-${dirPrefix}-`));
  for (const { user, name } of accounts) {
    const added = await runCli(
      [
        '--data-dir', dataDir, 'account', 'add', '--email', `${user}@example.org`, '--protocol', 'imap', '--host', '127.0.0.1',
        '--port', String(server.ports.imaps), '--security', 'tls', '--username', user, '--password-env', 'E2E_PASSWORD',
        '--trust-fingerprint', server.certificate.fingerprint256, ...(name ? ['--name', name] : []),
      ],
      { env: { E2E_PASSWORD: `${user}-secret` } },
    );
    expect(added.status, added.stderr).toBe(0);
  }
  const synced = await runCli(['--data-dir', dataDir, 'sync']);
  expect(synced.status, synced.stderr).toBe(0);
  const app = await startDevWeb(dataDir);
  const bridge = await bridgeClient(app.url);
  let browser: Browser | undefined;
  try {
    await bridge.api.startWatching({});
    await eventually(
      async () => (await bridge.api.getSyncStatus({})).filter((s) => s.phase === 'watching').length,
      (watching) => watching === accounts.length,
      60_000,
    );
    browser = await launchChromium();
    const view = await openApp(browser, app.url);
    const opened = browser;
    return {
      dataDir,
      app,
      bridge,
      browser: opened,
      view,
      page: view.page,
      async close() {
        bridge.close();
        await opened.close();
        await app.stop();
      },
    };
  } catch (error) {
    bridge.close();
    await browser?.close();
    await app.stop();
    throw error;
  }
}
