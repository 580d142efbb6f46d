import { randomBytes } from 'node:crypto';
import { chmod, mkdir, open, readFile, rename, stat, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { HomingError } from '../../shared/errors';

/**
 * A small JSON file `{ "<account id>": "<secret>" }` that the vaults keep beside the database, never
 * inside it (copying or attaching the mail database must never leak a password). Mode 0600; read-modify-
 * write cycles run one at a time within this process; write-then-rename, so a crash leaves the old file or
 * the new one, never half of one; the file is removed when its last secret is. Errors never quote the file: it holds passwords or their ciphertexts.
 */
export class SecretMapFile {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    readonly path: string,
    /** What the user calls this file in an error message ("password file"). */
    private readonly label: string,
  ) {}

  async read(): Promise<Record<string, string>> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw new HomingError('VAULT_UNAVAILABLE', `The ${this.label} could not be read.`, { path: this.path });
    }
    await this.tightenMode();
    try {
      const parsed: unknown = JSON.parse(text);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
      return Object.fromEntries(Object.entries(parsed).filter((e): e is [string, string] => typeof e[1] === 'string'));
    } catch {
      throw new HomingError('VAULT_UNAVAILABLE', `The ${this.label} is damaged; fix or delete it, then add the passwords again.`, { path: this.path });
    }
  }

  update(change: (all: Record<string, string>) => void): Promise<void> {
    const next = this.queue.then(async () => {
      const all = await this.read();
      change(all);
      if (Object.keys(all).length === 0) {
        // No secret left: no file left either (nothing to find, back up or worry about).
        await unlink(this.path).catch((error: NodeJS.ErrnoException) => {
          if (error.code !== 'ENOENT') throw new HomingError('VAULT_UNAVAILABLE', `The ${this.label} could not be removed.`, { path: this.path }, { cause: error });
        });
        return;
      }
      await mkdir(dirname(this.path), { recursive: true, mode: 0o700 });
      // The temporary file is created 0600 and exclusively (`wx`): never readable by others, not even briefly.
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
        throw new HomingError('VAULT_UNAVAILABLE', `The ${this.label} could not be written.`, { path: this.path }, { cause: error });
      }
    });
    this.queue = next.catch(() => undefined);
    return next;
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
