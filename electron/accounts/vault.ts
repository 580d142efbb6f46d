import type { CredentialStoreInfo } from '../../shared/contract/accounts';

/**
 * Where account passwords live. Never the SQLite database, never a log, never the renderer.
 * The Electron shell provides a safeStorage-backed vault; the CLI uses the file vault (vault-file.ts).
 * All methods are async: Electron's safeStorage async API is the one to use from version 45 on.
 */
export interface CredentialVault {
  /** A short description for diagnostics, e.g. `safeStorage (gnome_libsecret)` or `file (0600)`. */
  readonly description: string;
  /** Set when the backing store is weak (safeStorage's `basic_text` on Linux): the UI warns about it. */
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
  return { description: vault.description, weakness: vault.weakness };
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
