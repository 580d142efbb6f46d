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
    server = await startDovecot({ users: [{ name: 'cli', password: 'cli-secret' }, { name: 'wrong', password: 'right' }] });
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
