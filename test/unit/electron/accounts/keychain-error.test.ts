import { describe, expect, it } from 'vitest';
import { keychainError } from '../../../../electron/accounts/vault-keychain';

/** keyring-rs reports every failure as text; these are the texts its binding gives on each platform. */
describe('keychainError tells a missing keychain from one that answered with an error', () => {
  const error = (text: string, platform: NodeJS.Platform) => keychainError(new Error(text), 'save', 'acct-1', platform);

  it('on Linux, a platform failure is the Secret Service or its D-Bus session missing', () => {
    const e = error('Platform failure: No DBus session or Secret Service provider found', 'linux');
    expect(e.code).toBe('VAULT_UNAVAILABLE');
    expect(e.message).toMatch(/no keychain answers here \(no Secret Service on this session’s D-Bus\)/);
  });

  it('on macOS and Windows, a platform failure is the keychain refusing, in its own words', () => {
    for (const [platform, name] of [['darwin', 'macOS Keychain'], ['win32', 'Windows Credential Manager']] as const) {
      const e = error('Platform failure: The specified item already exists in the keychain. (-25299)', platform);
      expect(e.code, platform).toBe('VAULT_UNAVAILABLE');
      expect(e.message, platform).toContain(`the ${name} refused (Platform failure: The specified item already exists in the keychain. (-25299))`);
      expect(e.message, platform).not.toMatch(/does not answer|no keychain answers/);
    }
  });

  it('a keychain that cannot be reached at all does not answer, on every platform', () => {
    expect(error("Couldn't access platform storage: no session", 'darwin').message).toMatch(/no keychain answers here\./);
    expect(error("Couldn't access platform storage: no session", 'linux').message).toMatch(/no keychain answers here/);
  });

  it('a locked keychain is VAULT_LOCKED everywhere', () => {
    for (const platform of ['linux', 'darwin', 'win32'] as const) {
      expect(error('Platform failure: User interaction is not allowed.', platform).code, platform).toBe('VAULT_LOCKED');
      expect(error('Secret Service: object locked (is locked)', platform).code, platform).toBe('VAULT_LOCKED');
    }
  });
});
