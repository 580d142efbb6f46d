import { describe, expect, it } from 'vitest';
import { requireStoredPasswordScope } from '../../../../electron/accounts/stored-password-scope';
import type { CredentialTarget } from '../../../../shared/credential-scope';

const account = { id: 'a1', email: 'alice@example.org' };
const incoming: CredentialTarget = { host: 'mail.example.org', port: 993, security: 'tls', username: 'alice', trustedFingerprint: null };
const outgoing: CredentialTarget = { host: 'mail.example.org', port: 465, security: 'tls', username: 'alice', trustedFingerprint: null };

function refusal(savedFor: CredentialTarget[], target: CredentialTarget): { message: string; detail: Record<string, unknown> } {
  try {
    requireStoredPasswordScope(savedFor, target, account);
  } catch (error) {
    return error as { message: string; detail: Record<string, unknown> };
  }
  throw new Error('the password was allowed to go');
}

/** PASSWORD_REQUIRED names what the user changed, all of it, and the server the password was saved for. */
describe('why a stored password must be typed again', () => {
  it('the outgoing server sharing the incoming password: a new user name is named, not the ports that differ', () => {
    // Before: measured against the incoming server (993), it said "the port changed".
    const error = refusal([incoming, outgoing], { ...outgoing, username: 'alice@example.org' });
    expect(error.message).toContain('again: the user name changed, and a stored password is only sent to the server it was saved for (mail.example.org:465).');
    expect(error.detail).toMatchObject({ change: 'username', changes: ['username'], fix: 'enter-password' });
  });

  it('weaker security on that outgoing server is named as such', () => {
    const error = refusal([incoming, outgoing], { ...outgoing, security: 'starttls' });
    expect(error.message).toContain('again: the connection would be less protected, and');
    expect(error.message).not.toContain('port');
  });

  it('several changes are all named', () => {
    const error = refusal([incoming], { ...incoming, host: 'imap.example.net', port: 143, security: 'none', trustedFingerprint: 'ab'.repeat(32) });
    expect(error.message).toContain(
      'again: the server name and the port changed, the connection would be less protected and a different certificate would be trusted, and a stored password is only sent to the server it was saved for (mail.example.org:993).',
    );
    expect(error.detail).toMatchObject({ change: 'host', changes: ['host', 'port', 'security', 'certificate'] });
  });

  it('a server a saved password was stored for, or a stronger connection to it, needs nothing', () => {
    expect(() => requireStoredPasswordScope([incoming, outgoing], outgoing, account)).not.toThrow();
    expect(() => requireStoredPasswordScope([{ ...incoming, security: 'starttls' }], { ...incoming, host: 'MAIL.example.org.' }, account)).not.toThrow();
  });
});
