import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MailClient } from '../../shared/client';
import { bridgeClient } from '../helpers/bridge-client';
import { runCli } from '../helpers/cli';
import { type DevWeb, startDevWeb } from '../helpers/dev-web';
import { freePort } from '../servers/free-port';
import { carriesPassword, type RecordingFakeImap, startRecordingFakeImap } from '../servers/recording-fake-imap';

const SECRET = 'Stored-Secret-4f9c';

/**
 * The stored password goes only to the server it was stored for (same host, port and user name, security
 * as strong, the same certificate trust), whoever asks: here a page on the test bridge, which may call
 * anything the window may.
 */
describe('a stored password and the servers it may go to', () => {
  let app: DevWeb;
  let fake: RecordingFakeImap;
  let api: MailClient;
  let close: () => void;
  let accountId = '';
  let closedPort = 0;

  beforeAll(async () => {
    fake = await startRecordingFakeImap();
    closedPort = await freePort();
    app = await startDevWeb(join(mkdtempSync(join(tmpdir(), 'homing-password-scope-')), 'data'));
    ({ api, close } = await bridgeClient(app.url));
    // Saved for localhost on a port where nothing listens (its sync fails at once and sends nothing).
    const account = await api.addAccount({
      email: 'alice@example.org',
      protocol: 'imap',
      host: 'localhost',
      port: closedPort,
      security: 'tls',
      username: 'alice',
      password: SECRET,
    });
    accountId = account.id;
  });

  afterAll(async () => {
    close?.();
    await app?.stop();
    await fake?.close();
  });

  it('refuses to test a server named over the bridge (a fake on loopback, no encryption) with the stored password', async () => {
    const named = { protocol: 'imap' as const, host: '127.0.0.1', port: fake.port, security: 'none' as const, username: 'alice' };
    await expect(api.testConnection({ accountId, server: named })).rejects.toMatchObject({ code: 'PASSWORD_REQUIRED', detail: { change: 'host' } });
    // The same server the password was saved for, but in clear, as someone else, or with another certificate.
    const saved = { protocol: 'imap' as const, host: 'localhost', port: closedPort, security: 'tls' as const, username: 'alice' };
    const cases = [
      [{ ...saved, security: 'none' as const }, undefined, 'security'],
      [{ ...saved, security: 'starttls' as const }, undefined, 'security'],
      [{ ...saved, username: 'mallory' }, undefined, 'username'],
      [{ ...saved, port: fake.port }, undefined, 'port'],
      [saved, 'ab'.repeat(32), 'certificate'],
    ] as const;
    for (const [server, trustedFingerprint, change] of cases) {
      await expect(api.testConnection({ accountId, server, ...(trustedFingerprint ? { trustedFingerprint } : {}) }), change).rejects.toMatchObject({
        code: 'PASSWORD_REQUIRED',
        detail: { change },
      });
    }
    expect(fake.connections).toBe(0);
    expect(carriesPassword(fake.received(), SECRET, 'alice')).toBe(false);
  });

  it('tests any server with a password typed for it, and the saved server with the saved one', async () => {
    const named = { protocol: 'imap' as const, host: '127.0.0.1', port: fake.port, security: 'none' as const, username: 'alice' };
    const typed = await api.testConnection({ accountId, server: named, password: 'typed-for-the-fake' });
    expect(typed).toMatchObject({ ok: true });
    expect(carriesPassword(fake.received(), 'typed-for-the-fake', 'alice')).toBe(true);
    // Stored settings, stored password: allowed (the server is not there, so the test fails to connect).
    expect(await api.testConnection({ accountId })).toMatchObject({ ok: false, error: { code: 'CONNECTION_REFUSED' } });
    // Stronger security on the same server, and the same settings spelled differently, are allowed too.
    expect(await api.testConnection({ accountId, server: { protocol: 'imap', host: 'LOCALHOST.', port: closedPort, security: 'tls', username: 'alice' } })).toMatchObject({ ok: false });
    expect(carriesPassword(fake.received(), SECRET, 'alice')).toBe(false);
  });

  it('refuses to move the account to another server, user, weaker security or another certificate without the password', async () => {
    for (const [patch, change] of [
      [{ host: '127.0.0.1' }, 'host'],
      [{ port: fake.port }, 'port'],
      [{ username: 'mallory' }, 'username'],
      [{ security: 'none' }, 'security'],
      [{ trustedFingerprint: 'cd'.repeat(32) }, 'certificate'],
      [{ host: '127.0.0.1', port: fake.port, security: 'none' }, 'host'],
    ] as const) {
      await expect(api.updateAccount({ id: accountId, patch }), change).rejects.toMatchObject({ code: 'PASSWORD_REQUIRED', detail: { change } });
    }
    const [account] = (await api.listAccounts({})).filter((a) => a.id === accountId);
    expect(account).toMatchObject({ host: 'localhost', port: closedPort, security: 'tls', username: 'alice', trustedFingerprint: null });
    // What does not change where the password goes needs none.
    expect(await api.updateAccount({ id: accountId, patch: { name: 'Alice at home', settings: { checkIntervalMinutes: 30 } } })).toMatchObject({ name: 'Alice at home' });
    // With the password typed again, the move is the user's own.
    const moved = await api.updateAccount({ id: accountId, patch: { host: '127.0.0.1', port: fake.port, security: 'none', password: 'typed-again' } });
    expect(moved).toMatchObject({ host: '127.0.0.1', port: fake.port, security: 'none' });
    expect(carriesPassword(fake.received(), SECRET, 'alice')).toBe(false);
  });
});

