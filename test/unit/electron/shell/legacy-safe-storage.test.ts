import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LegacySafeStorageFile, type SafeStorageApi } from '../../../../electron/accounts/legacy-safe-storage';

/** A stand-in for Electron's safeStorage: "encrypts" by reversing, so nothing is stored in clear. */
function fakeSafeStorage(state = { broken: false }): SafeStorageApi {
  return {
    isAsyncEncryptionAvailable: async () => true,
    decryptStringAsync: async (encrypted) => {
      if (state.broken) throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.');
      return { result: [...encrypted.toString()].reverse().join(''), shouldReEncrypt: false };
    },
  };
}
const encrypt = (plain: string) => Buffer.from([...plain].reverse().join('')).toString('base64');

function oldStore(entries: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'homing-legacy-'));
  writeFileSync(join(dir, 'credentials.safe.json'), JSON.stringify(entries), { mode: 0o600 });
  return dir;
}

describe('the app’s old safeStorage file, read once to move it into the keychain', () => {
  it('lists and decrypts its entries, and goes away with its last one', async () => {
    const dir = oldStore({ a1: encrypt('correct horse'), a2: encrypt('battery staple') });
    const file = new LegacySafeStorageFile(dir, fakeSafeStorage());
    expect(await file.accountIds()).toEqual(['a1', 'a2']);
    expect(await file.read('a1')).toBe('correct horse');
    expect(await file.read('other')).toBeNull();
    await file.remove('a1');
    expect(readFileSync(join(dir, 'credentials.safe.json'), 'utf8')).not.toContain('a1');
    await file.remove('a2');
    expect(existsSync(join(dir, 'credentials.safe.json'))).toBe(false);
  });

  it('answers null for an entry it cannot decrypt (a locked keyring), leaving it in place', async () => {
    const dir = oldStore({ a1: encrypt('secret') });
    const file = new LegacySafeStorageFile(dir, fakeSafeStorage({ broken: true }));
    expect(await file.read('a1')).toBeNull();
    expect(await file.accountIds()).toEqual(['a1']);
  });

  it('reports a damaged file with a code instead of losing it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'homing-legacy-'));
    writeFileSync(join(dir, 'credentials.safe.json'), '[1,2');
    await expect(new LegacySafeStorageFile(dir, fakeSafeStorage()).accountIds()).rejects.toMatchObject({ code: 'VAULT_UNAVAILABLE' });
    expect(readFileSync(join(dir, 'credentials.safe.json'), 'utf8')).toBe('[1,2');
  });
});
