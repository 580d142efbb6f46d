import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { inspectVault } from '../../../../electron/accounts/vault';
import { type SafeStorageApi, SafeStorageVault } from '../../../../electron/accounts/vault-safe-storage';

/** safeStorage on Linux: the backend is `unknown` until the async encryptor has started after app ready. */
function lazyBackend(final: ReturnType<SafeStorageApi['getSelectedStorageBackend']>, available = true): SafeStorageApi {
  let started = false;
  return {
    isAsyncEncryptionAvailable: async () => {
      started = true;
      return available;
    },
    encryptStringAsync: async (plain) => Buffer.from(plain).reverse(),
    decryptStringAsync: async (encrypted) => ({ result: Buffer.from(encrypted).reverse().toString(), shouldReEncrypt: false }),
    getSelectedStorageBackend: () => (started ? final : 'unknown'),
  };
}

const dir = () => mkdtempSync(join(tmpdir(), 'homing-safe-'));

describe('the safeStorage vault’s report on its own strength', () => {
  it('reports the backend chosen once safeStorage has started, not the one before', async () => {
    const vault = new SafeStorageVault(dir(), lazyBackend('gnome_libsecret'), 'linux');
    expect(vault.weakness).toMatch(/not been chosen/);
    expect(await inspectVault(vault)).toEqual({ description: 'safeStorage (gnome_libsecret)', weakness: null });
  });

  it('warns about the basic_text fallback on Linux', async () => {
    const info = await inspectVault(new SafeStorageVault(dir(), lazyBackend('basic_text'), 'linux'));
    expect(info.weakness).toMatch(/basic_text.*only obscured/);
  });

  it('says when no password can be saved at all, and refuses to save one', async () => {
    const vault = new SafeStorageVault(dir(), lazyBackend('basic_text', false), 'linux');
    expect((await inspectVault(vault)).weakness).toMatch(/no way to encrypt/);
    await expect(vault.setPassword('a', 'secret')).rejects.toMatchObject({ code: 'VAULT_UNAVAILABLE' });
  });

  it('names the operating system’s store elsewhere', async () => {
    expect((await inspectVault(new SafeStorageVault(dir(), lazyBackend('unknown'), 'darwin'))).description).toBe('safeStorage (Keychain)');
    expect((await inspectVault(new SafeStorageVault(dir(), lazyBackend('unknown'), 'win32'))).weakness).toBeNull();
  });
});
