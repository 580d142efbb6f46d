import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { composerFrom, type ComposeWorld, outboxItem, startComposeWorld } from '../helpers/compose-e2e';
import { eventually, serverFiles } from '../helpers/imap-sync';
import { buildMessage } from '../helpers/ui-corpus';

const lockPid = (dataDir: string) => {
  try {
    return (JSON.parse(readFileSync(join(dataDir, 'homing.lock'), 'utf8')) as { pid: number }).pid;
  } catch {
    return 0;
  }
};

/**
 * The user who runs `homing sync --watch` in a terminal (or as a login service) and then opens the app:
 * every change made in the window is carried out by the watch process (it holds the data directory
 * throughout), the window shows what it does, the sidebar says the account is live, and when the watch
 * process stops the window's backend takes the writer over and syncs by itself, without a restart.
 * The composer tests' world (Dovecot, Postfix, alice's account), with the watch process started before
 * dev-web instead of a `homing sync`.
 */
describe('the window while homing sync --watch holds the data directory', () => {
  let world: ComposeWorld;
  let watcher: ChildProcess;
  let watcherExit: Promise<number | null>;
  let watcherErr = '';
  let page: Page;

  const poll = <T>(probe: () => Promise<T> | T, timeout = 30_000) => expect.poll(probe, { timeout });
  const row = (name: string | RegExp) => page.getByTestId('message-list').getByRole('option', { name });
  const status = async () => (await page.getByTestId('sync-status').getByTestId('sync-summary').allTextContents()).join(' ');
  const isUnread = async (name: RegExp) => /^Unread, /.test((await row(name).first().textContent()) ?? '');
  const on = async (folder: string, messageId: string, user = 'alice') =>
    (await serverFiles(world.dovecot, user, folder)).find((f) => f.bytes.includes(messageId)) ?? null;

  beforeAll(async () => {
    const mail = [
      { from: 'Bob Stone <bob@example.test>', subject: 'Lunch on Friday?', id: 'lunch-1@example.test', text: 'Shall we have lunch on Friday?' },
      { from: 'Rail <tickets@rail.example>', subject: 'Your e-ticket', id: 'ticket-1@rail.example', text: 'Your ticket is attached.' },
      { from: 'Nadia <nadia@example.org>', subject: 'Dinner on Saturday', id: 'dinner-1@example.org', text: 'Paella at eight.' },
    ];
    world = await startComposeWorld(
      async (dovecot) => {
        for (const [i, m] of mail.entries()) {
          await dovecot.deliver('alice', buildMessage({ ...m, to: 'alice@example.test', date: new Date(Date.now() - (i + 1) * 3_600_000) }));
        }
      },
      {
        // The watch process makes the first sync and holds the data directory when dev-web starts.
        sync: false,
        async beforeApp({ dataDir }) {
          // Sent copies are looked for at once (no wait for the server to file its own): Dovecot never does.
          watcher = spawn(process.execPath, [join(inject('buildDir'), 'node', 'homing.cjs'), '--data-dir', dataDir, 'sync', '--watch'], {
            stdio: ['ignore', 'ignore', 'pipe'],
            env: { ...process.env, HOMING_SENT_COPY_WAIT_MS: '0' },
          });
          watcher.stderr!.setEncoding('utf8').on('data', (text: string) => (watcherErr += text));
          watcherExit = new Promise((resolve) => watcher.once('exit', (code) => resolve(code)));
          await eventually(() => lockPid(dataDir), (pid) => pid === watcher.pid, 30_000);
          await eventually(() => watcherErr, (text) => /synced, 3 new/.test(text), 60_000);
        },
      },
    );
    page = world.page;
    await row(/Lunch on Friday/).waitFor({ timeout: 30_000 });
  });
  afterAll(async () => {
    if (watcher && watcher.exitCode === null && watcher.signalCode === null) {
      watcher.kill('SIGINT');
      await watcherExit;
    }
    await world?.close();
  });

  it('says the account is live, as the watch process keeps it', async () => {
    await poll(() => status()).toMatch(/Live — up to date/);
    expect(await status()).not.toMatch(/Offline|Not syncing|Not checked yet/);
  });

  it('marks read and unread, moves, deletes and undoes through the watch process, which puts it on the server', async () => {
    await row(/Lunch on Friday/).click();
    await poll(() => isUnread(/Lunch on Friday/)).toBe(false);
    await poll(async () => (await on('INBOX', 'lunch-1@example.test'))?.flags, 60_000).toContain('S');
    await page.keyboard.press('u');
    await poll(() => isUnread(/Lunch on Friday/)).toBe(true);
    await poll(async () => (await on('INBOX', 'lunch-1@example.test'))?.flags, 60_000).not.toContain('S');

    await row(/Dinner on Saturday/).click();
    await page.keyboard.press('v');
    const picker = page.getByRole('dialog', { name: 'Move message to…' });
    await poll(() => picker.count()).toBe(1);
    await page.keyboard.type('Archive');
    await page.keyboard.press('Enter');
    await poll(() => row(/Dinner on Saturday/).count()).toBe(0);
    await poll(() => on('Archive', 'dinner-1@example.org'), 60_000).not.toBeNull();

    await row(/Your e-ticket/).click();
    await page.keyboard.press('#');
    await poll(() => row(/Your e-ticket/).count()).toBe(0);
    await poll(() => on('Trash', 'ticket-1@rail.example'), 60_000).not.toBeNull();
    await page.getByTestId('message-list').focus();
    await page.keyboard.press('Control+z');
    await poll(() => row(/Your e-ticket/).count()).toBe(1);
    await poll(() => on('INBOX', 'ticket-1@rail.example'), 60_000).not.toBeNull();
    await poll(() => on('Trash', 'ticket-1@rail.example'), 60_000).toBeNull();
    // The watch process did it all: it held the data directory throughout.
    expect(lockPid(world.dataDir)).toBe(watcher.pid);
    expect(world.view.errors).toEqual([]);
  });

  it('sends a reply through Postfix by the watch process: Bob has it once, Sent has it once', async () => {
    await row(/Lunch on Friday/).click();
    const composer = await composerFrom(page, () => page.keyboard.press('Control+r'));
    const c = composer.page;
    await poll(() => c.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('compose-editor');
    await c.keyboard.type('Friday works for me.');
    await c.getByRole('button', { name: 'Send', exact: true }).click();
    const atBob = async () => (await serverFiles(world.dovecot, 'bob', 'INBOX')).filter((f) => f.bytes.includes('Re: Lunch on Friday?'));
    await poll(async () => (await atBob()).length, 90_000).toBe(1);
    await poll(async () => (await serverFiles(world.dovecot, 'alice', 'Sent')).filter((f) => f.bytes.includes('Re: Lunch on Friday?')).length, 90_000).toBe(1);
    await poll(async () => (await on('INBOX', 'lunch-1@example.test'))?.flags, 60_000).toContain('R');
    // The window heard the watch process send and file it: nothing is left waiting in its Outbox.
    expect((await outboxItem(world, 'Re: Lunch on Friday?')).state).toBe('filed');
    await poll(async () => (await world.bridge.api.listOutbox({})).length).toBe(0);
    await poll(() => page.getByRole('tree', { name: 'Mailboxes' }).textContent()).not.toMatch(/waiting to be sent/);
    expect(composer.errors).toEqual([]);
    expect(lockPid(world.dataDir)).toBe(watcher.pid);
  });

  it('takes over when the watch process stops: new mail arrives, changes reach the server', async () => {
    watcher.kill('SIGINT');
    expect(await watcherExit).toBe(0);
    await poll(() => lockPid(world.dataDir)).toBe(world.app.pid);
    await world.dovecot.deliver('alice', buildMessage({ from: 'Bob Stone <bob@example.test>', to: 'alice@example.test', subject: 'After the handover', id: 'after-1@example.test', date: new Date(), text: 'Still here.' }));
    await poll(() => row(/After the handover/).count(), 60_000).toBe(1);
    await row(/After the handover/).click();
    await poll(() => isUnread(/After the handover/)).toBe(false);
    await poll(async () => (await on('INBOX', 'after-1@example.test'))?.flags, 60_000).toContain('S');
    await poll(() => status()).toMatch(/Live — up to date/);
    expect(await page.getByRole('tree', { name: 'Mailboxes' }).textContent()).not.toMatch(/waiting to be sent/);
    expect(world.view.errors).toEqual([]);
  });
});
