import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { latestVersion } from '../../electron/store/migrations/version';
import { runCli } from '../helpers/cli';
import { eventually } from '../helpers/imap-sync';

const tempDir = () => mkdtempSync(join(tmpdir(), 'homing-cli-'));

describe('the homing CLI', () => {
  it('prints its version', async () => {
    const result = await runCli(['--version']);
    const { version } = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'package.json'), 'utf8')) as { version: string };
    expect(result).toMatchObject({ status: 0, stdout: `homing ${version}\n` });
  });

  it('lists no accounts in a new data directory as []', async () => {
    const result = await runCli(['--data-dir', join(tempDir(), 'x'), 'account', 'list', '--json']);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual([]);
  });

  it('takes the data directory from HOMING_DATA_DIR too', async () => {
    const result = await runCli(['account', 'list', '--json'], { env: { HOMING_DATA_DIR: tempDir() } });
    expect(result).toMatchObject({ status: 0, stdout: '[]\n' });
  });

  it('adds an account without ever writing the password into the database', async () => {
    const dir = tempDir();
    const added = await runCli(
      ['--data-dir', dir, 'account', 'add', '--email', 'alice@example.org', '--protocol', 'imap', '--host', '127.0.0.1', '--port', '993',
        '--security', 'tls', '--username', 'alice', '--password-env', 'HOMING_TEST_PW', '--no-test'],
      { env: { HOMING_TEST_PW: 'correct horse battery staple' } },
    );
    expect(added.stderr).toBe('');
    expect(added.status).toBe(0);
    const id = added.stdout.trim();
    const listed = JSON.parse((await runCli(['--data-dir', dir, 'account', 'list', '--json'])).stdout) as Array<{ id: string; email: string }>;
    expect(listed).toEqual([expect.objectContaining({ id, email: 'alice@example.org', protocol: 'imap' })]);
    for (const file of ['homing.sqlite', 'homing.sqlite-wal']) {
      const bytes = (() => {
        try {
          return readFileSync(join(dir, file));
        } catch {
          return Buffer.alloc(0);
        }
      })();
      expect(bytes.includes('correct horse battery staple')).toBe(false);
    }
  });

  it('reports errors as `homing: CODE: message` with a non-zero status', async () => {
    const unknown = await runCli(['--data-dir', tempDir(), 'frobnicate']);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/^homing: INVALID_ARGUMENT: unknown command/);
    const missing = await runCli(['--data-dir', tempDir(), 'account', 'remove', 'nope', '--yes']);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/^homing: NOT_FOUND: /);
  });

  it('names which argument the contract refused, and why, after INVALID_ARGUMENT', async () => {
    const dir = tempDir();
    const limit = await runCli(['--data-dir', dir, 'search', 'word', '--limit', '5000']);
    expect(limit.status).toBe(2);
    expect(limit.stderr).toMatch(/^homing: INVALID_ARGUMENT: Invalid arguments for search\n {2}limit: .*1000.*\n$/);
    const tag = await runCli(['--data-dir', dir, 'tag', '1', '--add', '']);
    expect(tag.status).toBe(2);
    expect(tag.stderr).toMatch(/^homing: INVALID_ARGUMENT: Invalid arguments for tagMessages\n {2}add\.0: Too small: .*\n$/);
  });

  it('names the words --protocol and --security take when given a provider\'s (SSL, IMAPS), before anything connects', async () => {
    // cPanel's "Connect Devices" page says "SSL/TLS": --security ssl was the service's 'Invalid arguments for testConnection'.
    const dir = tempDir();
    const add = (protocol: string, security: string) =>
      runCli(
        ['--data-dir', dir, 'account', 'add', '--email', 'me@theirdomain.test', '--protocol', protocol, '--host', '127.0.0.1', '--port', '1',
          '--security', security, '--username', 'me@theirdomain.test', '--password-env', 'PW'],
        { env: { PW: 'x' } },
      );
    const ssl = await add('imap', 'ssl');
    expect(ssl.status).toBe(2);
    expect(ssl.stderr).toMatch(/^homing: INVALID_ARGUMENT: --security must be tls, starttls or none \(got ssl; SSL\/TLS is tls\)\nusage: homing account add /);
    const imaps = await add('imaps', 'tls');
    expect(imaps.status).toBe(2);
    expect(imaps.stderr).toMatch(/^homing: INVALID_ARGUMENT: --protocol must be imap or pop3 \(got imaps; IMAPS is imap with --security tls\)\n/);
    const smtp = await runCli(
      ['--data-dir', dir, 'account', 'add', '--email', 'me@theirdomain.test', '--protocol', 'imap', '--host', '127.0.0.1', '--port', '1',
        '--security', 'tls', '--username', 'me', '--password-env', 'PW', '--no-test', '--smtp-host', '127.0.0.1', '--smtp-port', '465', '--smtp-security', 'SSL'],
      { env: { PW: 'x' } },
    );
    expect(smtp.stderr).toMatch(/^homing: INVALID_ARGUMENT: --smtp-security must be tls, starttls or none \(got SSL; SSL\/TLS is tls\)\n/);
    const added = await add('imap', 'tls');
    expect(added.status).toBe(1); // port 1: refused, so nothing stored
    expect(JSON.parse((await runCli(['--data-dir', dir, 'account', 'list', '--json'])).stdout)).toEqual([]);
    const id = (
      await runCli(
        ['--data-dir', dir, 'account', 'add', '--email', 'me@theirdomain.test', '--protocol', 'imap', '--host', '127.0.0.1', '--port', '1',
          '--security', 'tls', '--username', 'me', '--password-env', 'PW', '--no-test'],
        { env: { PW: 'x' } },
      )
    ).stdout.trim();
    const edited = await runCli(['--data-dir', dir, 'account', 'edit', id, '--security', 'SSL/TLS']);
    expect(edited.status).toBe(2);
    expect(edited.stderr).toMatch(/^homing: INVALID_ARGUMENT: --security must be tls, starttls or none \(got SSL\/TLS; SSL\/TLS is tls\)\nusage: homing account edit /);
  });

  it('prints one command\'s usage for `COMMAND --help` (exit 0, nothing touched) and a group\'s commands for `account` alone', async () => {
    const dir = join(tempDir(), 'never-made');
    const add = await runCli(['--data-dir', dir, 'account', 'add', '--help']);
    expect(add).toMatchObject({ status: 0, stderr: '' });
    expect(add.stdout).toMatch(/^usage: homing account add --email E /);
    expect(add.stdout).not.toContain('account list');
    // A reading command answers from the small bundle, before any store exists.
    const search = await runCli(['--data-dir', dir, 'search', '-h']);
    expect(search).toMatchObject({ status: 0, stderr: '' });
    expect(search.stdout).toMatch(/^usage: homing search QUERY/);
    const group = await runCli(['--data-dir', dir, 'rule', '--help']);
    expect(group.status).toBe(0);
    for (const name of ['rule add', 'rule list', 'rule remove', 'rule run']) expect(group.stdout).toContain(`usage: homing ${name}`);
    const bare = await runCli(['--data-dir', dir, 'account']);
    expect(bare.status).toBe(2);
    expect(bare.stderr).toContain('usage: homing account list');
    expect(existsSync(dir)).toBe(false);
    const unknown = await runCli(['--data-dir', dir, 'frobnicate', '--help']);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/^homing: INVALID_ARGUMENT: unknown command: frobnicate/);
  });

  it('lets a second process read while the first one writes, and refuses its writes with DATA_DIR_LOCKED when that one serves no command socket', async () => {
    const dir = tempDir();
    await runCli(['--data-dir', dir, 'account', 'list', '--json']);
    // Hold the writer lock from a child that stays alive.
    const { spawn } = await import('node:child_process');
    const holder = spawn(
      process.execPath,
      ['-e', `require('node:fs').writeFileSync(${JSON.stringify(join(dir, 'homing.lock'))}, JSON.stringify({pid: process.pid, host: require('node:os').hostname(), since: ''})); setInterval(() => {}, 1000)`],
      { stdio: 'ignore' },
    );
    const exited = new Promise((resolve) => holder.once('exit', resolve));
    try {
      // The lock is held once the child has written it.
      const lockPath = join(dir, 'homing.lock');
      await eventually(() => (existsSync(lockPath) ? readFileSync(lockPath, 'utf8') : ''), (text) => text.includes(`"pid":${holder.pid}`));
      const read = await runCli(['--data-dir', dir, 'account', 'list', '--json']);
      expect(read).toMatchObject({ status: 0, stdout: '[]\n' });
      const write = await runCli(
        ['--data-dir', dir, 'account', 'add', '--email', 'a@b.c', '--protocol', 'pop3', '--host', 'h', '--port', '995', '--security', 'tls',
          '--username', 'a', '--password-env', 'PW', '--no-test'],
        { env: { PW: 'x' } },
      );
      expect(write.status).toBe(1);
      expect(write.stderr).toMatch(/^homing: DATA_DIR_LOCKED: /);
      // A holder without a command socket (an older Homing) cannot take the command: homing says so, and what to do.
      expect(write.stderr).toContain('It does not take commands from homing (it serves no command socket');
      expect(write.stderr).toContain('what to do: reading commands (list, search, show, folders, export) work while it runs');
    } finally {
      holder.kill('SIGKILL');
    }
    // The lock of a killed process is taken over (once the process is gone).
    await exited;
    const after = await runCli(
      ['--data-dir', dir, 'account', 'add', '--email', 'a@b.c', '--protocol', 'pop3', '--host', 'h', '--port', '995', '--security', 'tls',
        '--username', 'a', '--password-env', 'PW', '--no-test'],
      { env: { PW: 'x' } },
    );
    expect(after.stderr).toBe('');
    expect(after.status).toBe(0);
  });
  it('says that nothing works, not that reading does, while an older Homing holds a store this one must update first', async () => {
    // The app left running across an update of the package: its store is a version behind the new homing.
    const dir = tempDir();
    await runCli(['--data-dir', dir, 'account', 'list', '--json']);
    const db = new Database(join(dir, 'homing.sqlite'));
    db.pragma(`user_version = ${latestVersion - 1}`);
    db.close();
    const { spawn } = await import('node:child_process');
    const holder = spawn(
      process.execPath,
      ['-e', `require('node:fs').writeFileSync(${JSON.stringify(join(dir, 'homing.lock'))}, JSON.stringify({pid: process.pid, host: require('node:os').hostname(), since: ''})); setInterval(() => {}, 1000)`],
      { stdio: 'ignore' },
    );
    try {
      const lockPath = join(dir, 'homing.lock');
      await eventually(() => (existsSync(lockPath) ? readFileSync(lockPath, 'utf8') : ''), (text) => text.includes(`"pid":${holder.pid}`));
      for (const args of [['list'], ['account', 'list']]) {
        const result = await runCli(['--data-dir', dir, ...args]);
        expect(result.status, args.join(' ')).toBe(1);
        expect(result.stderr).toContain('homing: DATA_DIR_LOCKED: The mail store in ');
        expect(result.stderr).toContain(`is from an older Homing (store version ${latestVersion - 1}; this one uses ${latestVersion}), and that Homing is still running (pid ${holder.pid})`);
        expect(result.stderr).toContain('what to do: quit the Homing that is running');
        expect(result.stderr).not.toContain('reading still works');
        expect(result.stderr).not.toContain('work while it runs');
      }
    } finally {
      holder.kill('SIGKILL');
    }
  });
});
