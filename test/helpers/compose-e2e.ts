import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { expect } from 'vitest';
import type { OutboxItem } from '../../shared/contract/outgoing';
import { type DovecotOptions, type DovecotServer, startDovecot } from '../servers/dovecot';
import { type PostfixServer, startPostfix } from '../servers/postfix';
import { bridgeClient } from './bridge-client';
import { launchChromium } from './chromium';
import { runCli } from './cli';
import { type DevWeb, startDevWeb } from './dev-web';
import { type AppPage, openApp } from './e2e-app';
import { eventually } from './imap-sync';

/**
 * What the composer's end-to-end tests share: a private Dovecot (alice, bob, carol) and Postfix, alice's
 * account added with the CLI (IMAP and the outgoing server, certificates pinned) and synced, dev-web on that
 * data directory, the mail window in Chromium, and the service over the bridge for checks.
 */
export interface ComposeWorld {
  dovecot: DovecotServer;
  postfix: PostfixServer;
  dataDir: string;
  accountId: string;
  app: DevWeb;
  bridge: Awaited<ReturnType<typeof bridgeClient>>;
  browser: Browser;
  view: AppPage;
  page: Page;
  /** Starts dev-web again on the same data directory (after a kill) and opens a new mail window. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

export const PASSWORDS = { alice: 'alice-secret', bob: 'bob-secret', carol: 'carol-secret' };

export interface ComposeWorldOptions {
  /** Dovecot's options beside its users (the certificate's names, say); Postfix serves the same certificate. */
  dovecot?: Omit<DovecotOptions, 'users'>;
  /** Environment for the CLI and dev-web (a loopback DNS server, Dovecot's certificate as an authority). */
  env?: (dovecot: DovecotServer) => Record<string, string>;
  /** Sync alice's account with `homing sync` before dev-web starts (the default); false leaves it to `beforeApp`. */
  sync?: boolean;
  /**
   * Runs once the account is added (and synced), before dev-web starts: say, a `homing sync --watch` that
   * is to hold the data directory while the window is open.
   */
  beforeApp?(world: Pick<ComposeWorld, 'dovecot' | 'postfix' | 'dataDir' | 'accountId'>): Promise<void>;
}

export async function startComposeWorld(seed: (dovecot: DovecotServer) => Promise<void>, options: ComposeWorldOptions = {}): Promise<ComposeWorld> {
  const dovecot = await startDovecot({ ...options.dovecot, users: Object.entries(PASSWORDS).map(([name, password]) => ({ name, password })) });
  const postfix = await startPostfix({ dovecot });
  await seed(dovecot);
  const dataDir = mkdtempSync(join(tmpdir(), 'homing-e2e-compose-'));
  const extraEnv = options.env?.(dovecot) ?? {};
  const env = { ...extraEnv, ALICE_PW: PASSWORDS.alice };
  const added = await runCli(
    ['--data-dir', dataDir, 'account', 'add', '--email', 'alice@example.test', '--name', 'Alice Martin', '--protocol', 'imap', '--host', '127.0.0.1',
      '--port', String(dovecot.ports.imaps), '--security', 'tls', '--username', 'alice', '--password-env', 'ALICE_PW',
      '--trust-fingerprint', dovecot.certificate.fingerprint256, '--smtp-host', '127.0.0.1', '--smtp-port', String(postfix.ports.submissions),
      '--smtp-security', 'tls', '--smtp-trust-fingerprint', postfix.certificate.fingerprint256],
    { env },
  );
  expect(added.status, added.stderr).toBe(0);
  const accountId = added.stdout.trim();
  if (options.sync !== false) {
    const synced = await runCli(['--data-dir', dataDir, 'sync'], { env });
    expect(synced.status, synced.stderr).toBe(0);
  }

  const world = { dovecot, postfix, dataDir, accountId } as ComposeWorld;
  await options.beforeApp?.(world);
  // Sent copies are looked for at once (no wait for the server to file its own): Dovecot never does.
  const devWebEnv = { ...extraEnv, HOMING_SENT_COPY_WAIT_MS: '0' };
  world.app = await startDevWeb(dataDir, devWebEnv);
  world.bridge = await bridgeClient(world.app.url);
  world.browser = await launchChromium();
  world.view = await openApp(world.browser, world.app.url);
  world.page = world.view.page;
  world.restart = async () => {
    world.bridge.close();
    world.app = await startDevWeb(dataDir, devWebEnv);
    world.bridge = await bridgeClient(world.app.url);
    world.view = await openApp(world.browser, world.app.url);
    world.page = world.view.page;
  };
  world.close = async () => {
    world.bridge?.close();
    await world.browser?.close();
    await world.app?.stop();
    await postfix.destroy();
    await dovecot.destroy();
  };
  return world;
}

/** A composer page: opened by `open` (a click, a key) in a new tab of the mail window's browser context. */
export async function composerFrom(page: Page, open: () => Promise<unknown>): Promise<AppPage> {
  const [composer] = await Promise.all([page.context().waitForEvent('page'), open()]);
  const errors: string[] = [];
  const dialogs: string[] = [];
  composer.on('pageerror', (error) => errors.push(error.message));
  composer.on('dialog', (dialog) => {
    dialogs.push(`${dialog.type()}: ${dialog.message()}`);
    void dialog.dismiss();
  });
  await composer.waitForLoadState('domcontentloaded');
  await composer.locator('[data-testid="compose-editor"], [data-testid="compose-plain"], .composer-done').first().waitFor({ timeout: 30_000 });
  return { page: composer, errors, dialogs };
}

/** Waits until the outbox item for `subject` reaches `state` (filed: sent and in Sent), and returns it. */
export async function outboxItem(world: ComposeWorld, subject: string, state: OutboxItem['state'] = 'filed'): Promise<OutboxItem> {
  const found = await eventually(
    async () => (await world.bridge.api.listOutbox({ includeFiled: true })).filter((i) => i.subject === subject),
    (items) => items.some((i) => i.state === state),
    90_000,
  );
  return found.find((i) => i.state === state)!;
}

export const setUndoDelay = (world: ComposeWorld, seconds: number) =>
  world.bridge.api.updateAccount({ id: world.accountId, patch: { settings: { undoSendSeconds: seconds } } });
