import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { SafeStorage } from 'electron';
import { HomingError } from '../../shared/errors';
import type { CredentialVault } from './vault';

/**
 * The app's vault: each password encrypted with Electron's safeStorage (Keychain, DPAPI, libsecret or
 * KWallet), the ciphertexts kept in `credentials.safe.json` beside the database, never inside it.
 * Uses the async API (the sync one is deprecated in Electron 45).
 */
export class SafeStorageVault implements CredentialVault {
  readonly description: string;
  readonly weakness: string | null;
  private readonly path: string;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    dataDir: string,
    private readonly safeStorage: SafeStorage,
    platform: NodeJS.Platform = process.platform,
  ) {
    this.path = join(dataDir, 'credentials.safe.json');
    const backend = platform === 'linux' ? safeStorage.getSelectedStorageBackend() : 'os';
    this.description = `safeStorage (${backend})`;
    // On Linux without a keyring, safeStorage "encrypts" with a fixed key: say so rather than pretend.
    this.weakness =
      backend === 'basic_text' || backend === 'unknown'
        ? 'No system keyring was found (safeStorage uses its basic_text backend): passwords are only obscured, not encrypted.'
        : null;
  }

  async getPassword(accountId: string): Promise<string | null> {
    const stored = (await this.readAll())[accountId];
    if (!stored) return null;
    const { result } = await this.safeStorage.decryptStringAsync(Buffer.from(stored, 'base64'));
    return result;
  }

  async setPassword(accountId: string, password: string): Promise<void> {
    if (!(await this.safeStorage.isAsyncEncryptionAvailable())) {
      throw new HomingError('VAULT_UNAVAILABLE');
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

  private update(change: (all: Record<string, string>) => void): Promise<void> {
    const next = this.queue.then(async () => {
      const all = await this.readAll();
      change(all);
      await mkdir(dirname(this.path), { recursive: true });
      const temp = `${this.path}.tmp`;
      await writeFile(temp, JSON.stringify(all), { mode: 0o600 });
      await rename(temp, this.path);
    });
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async readAll(): Promise<Record<string, string>> {
    try {
      const parsed: unknown = JSON.parse(await readFile(this.path, 'utf8'));
      return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, string>) : {};
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw new HomingError('VAULT_UNAVAILABLE', 'The password store file is damaged.');
    }
  }
}
