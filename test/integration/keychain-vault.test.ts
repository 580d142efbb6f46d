import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { migrateOldPasswords } from '../../electron/accounts/password-migration';
import { LegacySafeStorageFile, type SafeStorageApi } from '../../electron/accounts/legacy-safe-storage';
import { KeychainVault } from '../../electron/accounts/vault-keychain';
import { findSecrets } from '../helpers/secret-scan';
import { keychainLookup } from '../servers/secret-service';

/**
 * The keychain vault against a real Secret Service (the run's private gnome-keyring-daemon, see
 * test/helpers/test-keychain.ts), and the move of the old password files into it. A locked keyring and
 * no keychain at all are tested through the CLI in child processes (keychain-cli.test.ts): the binding
 * keeps one D-Bus connection per process.
 */
const PASSWORDS = ['alpha-Secret-91', 'beta-Secret-92', 'gamma-Secret-93'];

/** Electron's safeStorage as the unit tests' stand-in does it: "x" + the text, never the text alone. */
const fakeSafeStorage = (broken = new Set<string>()): SafeStorageApi => ({
  isAsyncEncryptionAvailable: async () => true,
  decryptStringAsync: async (buffer) => {
    const text = buffer.toString();
    if (broken.has(text.slice(1))) throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.');
    return { result: text.slice(1), shouldReEncrypt: false };
  },
});
const encrypt = (password: string) => Buffer.from(`x${password}`).toString('base64');

describe('the OS keychain (a real Secret Service)', () => {
  const dirs: string[] = [];
  const dataDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'homing-keychain-'));
    dirs.push(dir);
    return dir;
  };
  const keyring = { lookup: (id: string) => keychainLookup(id) };
  afterEach(() => {
    // No password anywhere in a data directory once it is in the keychain.
    expect(findSecrets(PASSWORDS, { dirs })).toEqual([]);
  });

  it('keeps passwords under service "Homing", account = account id, where other programs find them', async () => {
    const vault = new KeychainVault();
    await vault.setPassword('0123456789abcdef', PASSWORDS[0]!);
    expect(await vault.getPassword('0123456789abcdef')).toBe(PASSWORDS[0]);
    expect(await vault.getPassword('fedcba9876543210')).toBeNull();
    expect(await keyring.lookup('0123456789abcdef')).toBe(PASSWORDS[0]);
    expect(await vault.inspect()).toEqual({ description: 'Secret Service (GNOME Keyring, KWallet)', weakness: null, keychain: 'available' });
    await vault.deletePassword('0123456789abcdef');
    expect(await keyring.lookup('0123456789abcdef')).toBeNull();
    await vault.deletePassword('0123456789abcdef'); // deleting what is gone is not an error
  });

  it('moves an old credentials.json into the keychain, then removes it', async () => {
    const dir = dataDir();
    writeFileSync(join(dir, 'credentials.json'), JSON.stringify({ acc1: PASSWORDS[0], acc2: PASSWORDS[1] }), { mode: 0o600 });
    const vault = new KeychainVault();
    await vault.setPassword('acc2', 'newer-in-keychain'); // the keychain's copy is newer: it wins
    expect(await migrateOldPasswords(dir, vault)).toEqual([{ file: join(dir, 'credentials.json'), moved: 2, left: 0, problem: null }]);
    expect(existsSync(join(dir, 'credentials.json'))).toBe(false);
    expect(await keyring.lookup('acc1')).toBe(PASSWORDS[0]);
    expect(await keyring.lookup('acc2')).toBe('newer-in-keychain');
    expect(await migrateOldPasswords(dir, vault)).toEqual([]); // nothing left: a no-op at every later start
  });

  it('moves an old safeStorage store into the keychain; an entry that cannot be decrypted stays for next time', async () => {
    const dir = dataDir();
    writeFileSync(join(dir, 'credentials.safe.json'), JSON.stringify({ s1: encrypt(PASSWORDS[1]!), s2: encrypt(PASSWORDS[2]!) }), { mode: 0o600 });
    const vault = new KeychainVault();
    const [outcome] = await migrateOldPasswords(dir, vault, { safeStorage: fakeSafeStorage(new Set([PASSWORDS[2]!])) });
    expect(outcome).toMatchObject({ moved: 1, left: 1, problem: expect.stringMatching(/could not be decrypted/) });
    expect(await keyring.lookup('s1')).toBe(PASSWORDS[1]);
    expect(Object.keys(JSON.parse(readFileSync(join(dir, 'credentials.safe.json'), 'utf8')) as object)).toEqual(['s2']);
    // The keyring is unlocked later: the next start moves the rest and the file goes.
    expect(await migrateOldPasswords(dir, vault, { safeStorage: fakeSafeStorage() })).toEqual([
      { file: join(dir, 'credentials.safe.json'), moved: 1, left: 0, problem: null },
    ]);
    expect(existsSync(join(dir, 'credentials.safe.json'))).toBe(false);
    expect(await keyring.lookup('s2')).toBe(PASSWORDS[2]);
    expect(await new LegacySafeStorageFile(dir, fakeSafeStorage()).accountIds()).toEqual([]);
  });
});
