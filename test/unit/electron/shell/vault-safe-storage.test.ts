import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type SafeStorageApi, SafeStorageVault } from '../../../../electron/accounts/vault-safe-storage';
import type { CredentialVault } from '../../../../electron/accounts/vault';

/**
 * A stand-in for Electron's safeStorage: "encrypts" by reversing and tagging with the key generation, so
 * the tests can see that nothing is stored in clear and that a rotated key leads to re-encryption.
 */
function fakeSafeStorage(options: { available?: boolean; backend?: ReturnType<SafeStorageApi['getSelectedStorageBackend']> } = {}) {
  const state = { key: 'k1', broken: false };
  const api: SafeStorageApi = {
    isAsyncEncryptionAvailable: async () => options.available ?? true,
    encryptStringAsync: async (plain) => Buffer.from(`${state.key}:${[...plain].reverse().join('')}`),
    decryptStringAsync: async (encrypted) => {
      if (state.broken) throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.');
      const [key, body] = encrypted.toString().split(/:(.*)/s) as [string, string];
      return { result: [...body].reverse().join(''), shouldReEncrypt: key !== state.key };
    },
    getSelectedStorageBackend: () => options.backend ?? 'gnome_libsecret',
  };
  return { api, state };
}

const dataDir = () => mkdtempSync(join(tmpdir(), 'homing-vault-'));

describe('the safeStorage vault', () => {
  it('implements CredentialVault and keeps only ciphertext on disk, readable by the user alone', async () => {
    const dir = dataDir();
    const vault: CredentialVault = new SafeStorageVault(dir, fakeSafeStorage().api, 'linux');
    await vault.setPassword('acc1', 'correct horse');
    expect(await vault.getPassword('acc1')).toBe('correct horse');
    expect(await vault.getPassword('other')).toBeNull();
    const file = join(dir, 'credentials.safe.json');
    expect(readFileSync(file, 'utf8')).not.toContain('correct horse');
    if (process.platform !== 'win32') expect(statSync(file).mode & 0o777).toBe(0o600);
    await vault.deletePassword('acc1');
    expect(await vault.getPassword('acc1')).toBeNull();
  });

  it('re-encrypts a password when safeStorage says its key changed', async () => {
    const dir = dataDir();
    const fake = fakeSafeStorage();
    const vault = new SafeStorageVault(dir, fake.api, 'darwin');
    await vault.setPassword('acc1', 'secret');
    fake.state.key = 'k2';
    expect(await vault.getPassword('acc1')).toBe('secret');
    const stored = JSON.parse(readFileSync(join(dir, 'credentials.safe.json'), 'utf8')) as Record<string, string>;
    expect(Buffer.from(stored.acc1 as string, 'base64').toString()).toMatch(/^k2:/);
  });

  it('refuses to store a password when encryption is unavailable', async () => {
    const vault = new SafeStorageVault(dataDir(), fakeSafeStorage({ available: false }).api, 'linux');
    await expect(vault.setPassword('acc1', 'secret')).rejects.toMatchObject({ code: 'VAULT_UNAVAILABLE' });
  });

  it('says when the password cannot be decrypted (a locked keyring), without leaking anything', async () => {
    const dir = dataDir();
    const fake = fakeSafeStorage();
    const vault = new SafeStorageVault(dir, fake.api, 'linux');
    await vault.setPassword('acc1', 'secret');
    fake.state.broken = true;
    const error = await vault.getPassword('acc1').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'VAULT_UNAVAILABLE' });
    expect(JSON.stringify(error)).not.toContain('secret');
  });

  it('reports a damaged store file with a code instead of losing it', async () => {
    const dir = dataDir();
    writeFileSync(join(dir, 'credentials.safe.json'), '[1,2');
    const vault = new SafeStorageVault(dir, fakeSafeStorage().api, 'linux');
    await expect(vault.getPassword('acc1')).rejects.toMatchObject({ code: 'VAULT_UNAVAILABLE' });
    await expect(vault.setPassword('acc1', 'x')).rejects.toMatchObject({ code: 'VAULT_UNAVAILABLE' });
    expect(readFileSync(join(dir, 'credentials.safe.json'), 'utf8')).toBe('[1,2');
  });

  it('warns when Linux has no keyring (basic_text), and only then', () => {
    expect(new SafeStorageVault(dataDir(), fakeSafeStorage({ backend: 'basic_text' }).api, 'linux').weakness).toMatch(/basic_text/);
    expect(new SafeStorageVault(dataDir(), fakeSafeStorage({ backend: 'kwallet6' }).api, 'linux')).toMatchObject({
      weakness: null,
      description: 'safeStorage (kwallet6)',
    });
    expect(new SafeStorageVault(dataDir(), fakeSafeStorage({ backend: 'basic_text' }).api, 'win32').weakness).toBeNull();
  });
});
