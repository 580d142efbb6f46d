import { chmodSync, existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { dispatch } from '../../shared/dispatch';
import { FileVault, LEGACY_PASSWORD_FILE } from '../../electron/accounts/vault-file';
import { KeychainVault } from '../../electron/accounts/vault-keychain';
import type { CredentialVault } from '../../electron/accounts/vault';
import { openMailService } from '../../electron/service/mail-service';
import { type CliResult, runCli, workerPath } from '../helpers/cli';
import { corpusMessage } from '../helpers/imap-corpus';
import { findSecrets } from '../helpers/secret-scan';
import { type DovecotServer, startDovecot } from '../servers/dovecot';
import { keychainClear, keychainLookup, noSecretServiceEnv, startSecretService } from '../servers/secret-service';

/** Every user's password: none may appear in a data directory, in what the CLI printed, or in an error. */
const USERS = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank'].map((name) => ({ name, password: `${name}-Pw-${process.pid}-x9` }));
const PASSWORDS = USERS.map((u) => u.password);
const pw = (name: string) => USERS.find((u) => u.name === name)!.password;

/**
 * The app and the CLI share one keychain: an account added by either is synced by the other, against a
 * real Dovecot and the run's private Secret Service (gnome-keyring on its own D-Bus). Then the edges: a
 * password deleted from the keychain behind Homing's back, a locked keychain, an old credentials.json,
 * and a session with no Secret Service at all (the message, a password command, the plain file by choice).
 */
describe('passwords shared by the app and the CLI through the OS keychain', () => {
  let server: DovecotServer;
  const dirs: string[] = [];
  const printed: Record<string, string> = {};
  const allowed: string[] = [];

  const dataDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'homing-keychain-cli-'));
    dirs.push(dir);
    return dir;
  };
  const cli = async (dir: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> => {
    const result = await runCli(['--data-dir', dir, ...args], { env });
    printed[`homing ${args.join(' ')} #${Object.keys(printed).length}`] = result.stdout + result.stderr;
    return result;
  };
  const accountArgs = (user: string) => [
    'account', 'add', '--email', `${user}@example.org`, '--protocol', 'imap', '--host', '127.0.0.1', '--port', String(server.ports.imaps),
    '--security', 'tls', '--username', user, '--trust-fingerprint', server.certificate.fingerprint256,
  ];
  /** The service as the app opens it: the keychain vault on the main thread, the sync worker asking it. */
  const withService = async <T>(dir: string, vault: CredentialVault, act: (call: (method: string, args: unknown) => Promise<unknown>) => Promise<T>) => {
    const handle = await openMailService({ dataDir: dir, vault, workerPath: workerPath(), startWriter: true });
    try {
      return await act(async (method, args) => {
        const envelope = await dispatch(handle.service, method, args);
        printed[`service ${method} #${Object.keys(printed).length}`] = JSON.stringify(envelope);
        if (!envelope.ok) throw Object.assign(new Error(envelope.error.message), envelope.error);
        return envelope.value;
      });
    } finally {
      await handle.close();
    }
  };

  beforeAll(async () => {
    server = await startDovecot({ users: USERS });
    for (const user of USERS) for (let i = 0; i < 3; i++) await server.deliver(user.name, corpusMessage(i));
  });
  afterAll(async () => {
    await server?.destroy();
  });
  afterEach(() => {
    // After every test: no byte of any password under a data directory (but the file a user chose), or in any output.
    expect(findSecrets(PASSWORDS, { dirs, texts: printed, allowFiles: allowed })).toEqual([]);
  });

  it('an account added through the service (as the app does) is synced by the CLI', async () => {
    const dir = dataDir();
    const account = (await withService(dir, new KeychainVault(), (call) =>
      call('addAccount', { email: 'alice@example.org', protocol: 'imap', host: '127.0.0.1', port: server.ports.imaps, security: 'tls',
        username: 'alice', password: pw('alice'), trustedFingerprint: server.certificate.fingerprint256 }),
    )) as { id: string };
    expect(await keychainLookup(account.id)).toBe(pw('alice'));
    const synced = await cli(dir, ['sync']);
    expect(synced).toMatchObject({ status: 0, stderr: `${account.id}: synced, 3 new\n` });
  });

  it('an account added by the CLI is synced by the service', async () => {
    const dir = dataDir();
    const added = await cli(dir, [...accountArgs('bob'), '--password-env', 'BOB_PW'], { BOB_PW: pw('bob') });
    expect(added).toMatchObject({ status: 0, stderr: '' });
    const id = added.stdout.trim();
    expect(await keychainLookup(id)).toBe(pw('bob'));
    const outcomes = await withService(dir, new KeychainVault(), (call) => call('syncAccounts', {}));
    expect(outcomes).toMatchObject([{ accountId: id, ok: true, added: 3 }]);
  });

  it('moves an old credentials.json into the keychain at the first command, then syncs from it', async () => {
    const dir = dataDir();
    // What an earlier CLI left: the account in the database, its password in plain credentials.json.
    const account = (await withService(dir, new FileVault(dir, LEGACY_PASSWORD_FILE), (call) =>
      call('addAccount', { email: 'carol@example.org', protocol: 'imap', host: '127.0.0.1', port: server.ports.imaps, security: 'tls',
        username: 'carol', password: pw('carol'), trustedFingerprint: server.certificate.fingerprint256 }),
    )) as { id: string };
    expect(readFileSync(join(dir, 'credentials.json'), 'utf8')).toContain(pw('carol'));
    allowed.push(join(dir, 'credentials.json')); // the old file, until the move (checked gone below)
    const synced = await cli(dir, ['sync']);
    expect(synced).toMatchObject({ status: 0, stderr: `${account.id}: synced, 3 new\n` });
    expect(existsSync(join(dir, 'credentials.json'))).toBe(false);
    expect(await keychainLookup(account.id)).toBe(pw('carol'));
  });

  it('a password deleted from the keychain behind Homing’s back: CREDENTIALS_MISSING with the fix', async () => {
    const dir = dataDir();
    const id = (await cli(dir, [...accountArgs('dave'), '--password-env', 'PW'], { PW: pw('dave') })).stdout.trim();
    await keychainClear(id);
    const synced = await cli(dir, ['sync']);
    expect(synced.status).toBe(1);
    expect(synced.stderr).toContain(`homing: CREDENTIALS_MISSING: ${id}: No password for dave@example.org is stored in the keychain (it may have been deleted there)`);
    expect(synced.stderr).toContain(`Set it again: homing account edit ${id} --password-env VAR`);
    // Doing what it says mends it.
    expect((await cli(dir, ['account', 'edit', id, '--password-env', 'PW'], { PW: pw('dave') })).status).toBe(0);
    expect(await cli(dir, ['sync'])).toMatchObject({ status: 0, stderr: `${id}: synced, 3 new\n` });
  });

  it('a locked keychain: VAULT_LOCKED saying so (no prompt can be shown here), nothing changed', async () => {
    const locked = await startSecretService({ password: 'lock-me' });
    try {
      const dir = dataDir();
      const id = (await cli(dir, [...accountArgs('erin'), '--password-env', 'PW'], { ...locked.env, PW: pw('erin') })).stdout.trim();
      await locked.lock();
      const synced = await cli(dir, ['sync'], locked.env);
      expect(synced.status).toBe(1);
      expect(synced.stderr).toMatch(new RegExp(`homing: VAULT_LOCKED: ${id}: The Secret Service .* is locked, so the password could not be read\\. Unlock it`));
      const edit = await cli(dir, ['account', 'edit', id, '--password-env', 'PW'], { ...locked.env, PW: 'new-Pw-while-locked' });
      expect(edit).toMatchObject({ status: 1, stderr: expect.stringMatching(/^homing: VAULT_LOCKED: /) });
    } finally {
      await locked.stop();
    }
  });

  describe('with no Secret Service in the session (a headless server)', () => {
    let bare: NodeJS.ProcessEnv;
    beforeAll(async () => {
      bare = await noSecretServiceEnv();
    });

    it('says so and offers the two other places; nothing is stored in plain text silently', async () => {
      const dir = dataDir();
      const added = await cli(dir, [...accountArgs('frank'), '--password-env', 'PW'], { ...bare, PW: pw('frank') });
      expect(added.status).toBe(1);
      expect(added.stderr).toMatch(/^homing: VAULT_UNAVAILABLE: The password could not be saved: no keychain answers here \(no Secret Service on this session’s D-Bus\)\./);
      expect(added.stderr).toContain("--password-command 'pass show mail/me'");
      expect(added.stderr).toContain('--insecure-store-in-file');
      // The keychain's own text too, on a line of its own: what tells one D-Bus failure from another.
      expect(added.stderr).toMatch(/^homing: the keychain said: \S.*$/m);
      expect((await cli(dir, ['account', 'list', '--json'], bare)).stdout.trim()).toBe('[]');
      expect(existsSync(join(dir, 'insecure-passwords.json'))).toBe(false);
    });

    it('--password-command: run without a shell at each sync, its first line the password', async () => {
      const dir = dataDir();
      const secrets = mkdtempSync(join(tmpdir(), 'homing-pass store-'));
      writeFileSync(join(secrets, 'frank mail'), `${pw('frank')}\nlogin: frank\n`, { mode: 0o600 });
      const added = await cli(dir, [...accountArgs('frank'), '--password-command', `cat '${join(secrets, 'frank mail')}'`], bare);
      expect(added).toMatchObject({ status: 0, stderr: '' });
      const id = added.stdout.trim();
      expect(await cli(dir, ['sync'], bare)).toMatchObject({ status: 0, stderr: `${id}: synced, 3 new\n` });

      // A command that fails gives its exit status; one that hangs is stopped at the timeout.
      await cli(dir, ['account', 'edit', id, '--password-command', `cat '${join(secrets, 'missing')}'`], bare);
      const failed = await cli(dir, ['sync'], bare);
      expect(failed.status).toBe(1);
      expect(failed.stderr).toMatch(new RegExp(`homing: PASSWORD_COMMAND_FAILED: ${id}: The password command cat exited with status 1: cat: .*missing'?: No such file or directory`));
      await cli(dir, ['account', 'edit', id, '--password-command', `'${process.execPath}' -e 'setTimeout(() => {}, 60000)'`], bare);
      const hung = await cli(dir, ['sync'], { ...bare, HOMING_PASSWORD_COMMAND_TIMEOUT_MS: '500' });
      expect(hung.status).toBe(1);
      expect(hung.stderr).toContain('did not finish within 500 ms and was stopped');
      // A pipe is refused before anything changes: it would need a shell.
      const piped = await cli(dir, ['account', 'edit', id, '--password-command', 'pass show mail/frank | head -n1'], bare);
      expect(piped).toMatchObject({ status: 2, stderr: expect.stringMatching(/INVALID_ARGUMENT: The password command cannot be used: "\|" would need a shell/) });
    });

    // Found by editing the outgoing server of a --password-command account with `homing account edit`: it
    // wanted the password typed again, and neither way of typing it worked (the command given again was
    // not counted for the outgoing server, and --smtp-password-env needs a keychain), so the only way to
    // change the outgoing server was to remove the account with all its mail.
    it('--password-command: the outgoing server can be changed, with the command given again', async () => {
      const dir = dataDir();
      const secrets = mkdtempSync(join(tmpdir(), 'homing-pass store-'));
      writeFileSync(join(secrets, 'frank'), `${pw('frank')}\n`, { mode: 0o600 });
      const command = `cat '${join(secrets, 'frank')}'`;
      const smtp = (port: number, security: string) => ['--smtp-host', '127.0.0.1', '--smtp-port', String(port), '--smtp-security', security];
      const added = await cli(dir, [...accountArgs('frank'), '--password-command', command, ...smtp(587, 'starttls')], bare);
      expect(added).toMatchObject({ status: 0, stderr: '' });
      const id = added.stdout.trim();
      // Without it: the stored password's rule, and the message says how to give it with a command.
      const refused = await cli(dir, ['account', 'edit', id, ...smtp(465, 'tls')], bare);
      expect(refused).toMatchObject({ status: 1, stderr: expect.stringMatching(/^homing: PASSWORD_REQUIRED: .*give --password-command again/) });
      const edited = await cli(dir, ['account', 'edit', id, ...smtp(465, 'tls'), '--password-command', command], bare);
      expect(edited.stderr).toBe('');
      expect(edited.status).toBe(0);
      const [account] = JSON.parse((await cli(dir, ['account', 'list', '--json'], bare)).stdout) as Array<{ smtp: { port: number; security: string; passwordSource: string } }>;
      expect(account!.smtp).toMatchObject({ port: 465, security: 'tls', passwordSource: 'incoming' });
      expect(await cli(dir, ['sync'], bare)).toMatchObject({ status: 0 });
    });

    it('--insecure-store-in-file: the plain file only on that explicit choice, mode 0600', async () => {
      const dir = dataDir();
      const added = await cli(dir, [...accountArgs('frank'), '--password-env', 'PW', '--insecure-store-in-file'], { ...bare, PW: pw('frank') });
      expect(added).toMatchObject({ status: 0, stderr: '' });
      const id = added.stdout.trim();
      const file = join(dir, 'insecure-passwords.json');
      allowed.push(file);
      expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ [id]: pw('frank') });
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(await cli(dir, ['sync'], bare)).toMatchObject({ status: 0, stderr: `${id}: synced, 3 new\n` });
      // Into the keychain later, where there is one: carried over, and the file goes.
      expect((await cli(dir, ['account', 'edit', id, '--keychain'])).status).toBe(0);
      expect(existsSync(file)).toBe(false);
      expect(await keychainLookup(id)).toBe(pw('frank'));
    });

    it('an old credentials.json stays as it is while no keychain answers, and every command says so', async () => {
      const dir = dataDir();
      writeFileSync(join(dir, 'credentials.json'), JSON.stringify({ '0123456789abcdef': pw('frank') }), { mode: 0o600 });
      chmodSync(join(dir, 'credentials.json'), 0o600);
      allowed.push(join(dir, 'credentials.json'));
      const listed = await cli(dir, ['account', 'list'], bare);
      expect(listed.status).toBe(0);
      expect(listed.stderr).toMatch(/^homing: warning: 1 password from an older Homing in .*credentials\.json could not be moved into the keychain yet and stay there: /);
      expect(JSON.parse(readFileSync(join(dir, 'credentials.json'), 'utf8'))).toEqual({ '0123456789abcdef': pw('frank') });
    });
  });
});
