import { chmodSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileVault } from '../../../../electron/accounts/vault-file';
import { inspectVault, MemoryVault } from '../../../../electron/accounts/vault';

const dataDir = () => mkdtempSync(join(tmpdir(), 'homing-file-vault-'));
const posix = process.platform !== 'win32';

describe('the plain-file vault (only for accounts whose user chose it)', () => {
  it('keeps passwords in insecure-passwords.json, mode 0600, nowhere else, and removes the file with its last one', async () => {
    const dir = dataDir();
    const vault = new FileVault(dir);
    await vault.setPassword('a1', 'first secret');
    await vault.setPassword('a2', 'second secret');
    expect(await vault.getPassword('a1')).toBe('first secret');
    expect(await vault.getPassword('missing')).toBeNull();
    expect(await vault.getPassword('__proto__')).toBeNull();
    if (posix) expect(statSync(join(dir, 'insecure-passwords.json')).mode & 0o777).toBe(0o600);
    // No temporary file is left behind.
    expect(readdirSync(dir)).toEqual(['insecure-passwords.json']);
    await vault.deletePassword('a1');
    expect(JSON.parse(readFileSync(join(dir, 'insecure-passwords.json'), 'utf8'))).toEqual({ a2: 'second secret' });
    await vault.deletePassword('a2');
    expect(readdirSync(dir)).toEqual([]);
  });

  it('serialises concurrent changes so none is lost', async () => {
    const vault = new FileVault(dataDir());
    await Promise.all(Array.from({ length: 20 }, (_, i) => vault.setPassword(`a${i}`, `pw${i}`)));
    for (let i = 0; i < 20; i++) expect(await vault.getPassword(`a${i}`)).toBe(`pw${i}`);
  });

  it.skipIf(!posix)('puts a file made readable to others back to 0600', async () => {
    const dir = dataDir();
    const vault = new FileVault(dir);
    await vault.setPassword('a1', 'secret');
    chmodSync(join(dir, 'insecure-passwords.json'), 0o644);
    expect(await vault.getPassword('a1')).toBe('secret');
    expect(statSync(join(dir, 'insecure-passwords.json')).mode & 0o777).toBe(0o600);
  });

  it('reports a damaged file with a code, never quoting it', async () => {
    const dir = dataDir();
    writeFileSync(join(dir, 'insecure-passwords.json'), '{"a1": "hunter2-secret", broken');
    const error = await new FileVault(dir).getPassword('a1').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'VAULT_UNAVAILABLE' });
    expect(JSON.stringify(error) + String((error as Error).message)).not.toContain('hunter2');
    await expect(new FileVault(dir).setPassword('a1', 'x')).rejects.toMatchObject({ code: 'VAULT_UNAVAILABLE' });
  });

  it('says what it is and what is weak about it', async () => {
    expect(await inspectVault(new FileVault(dataDir()))).toEqual({ description: 'file (mode 0600)', weakness: expect.stringMatching(/not encrypted/), keychain: 'available' });
    expect(await inspectVault(new MemoryVault())).toEqual({ description: 'memory', weakness: null, keychain: 'available' });
  });
});
