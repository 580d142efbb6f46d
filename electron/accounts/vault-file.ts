import { join } from 'node:path';
import { SecretMapFile } from './secret-map-file';
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
  private readonly file: SecretMapFile;

  constructor(dataDir: string) {
    this.file = new SecretMapFile(join(dataDir, 'credentials.json'), 'password file');
  }

  async getPassword(accountId: string): Promise<string | null> {
    const all = await this.file.read();
    return Object.prototype.hasOwnProperty.call(all, accountId) ? (all[accountId] ?? null) : null;
  }

  setPassword(accountId: string, password: string): Promise<void> {
    return this.file.update((all) => {
      all[accountId] = password;
    });
  }

  deletePassword(accountId: string): Promise<void> {
    return this.file.update((all) => {
      delete all[accountId];
    });
  }
}
