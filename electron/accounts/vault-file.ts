import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { HomingError } from '../../shared/errors';
import type { CredentialVault } from './vault';

/**
 * The CLI's credential store: `credentials.json` in the data directory, created with mode 0600 so only
 * the user can read it (the same protection fetchmail's and mbsync's rc files rely on). It is a separate
 * file, never the SQLite database, so copying or attaching the mail database never leaks a password.
 * On Windows, file modes do not apply; the data directory sits in the user's own profile.
 */
export class FileVault implements CredentialVault {
  readonly description = 'file (mode 0600)';
  readonly weakness = 'Passwords are protected by file permissions only.';
  private readonly path: string;
  /** Serialises read-modify-write cycles within this process. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(dataDir: string) {
    this.path = join(dataDir, 'credentials.json');
  }

  async getPassword(accountId: string): Promise<string | null> {
    const all = await this.readAll();
    return all[accountId] ?? null;
  }

  setPassword(accountId: string, password: string): Promise<void> {
    return this.update((all) => {
      all[accountId] = password;
    });
  }

  deletePassword(accountId: string): Promise<void> {
    return this.update((all) => {
      delete all[accountId];
    });
  }

  private update(change: (all: Record<string, string>) => void): Promise<void> {
    const next = this.queue.then(async () => {
      const all = await this.readAll();
      change(all);
      await mkdir(dirname(this.path), { recursive: true });
      // Write-then-rename: a crash leaves the old file or the new one, never half of one.
      const temp = `${this.path}.${process.pid}.tmp`;
      await writeFile(temp, JSON.stringify(all), { mode: 0o600 });
      await chmod(temp, 0o600);
      await rename(temp, this.path);
    });
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async readAll(): Promise<Record<string, string>> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw new HomingError('VAULT_UNAVAILABLE', 'The password file could not be read.', { path: this.path });
    }
    try {
      const parsed: unknown = JSON.parse(text);
      if (typeof parsed !== 'object' || parsed === null) throw new Error('not an object');
      return Object.fromEntries(Object.entries(parsed).filter((e): e is [string, string] => typeof e[1] === 'string'));
    } catch {
      throw new HomingError('VAULT_UNAVAILABLE', 'The password file is damaged.', { path: this.path });
    }
  }
}
