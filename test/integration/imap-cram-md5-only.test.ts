import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testConnection } from '../../electron/accounts/connection-test';
import { createResolvers } from '../../electron/accounts/resolvers';
import { type DovecotServer, startDovecot } from '../servers/dovecot';

/**
 * An IMAP server that offers only CRAM-MD5 to log in (Dovecot with `auth_mechanisms = cram-md5`: no PLAIN,
 * no LOGIN command). imapflow logs in with LOGIN or AUTHENTICATE PLAIN only, so the login is refused
 * whatever the password. Was: "The server rejected the user name or password. Check the user name…", which
 * sent the user to retype a right password. Now the error says what the server offers and what to change
 * there. Real Dovecot over IMAPS.
 */
describe('an IMAP server offering only AUTH=CRAM-MD5 (Dovecot)', () => {
  let dovecot: DovecotServer;
  beforeAll(async () => {
    dovecot = await startDovecot({ extraConfig: 'auth_mechanisms = cram-md5\n' });
  });
  afterAll(() => dovecot?.destroy());

  const test = (password: string) =>
    testConnection(
      { server: { protocol: 'imap', host: '127.0.0.1', port: dovecot.ports.imaps, security: 'tls', username: 'alice' }, password, trustedFingerprint: dovecot.certificate.fingerprint256 },
      { resolvers: createResolvers({}), timeouts: { greetingMs: 5_000 } },
    );

  it('says the server offers only CRAM-MD5 and what to change on it, not "check the password"', async () => {
    const result = await test('alice-secret');
    expect(result.ok).toBe(false);
    const error = result.ok ? null : result.error;
    expect(error).toMatchObject({ code: 'AUTH_FAILED', detail: { offeredMechanisms: ['CRAM-MD5'], fix: 'check-settings', hint: expect.stringContaining('PLAIN or LOGIN') } });
    expect(error!.message).toMatch(/^127\.0\.0\.1 refused the login.* It offers only CRAM-MD5 to log in, which Homing does not use for IMAP/);
    expect(error!.message).toContain('auth_mechanisms = plain login');
    expect(error!.message).not.toMatch(/app password|Check the user name/);
    expect(JSON.stringify(result)).not.toContain('alice-secret');
  });
});
