import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { startDevWeb } from '../helpers/dev-web';
import { eml } from '../helpers/store';

const modeOf = (path: string) => statSync(path).mode & 0o777;

/** The built CLI under the umask most systems give a user (022: new files readable by everyone). */
function cliWithUmask022(args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  const bin = join(inject('buildDir'), 'node', 'homing.cjs');
  const quoted = [process.execPath, bin, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  return new Promise((resolve) => {
    execFile('sh', ['-c', `umask 022; exec ${quoted}`], { encoding: 'utf8' }, (error, stdout, stderr) => {
      resolve({ status: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

/** Mail is private: no other user of the computer may read the data directory or anything in it. */
describe.skipIf(process.platform === 'win32')('the data directory’s permissions', () => {
  const root = mkdtempSync(join(tmpdir(), 'homing-perms-'));
  const mail = join(root, 'one.eml');
  writeFileSync(mail, eml({ From: 'a@example.org', Subject: 'Private', 'Message-ID': '<private@example.org>' }, 'Only for me.\r\n'));

  it('is created 0700 with its files 0600 by the CLI, even under umask 022', async () => {
    const dataDir = join(root, 'fresh', 'Homing');
    expect(await cliWithUmask022(['--data-dir', dataDir, 'import', mail, '--folder', 'Inbox'])).toMatchObject({ status: 0, stderr: 'imported 1, already present 0, unparsable (kept raw) 0\n' });
    expect(modeOf(dataDir)).toBe(0o700);
    for (const name of readdirSync(dataDir)) {
      const path = join(dataDir, name);
      expect(statSync(path).isDirectory() ? modeOf(path) : modeOf(path), name).toBe(statSync(path).isDirectory() ? 0o700 : 0o600);
    }
    expect(existsSync(join(dataDir, 'homing.sqlite'))).toBe(true);
  });

  it('keeps the database, its WAL and shared memory, and the lock 0600 while dev-web runs', async () => {
    const dataDir = join(root, 'dev-web');
    // dev-web inherits the test runner's umask; make it the permissive one a desktop session has.
    const previous = process.umask(0o022);
    const app = await startDevWeb(dataDir).finally(() => process.umask(previous));
    try {
      expect(modeOf(dataDir)).toBe(0o700);
      const files = readdirSync(dataDir);
      expect(files).toEqual(expect.arrayContaining(['homing.sqlite', 'homing.sqlite-wal', 'homing.sqlite-shm', 'homing.lock', 'homing.sock', 'homing.socket.json']));
      for (const name of files) expect(modeOf(join(dataDir, name)), name).toBe(statSync(join(dataDir, name)).isDirectory() ? 0o700 : 0o600);
    } finally {
      await app.stop();
    }
  });

  it('tightens an existing directory and its files at open, and says so', async () => {
    const dataDir = join(root, 'old');
    expect((await cliWithUmask022(['--data-dir', dataDir, 'import', mail, '--folder', 'Inbox'])).status).toBe(0);
    chmodSync(dataDir, 0o755);
    chmodSync(join(dataDir, 'homing.sqlite'), 0o644);
    writeFileSync(join(dataDir, 'credentials.json'), '{}', { mode: 0o644 });
    writeFileSync(join(dataDir, 'homing.log'), 'an old log\n', { mode: 0o644 });
    mkdirSync(join(dataDir, 'tmp'), { recursive: true, mode: 0o755 });
    chmodSync(join(dataDir, 'tmp'), 0o755);
    const list = await cliWithUmask022(['--data-dir', dataDir, 'list', '--json']);
    expect(list.status).toBe(0);
    expect(JSON.parse(list.stdout)).toHaveLength(1);
    expect(list.stderr).toMatch(/^homing: note: .*readable by other users of this computer: the data directory \(mode 0755\).*now 0700/);
    expect(modeOf(dataDir)).toBe(0o700);
    for (const name of ['homing.sqlite', 'credentials.json', 'homing.log']) expect(modeOf(join(dataDir, name)), name).toBe(0o600);
    expect(modeOf(join(dataDir, 'tmp'))).toBe(0o700);
    // Once private, nothing more to say.
    expect((await cliWithUmask022(['--data-dir', dataDir, 'list', '--json'])).stderr).toBe('');
  });
});
