import { join } from 'node:path';
import type { SafeStorage } from 'electron';
import { HomingError } from '../../shared/errors';
import { SecretMapFile } from './secret-map-file';
import type { CredentialVault } from './vault';

/** The parts of Electron's safeStorage the vault uses (the async API: the sync one is deprecated in 45). */
export type SafeStorageApi = Pick<
  SafeStorage,
  'isAsyncEncryptionAvailable' | 'encryptStringAsync' | 'decryptStringAsync' | 'getSelectedStorageBackend'
>;

/**
 * The app's vault: each password encrypted with Electron's safeStorage (Keychain, DPAPI, libsecret or
 * KWallet), the ciphertexts kept in `credentials.safe.json` beside the database, never inside it.
 * Construct it after the app is ready: before that, Linux reports no backend.
 */
export class SafeStorageVault implements CredentialVault {
  private readonly file: SecretMapFile;
  /** False once safeStorage said it cannot encrypt at all (no keyring and no fallback). */
  private available: boolean | null = null;

  constructor(
    dataDir: string,
    private readonly safeStorage: SafeStorageApi,
    private readonly platform: NodeJS.Platform = process.platform,
  ) {
    this.file = new SecretMapFile(join(dataDir, 'credentials.safe.json'), 'password store file');
  }

  /**
   * Asked afresh each time: on Linux the backend is `unknown` until the app is ready and the async
   * encryptor has started, and the settings dialog must see the real one.
   */
  private get backend(): string {
    if (this.platform === 'linux') return this.safeStorage.getSelectedStorageBackend();
    return this.platform === 'darwin' ? 'Keychain' : this.platform === 'win32' ? 'DPAPI' : 'os';
  }

  get description(): string {
    return `safeStorage (${this.backend})`;
  }

  get weakness(): string | null {
    if (this.available === false) return 'This computer offers no way to encrypt passwords, so none can be saved.';
    const backend = this.backend;
    // On Linux without a keyring, safeStorage "encrypts" with a fixed key: say so rather than pretend.
    if (backend === 'basic_text') {
      return 'No system keyring was found (safeStorage uses its basic_text backend): passwords are only obscured, not encrypted.';
    }
    if (backend === 'unknown') return 'The system keyring has not been chosen yet; passwords may only be obscured, not encrypted.';
    return null;
  }

  /** Starts the async encryptor (it picks the Linux backend) and reports what it chose. */
  async inspect(): Promise<{ description: string; weakness: string | null }> {
    this.available = await this.safeStorage.isAsyncEncryptionAvailable().catch(() => false);
    return { description: this.description, weakness: this.weakness };
  }

  async getPassword(accountId: string): Promise<string | null> {
    const stored = (await this.file.read())[accountId];
    if (!stored) return null;
    let decrypted: { result: string; shouldReEncrypt: boolean };
    try {
      decrypted = await this.safeStorage.decryptStringAsync(Buffer.from(stored, 'base64'));
    } catch {
      // A locked or replaced keyring, or a file copied from another computer. No detail: it is ciphertext.
      throw new HomingError('VAULT_UNAVAILABLE', 'A stored password could not be decrypted; the system keyring may be locked.', { accountId });
    }
    if (decrypted.shouldReEncrypt) {
      // The key was rotated or a stronger backend appeared: store it again under the new key (best effort).
      await this.setPassword(accountId, decrypted.result).catch(() => undefined);
    }
    return decrypted.result;
  }

  async setPassword(accountId: string, password: string): Promise<void> {
    this.available = await this.safeStorage.isAsyncEncryptionAvailable().catch(() => false);
    if (!this.available) {
      throw new HomingError('VAULT_UNAVAILABLE', 'This computer offers no way to encrypt the password (no system keyring), so it was not saved.');
    }
    const encrypted = await this.safeStorage.encryptStringAsync(password);
    await this.file.update((all) => {
      all[accountId] = encrypted.toString('base64');
    });
  }

  deletePassword(accountId: string): Promise<void> {
    return this.file.update((all) => {
      delete all[accountId];
    });
  }
}
