import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli';
import { deliverMany, maildirFiles, testMessage } from '../helpers/pop3-fixture';
import { type DovecotServer, startDovecot } from '../servers/dovecot';

/** `homing account add --protocol pop3 --pop3-delete …` and `homing sync`, end to end, as a user runs them. */
describe('homing CLI with a POP3 account', () => {
  let server: DovecotServer;
  beforeAll(async () => {
    server = await startDovecot({ users: [{ name: 'cli', password: 'cli-secret' }, { name: 'wrong', password: 'right' }, { name: 'gone', password: 'gone-secret' }] });
  });
  afterAll(async () => {
    await server?.destroy();
  });

  const add = (dir: string, user: string, extra: string[]) =>
    runCli(
      ['--data-dir', dir, 'account', 'add', '--email', `${user}@example.org`, '--protocol', 'pop3', '--host', '127.0.0.1',
        '--port', String(server.ports.pop3), '--security', 'starttls', '--username', user, '--password-env', 'PW',
        '--trust-fingerprint', server.certificate.fingerprint256, ...extra],
      { env: { PW: `${user}-secret` } },
    );

  it('adds a POP3 account over STLS, syncs it, lists the mail with UIDLs, and follows --pop3-delete', async () => {
    deliverMany(server, 'cli', [testMessage(1), testMessage(2)]);
    const dir = mkdtempSync(join(tmpdir(), 'homing-pop3-cli-'));
    const added = await add(dir, 'cli', ['--pop3-delete', 'after-days:30']);
    expect(added.stderr).toBe('');
    const id = added.stdout.trim();
    const accounts = JSON.parse((await runCli(['--data-dir', dir, 'account', 'list', '--json'])).stdout) as Array<{ settings: { pop3Delete: unknown } }>;
    expect(accounts[0]!.settings.pop3Delete).toEqual({ kind: 'after-days', days: 30 });

    const synced = await runCli(['--data-dir', dir, 'sync', '--progress']);
    expect(synced.status, synced.stderr).toBe(0);
    expect(synced.stderr).toContain(`${id}: synced, 2 new`);
    // --progress: a line per progress event (the crash test keys its kills to them).
    expect(synced.stderr).toMatch(new RegExp(`^progress ${id} connecting 0/0$`, 'm'));
    expect(synced.stderr).toMatch(new RegExp(`^progress ${id} bodies \\d/2$`, 'm'));
    const listed = JSON.parse((await runCli(['--data-dir', dir, 'list', '--json'])).stdout) as Array<{ subject: string; uid: unknown; uidl: string; folder: string }>;
    expect(listed.map((m) => m.subject).sort()).toEqual(['message 1', 'message 2']);
    for (const m of listed) {
      expect(m.uid).toBeNull();
      expect(m.uidl).toMatch(/^\S+$/);
      expect(m.folder).toBe('INBOX');
    }
    // Downloaded today: "after 30 days" leaves them on the server.
    expect(maildirFiles(server.maildir('cli'))).toHaveLength(2);
    const again = await runCli(['--data-dir', dir, 'sync']);
    expect(again.stderr).toContain(`${id}: synced, 0 new`);
  });

  it('removing an account that deleted its mail from the server after download names that mail first: it is only here', async () => {
    // A newcomer who chose "delete after download" to free quota, then removes the account to set it up
    // again, loses every downloaded message: the question said only "all of its mail on this computer".
    deliverMany(server, 'gone', [testMessage(1), testMessage(2), testMessage(3)]);
    const dir = mkdtempSync(join(tmpdir(), 'homing-pop3-cli-'));
    const added = await add(dir, 'gone', ['--pop3-delete', 'after-download']);
    expect(added.status, added.stderr).toBe(0);
    const id = added.stdout.trim();
    expect((await runCli(['--data-dir', dir, 'sync'])).status).toBe(0);
    expect(maildirFiles(server.maildir('gone'))).toHaveLength(0);
    // One more arrives and is left on the server by a second account setting: not counted.
    expect((await runCli(['--data-dir', dir, 'account', 'edit', id, '--pop3-delete', 'never'])).status).toBe(0);
    deliverMany(server, 'gone', [testMessage(4)]);
    expect((await runCli(['--data-dir', dir, 'sync'])).status).toBe(0);
    const asked = await runCli(['--data-dir', dir, 'account', 'remove', id]);
    expect(asked.status).not.toBe(0);
    expect(asked.stderr).toContain('3 of its messages are not on the server, only on this computer, and will be lost.');
    const removed = await runCli(['--data-dir', dir, 'account', 'remove', id, '--yes']);
    expect(removed.status).toBe(0);
    expect(removed.stderr).toBe('removed; its 3 messages only on this computer were discarded\n');
  });

  it('reports a wrong password as `homing: AUTH_FAILED` with a non-zero status', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'homing-pop3-cli-'));
    // --no-test: `account add` would refuse the wrong password itself; here the sync must report it.
    await add(dir, 'wrong', ['--no-test']);
    const synced = await runCli(['--data-dir', dir, 'sync']);
    expect(synced.status).toBe(1);
    expect(synced.stderr).toMatch(/homing: AUTH_FAILED: /);
    expect(synced.stderr).not.toContain('wrong-secret');
  });

  it('refuses an unknown --pop3-delete value', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'homing-pop3-cli-'));
    const result = await add(dir, 'cli', ['--pop3-delete', 'sometimes']);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/homing: INVALID_ARGUMENT: --pop3-delete/);
  });
});
