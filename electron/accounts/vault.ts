import type { CredentialStoreInfo } from '../../shared/contract/accounts';

/**
 * A place that keeps passwords by account id. Never the SQLite database, never a log, never the renderer.
 * The app and the CLI both use the OS keychain (vault-keychain.ts); the plain file (vault-file.ts) only for
 * an account whose user chose it; a password command needs no vault (account-passwords.ts decides).
 */
export interface CredentialVault {
  /** A short description for diagnostics, e.g. `macOS Keychain` or `file (mode 0600)`. */
  readonly description: string;
  /** Set when the backing store is weak: the UI warns about it. */
  readonly weakness: string | null;
  getPassword(accountId: string): Promise<string | null>;
  setPassword(accountId: string, password: string): Promise<void>;
  deletePassword(accountId: string): Promise<void>;
  /**
   * The description and weakness after the store has been asked (safeStorage picks its Linux backend
   * lazily); vaults that know at once leave it out and the two fields above are used.
   */
  inspect?(): Promise<CredentialStoreInfo>;
}

/** What the settings dialog shows about the password store (getCredentialStoreInfo). */
export async function inspectVault(vault: CredentialVault): Promise<CredentialStoreInfo> {
  if (vault.inspect) return vault.inspect();
  return { description: vault.description, weakness: vault.weakness, keychain: 'available' };
}

/** A vault held in memory only: for tests, and for a CLI run given a password through the environment. */
export class MemoryVault implements CredentialVault {
  readonly description = 'memory';
  readonly weakness = null;
  private readonly passwords = new Map<string, string>();

  async getPassword(accountId: string): Promise<string | null> {
    return this.passwords.get(accountId) ?? null;
  }
  async setPassword(accountId: string, password: string): Promise<void> {
    this.passwords.set(accountId, password);
  }
  async deletePassword(accountId: string): Promise<void> {
    this.passwords.delete(accountId);
  }
}
