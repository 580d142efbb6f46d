import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { SafeStorage } from 'electron';
import { HomingError } from '../../shared/errors';
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
  private readonly path: string;
  private queue: Promise<unknown> = Promise.resolve();
  /** False once safeStorage said it cannot encrypt at all (no keyring and no fallback). */
  private available: boolean | null = null;

  constructor(
    dataDir: string,
    private readonly safeStorage: SafeStorageApi,
    private readonly platform: NodeJS.Platform = process.platform,
  ) {
    this.path = join(dataDir, 'credentials.safe.json');
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
    const stored = (await this.readAll())[accountId];
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
    await this.update((all) => {
      all[accountId] = encrypted.toString('base64');
    });
  }

  deletePassword(accountId: string): Promise<void> {
    return this.update((all) => {
      delete all[accountId];
    });
  }

  /** Read-modify-write cycles run one at a time; write-then-rename, so a crash leaves the old or the new file. */
  private update(change: (all: Record<string, string>) => void): Promise<void> {
    const next = this.queue.then(async () => {
      const all = await this.readAll();
      change(all);
      await mkdir(dirname(this.path), { recursive: true });
      const temp = `${this.path}.${process.pid}.tmp`;
      await writeFile(temp, JSON.stringify(all), { mode: 0o600 });
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
      throw new HomingError('VAULT_UNAVAILABLE', 'The password store file could not be read.', { path: this.path });
    }
    try {
      const parsed: unknown = JSON.parse(text);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
      return Object.fromEntries(Object.entries(parsed).filter((e): e is [string, string] => typeof e[1] === 'string'));
    } catch {
      throw new HomingError('VAULT_UNAVAILABLE', 'The password store file is damaged.', { path: this.path });
    }
  }
}
