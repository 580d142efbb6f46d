import { join } from 'node:path';
import { INSECURE_PASSWORD_FILE } from './password-file-names';
import { SecretMapFile } from './secret-map-file';
import type { CredentialVault } from './vault';

export { INSECURE_PASSWORD_FILE, LEGACY_PASSWORD_FILE } from './password-file-names';

/**
 * Passwords in a plain file in the data directory, `{ "<account id>": "<password>" }`, mode 0600 so only
 * the user can read it (the protection fetchmail's and mbsync's rc files rely on). Used only for accounts
 * whose user explicitly chose it (no keychain on a headless machine), and to read the old
 * `credentials.json` once while moving it into the keychain. It is a separate file, never the SQLite
 * database, so copying the mail database never leaks a password. The passwords are not encrypted: anyone
 * who can read the user's files can read them (that is the `weakness` shown). On Windows file modes do
 * not apply; the data directory sits in the user's own profile.
 */
export class FileVault implements CredentialVault {
  readonly description = 'file (mode 0600)';
  readonly weakness = 'Passwords are kept in a file only you can read, but not encrypted.';
  private readonly file: SecretMapFile;

  constructor(dataDir: string, fileName: string = INSECURE_PASSWORD_FILE) {
    this.file = new SecretMapFile(join(dataDir, fileName), 'password file');
  }

  get path(): string {
    return this.file.path;
  }

  /** Every entry, for moving them into the keychain. */
  readAll(): Promise<Record<string, string>> {
    return this.file.read();
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