/**
 * A password that comes from a password command (set with homing) is as stored as one in the keychain: the
 * window saving its other settings sends the account's command back unchanged, which is not the user
 * giving it again, so a page on the bridge cannot move the account to a server of its own with it.
 */
describe('a password command’s password and the servers it may go to', () => {
  const COMMAND_SECRET = 'Command-Secret-8d31';
  let app: DevWeb;
  let fake: RecordingFakeImap;
  let api: MailClient;
  let close: () => void;

  afterAll(async () => {
    close?.();
    await app?.stop();
    await fake?.close();
  });

  it('refuses to move a command account elsewhere over the bridge, even with its command sent back', async () => {
    fake = await startRecordingFakeImap();
    const closedPort = await freePort();
    const dataDir = join(mkdtempSync(join(tmpdir(), 'homing-password-scope-command-')), 'data');
    const added = await runCli(['--data-dir', dataDir, 'account', 'add', '--email', 'carol@example.org', '--protocol', 'imap', '--host', 'localhost',
      '--port', String(closedPort), '--security', 'tls', '--username', 'carol', '--password-command', `echo ${COMMAND_SECRET}`, '--no-test']);
    expect(added.status, added.stderr).toBe(0);
    const id = added.stdout.trim();
    app = await startDevWeb(dataDir);
    ({ api, close } = await bridgeClient(app.url));
    const [account] = await api.listAccounts({});
    expect(account).toMatchObject({ id, settings: { passwordSource: { kind: 'command' } } });
    const elsewhere = { host: '127.0.0.1', port: fake.port, security: 'none' as const };
    // What the settings dialog sends: the account's settings as they are, its command among them.
    await expect(api.updateAccount({ id, patch: { ...elsewhere, settings: account!.settings } })).rejects.toMatchObject({
      code: 'PASSWORD_REQUIRED',
      detail: { change: 'host' },
    });
    await expect(api.updateAccount({ id, patch: { ...elsewhere, settings: { passwordSource: account!.settings.passwordSource } } })).rejects.toMatchObject({
      code: 'PASSWORD_REQUIRED',
    });
    expect((await api.listAccounts({}))[0]).toMatchObject({ host: 'localhost', port: closedPort, security: 'tls' });
    // Its other settings still save with the command kept, and the command still gives the password.
    expect(await api.updateAccount({ id, patch: { name: 'Carol', settings: account!.settings } })).toMatchObject({ name: 'Carol', settings: { passwordSource: account!.settings.passwordSource } });
    // Give a sync the time to connect wherever the account now points.
    await api.syncAccounts({ accountIds: [id] }).catch(() => undefined);
    expect(fake.connections).toBe(0);
    expect(carriesPassword(fake.received(), COMMAND_SECRET, 'carol')).toBe(false);
  }, 60_000);
});
