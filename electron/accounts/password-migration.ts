import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { HomingError, toErrorData } from '../../shared/errors';
import { LEGACY_SAFE_STORAGE_FILE, LegacySafeStorageFile, type SafeStorageApi } from './legacy-safe-storage';
import { FileVault, LEGACY_PASSWORD_FILE } from './vault-file';
import type { CredentialVault } from './vault';

/** One old store's outcome: how many passwords moved into the keychain, how many are still there and why. */
export interface MigrationOutcome {
  file: string;
  moved: number;
  left: number;
  /** Why some stayed (the keychain did not answer, an entry could not be decrypted); null when none did. */
  problem: string | null;
}

/** An old store: its entries by account id, read one at a time, and removed one at a time. */
interface OldStore {
  path: string;
  accountIds(): Promise<string[]>;
  read(accountId: string): Promise<string | null>;
  remove(accountId: string): Promise<void>;
}

/**
 * Moves passwords from the stores earlier versions used into the OS keychain, then removes them there:
 * the CLI's and dev:web's plain `credentials.json`, and (given Electron's safeStorage, so only in the app)
 * the app's `credentials.safe.json`. Runs at every start while such a file exists; costs nothing after.
 *
 * Nothing is lost: an entry is removed only after the keychain returns exactly that password, and the
 * keychain wins when it already has one (it is newer). When the keychain does not answer, the files stay
 * as they are and the outcome says why; the next start tries again.
 */
export async function migrateOldPasswords(dataDir: string, keychain: CredentialVault, options: { safeStorage?: SafeStorageApi } = {}): Promise<MigrationOutcome[]> {
  const stores: OldStore[] = [];
  if (existsSync(join(dataDir, LEGACY_PASSWORD_FILE))) {
    const file = new FileVault(dataDir, LEGACY_PASSWORD_FILE);
    stores.push({
      path: file.path,
      accountIds: async () => Object.keys(await file.readAll()),
      read: (id) => file.getPassword(id),
      remove: (id) => file.deletePassword(id),
    });
  }
  if (options.safeStorage && existsSync(join(dataDir, LEGACY_SAFE_STORAGE_FILE))) {
    stores.push(new LegacySafeStorageFile(dataDir, options.safeStorage));
  }
  const outcomes: MigrationOutcome[] = [];
  for (const store of stores) outcomes.push(await migrateStore(store, keychain));
  return outcomes;
}

async function migrateStore(store: OldStore, keychain: CredentialVault): Promise<MigrationOutcome> {
  const outcome: MigrationOutcome = { file: store.path, moved: 0, left: 0, problem: null };
  let ids: string[];
  try {
    ids = await store.accountIds();
  } catch (error) {
    return { ...outcome, problem: toErrorData(error).message };
  }
  for (const [index, id] of ids.entries()) {
    try {
      const password = await store.read(id);
      if (password === null) {
        outcome.left++;
        outcome.problem ??= 'a password could not be decrypted (the system keyring may be locked, or the file comes from another computer)';
        continue;
      }
      const existing = await keychain.getPassword(id);
      if (existing === null) {
        await keychain.setPassword(id, password);
        if ((await keychain.getPassword(id)) !== password) {
          throw new HomingError('VAULT_UNAVAILABLE', 'The keychain did not return the password it was given.');
        }
      }
      await store.remove(id);
      outcome.moved++;
    } catch (error) {
      // The keychain is missing or locked: it will be for the rest too. Leave them all for the next start.
      outcome.left += ids.length - index;
      outcome.problem = toErrorData(error).message;
      break;
    }
  }
  return outcome;
}

/** One line for a log or the CLI's stderr about passwords that stayed behind; null when none did. */
export function describeLeftBehind(outcome: MigrationOutcome): string | null {
  if (outcome.left === 0) return null;
  const count = outcome.left === 1 ? '1 password' : `${outcome.left} passwords`;
  return `${count} from an older Homing in ${outcome.file} could not be moved into the keychain yet and stay there: ${outcome.problem ?? 'unknown reason'}`;
}
