import { join } from 'node:path';
import type { SafeStorage } from 'electron';
import { SecretMapFile } from './secret-map-file';

/** The parts of Electron's safeStorage that reading the old store needs. */
export type SafeStorageApi = Pick<SafeStorage, 'isAsyncEncryptionAvailable' | 'decryptStringAsync'>;

/** The file where earlier versions of the app kept each password encrypted with Electron's safeStorage. */
export const LEGACY_SAFE_STORAGE_FILE = 'credentials.safe.json';

/**
 * The app's password store before the OS keychain: `credentials.safe.json` beside the database, each
 * password encrypted by safeStorage (base64). Only read now, once, to move the passwords into the
 * keychain (password-migration.ts); an entry is deleted after the keychain holds it, the file with its last
 * entry. Construct it after the app is ready: before that, Linux cannot decrypt.
 */
export class LegacySafeStorageFile {
  private readonly file: SecretMapFile;

  constructor(
    dataDir: string,
    private readonly safeStorage: SafeStorageApi,
  ) {
    this.file = new SecretMapFile(join(dataDir, LEGACY_SAFE_STORAGE_FILE), 'old password store file');
  }

  get path(): string {
    return this.file.path;
  }

  accountIds(): Promise<string[]> {
    return this.file.read().then(Object.keys);
  }

  /** The password, or null when safeStorage cannot decrypt it (a locked keyring, another computer's file). */
  async read(accountId: string): Promise<string | null> {
    const stored = (await this.file.read())[accountId];
    if (!stored) return null;
    try {
      return (await this.safeStorage.decryptStringAsync(Buffer.from(stored, 'base64'))).result;
    } catch {
      return null;
    }
  }

  remove(accountId: string): Promise<void> {
    return this.file.update((all) => {
      delete all[accountId];
    });
  }
}
