import { randomBytes } from 'node:crypto';
import { chmod, mkdir, open, readFile, rename, stat, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { HomingError } from '../../shared/errors';
import type { CredentialVault } from './vault';

/**
 * The CLI's credential store: `credentials.json` in the data directory, `{ "<account id>": "<password>" }`,
 * mode 0600 so only the user can read it (the protection fetchmail's and mbsync's rc files rely on). It is
 * a separate file, never the SQLite database, so copying or attaching the mail database never leaks a
 * password; deleting an account deletes its entry. The passwords are not encrypted: anyone who can read
 * the user's files can read them (that is the `weakness` shown to the user). On Windows file modes do not
 * apply; the data directory sits in the user's own profile.
 */
export class FileVault implements CredentialVault {
  readonly description = 'file (mode 0600)';
  readonly weakness = 'Passwords are kept in a file only you can read, but not encrypted.';
  private readonly path: string;
  /** Serialises read-modify-write cycles within this process. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(dataDir: string) {
    this.path = join(dataDir, 'credentials.json');
  }

  async getPassword(accountId: string): Promise<string | null> {
    const all = await this.readAll();
    return Object.prototype.hasOwnProperty.call(all, accountId) ? (all[accountId] ?? null) : null;
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
      // Write-then-rename: a crash leaves the old file or the new one, never half of one. The temporary
      // file is created 0600 and exclusively (`wx`), so it is never readable by others, not even briefly.
      const temp = `${this.path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
      const file = await open(temp, 'wx', 0o600);
      try {
        await file.writeFile(JSON.stringify(all));
        await file.sync();
      } finally {
        await file.close();
      }
      try {
        await chmod(temp, 0o600); // the umask cannot widen 0600, but a filesystem may ignore the mode on create
        await rename(temp, this.path);
      } catch (error) {
        await unlink(temp).catch(() => undefined);
        throw new HomingError('VAULT_UNAVAILABLE', 'The password file could not be written.', { path: this.path }, { cause: error });
      }
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
    await this.tightenMode();
    try {
      const parsed: unknown = JSON.parse(text);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
      return Object.fromEntries(Object.entries(parsed).filter((e): e is [string, string] => typeof e[1] === 'string'));
    } catch {
      // Never quote the file: it holds passwords.
      throw new HomingError('VAULT_UNAVAILABLE', 'The password file is damaged; fix or delete it, then add the passwords again.', { path: this.path });
    }
  }

  /** A file made readable to others (a careless copy, a backup restore) is put back to 0600. */
  private async tightenMode(): Promise<void> {
    if (process.platform === 'win32') return;
    try {
      const { mode } = await stat(this.path);
      if ((mode & 0o077) !== 0) await chmod(this.path, 0o600);
    } catch {
      // Not ours to fix (another owner): reading still works, and the user sees the file's mode themselves.
    }
  }
}
