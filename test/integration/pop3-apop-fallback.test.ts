import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli';
import { testMessage } from '../helpers/pop3-fixture';
import { type DovecotServer, startDovecot } from '../servers/dovecot';

/**
 * A POP3 server whose greeting offers APOP (a `<…>` timestamp) while the account has no APOP secret: Dovecot
 * with `auth_mechanisms = plain login apop` and passwords stored hashed, as cPanel and most hosts keep them.
 * APOP cannot succeed for such a user whatever the password; USER/PASS and SASL PLAIN can.
 */
describe('POP3 login where the greeting offers APOP but the password is stored hashed', () => {
  let server: DovecotServer;
  beforeAll(async () => {
    server = await startDovecot({
      users: [{ name: 'carol', password: 'carol-secret' }],
      allowPlaintext: true,
      hashedPasswords: true,
      extraConfig: 'auth_mechanisms = plain login apop\nauth_verbose = yes\n',
    });
  });
  afterAll(async () => {
    await server?.destroy();
  });

  const add = (dir: string, password: string, extra: string[] = []) =>
    runCli(
      ['--data-dir', dir, 'account', 'add', '--email', 'carol@example.org', '--protocol', 'pop3', '--host', '127.0.0.1',
        '--port', String(server.ports.pop3), '--security', 'none', '--username', 'carol', '--password-env', 'PW', ...extra],
      { env: { PW: password } },
    );

  it('adds the account and syncs it: APOP refused, then the password the user gave is used (USER/PASS or SASL)', async () => {
    await server.deliver('carol', testMessage(1));
    const dir = mkdtempSync(join(tmpdir(), 'homing-apop-'));
    const added = await add(dir, 'carol-secret');
    expect(added.stderr).not.toMatch(/AUTH_FAILED/);
    expect(added.status, added.stderr).toBe(0);
    const id = added.stdout.trim();
    const synced = await runCli(['--data-dir', dir, 'sync']);
    expect(synced.status, synced.stderr).toBe(0);
    expect(synced.stderr).toContain(`${id}: synced, 1 new`);
    const again = await runCli(['--data-dir', dir, 'sync']);
    expect(again.status, again.stderr).toBe(0);
  });

  it('a wrong password is still AUTH_FAILED (with the server’s words), tried twice on one connection (APOP, then PLAIN)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'homing-apop-'));
    await add(dir, 'not-it', ['--no-test']);
    const before = (await server.log()).split('\n').length;
    const synced = await runCli(['--data-dir', dir, 'sync']);
    expect(synced.status).toBe(1);
    expect(synced.stderr).toMatch(/homing: AUTH_FAILED: /);
    expect(synced.stderr).not.toContain('not-it');
    const log = (await server.log()).split('\n').slice(before - 1);
    // APOP refused, then AUTH PLAIN refused, on one connection: Dovecot logs the attempts when it closes.
    const ended = log.filter((line) => /pop3-login: .*auth failed/.test(line));
    expect(ended).toHaveLength(1);
    expect(ended[0]).toMatch(/auth failed, 2 attempts/);
    // Refused both ways, it may be the password: APOP (the password kept off a plain connection) is tried
    // again by the next run, not given up for the account.
    const apopTries = async () => (await server.log()).split('\n').filter((line) => /passwd-file\(carol,.*Requested PLAIN scheme/.test(line)).length;
    const tried = await apopTries();
    expect((await runCli(['--data-dir', dir, 'sync'])).status).toBe(1);
    expect(await apopTries()).toBe(tried + 1);
  });
  // Was a bug: the refusal was remembered by the process only, so every `homing sync` (cron) and every start
  // of the app tried APOP again: one failed login more per run, which the host's brute-force guard (cPanel's
  // cPHulk, fail2ban) counts against the account and the address until it locks them out.
  it('tries APOP once for the account, not again at every run of homing sync', async () => {
    await server.deliver('carol', testMessage(2));
    const dir = mkdtempSync(join(tmpdir(), 'homing-apop-'));
    const added = await add(dir, 'carol-secret', ['--no-test']);
    expect(added.status, added.stderr).toBe(0);
    // Dovecot's auth_verbose line for an APOP it cannot check: it needs the plaintext, and has only a hash.
    const refusals = async () => (await server.log()).split('\n').filter((line) => /passwd-file\(carol,.*Requested PLAIN scheme/.test(line));
    const before = (await refusals()).length;
    for (let run = 0; run < 3; run++) {
      const synced = await runCli(['--data-dir', dir, 'sync']);
      expect(synced.status, synced.stderr).toBe(0);
    }
    expect((await refusals()).length - before).toBe(1);
  });
  // Was a bug: account add's connection test met the refusal and kept it to itself, so the first sync
  // tried APOP again: two failed logins for one account set up.
  it('an account added with its connection test is not tried with APOP again by its first sync', async () => {
    await server.deliver('carol', testMessage(3));
    const dir = mkdtempSync(join(tmpdir(), 'homing-apop-'));
    const refusals = async () => (await server.log()).split('\n').filter((line) => /passwd-file\(carol,.*Requested PLAIN scheme/.test(line));
    const before = (await refusals()).length;
    const added = await add(dir, 'carol-secret');
    expect(added.status, added.stderr).toBe(0);
    expect((await refusals()).length - before).toBe(1);
    for (let run = 0; run < 2; run++) {
      const synced = await runCli(['--data-dir', dir, 'sync']);
      expect(synced.status, synced.stderr).toBe(0);
    }
    expect((await refusals()).length - before).toBe(1);
  });
});
