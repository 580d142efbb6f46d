import { describe, expect, it } from 'vitest';
import type { OutgoingServer } from '../../../shared/contract/accounts';
import type { OutboxItem } from '../../../shared/contract/outgoing';
import type { ErrorData } from '../../../shared/errors';
import { changeNeedsPassword, outboxServerFix, pinFor } from '../../../renderer/mail/outbox-server-fix';

const smtp: OutgoingServer = { host: 'mail.example.org', port: 25, security: 'starttls', username: 'me@example.org', passwordSource: 'incoming', trustedFingerprint: null };
const waiting = (lastError: ErrorData, state: OutboxItem['state'] = 'queued') => ({ state, lastError });

describe('what the Outbox offers for a message waiting on its outgoing server’s settings', () => {
  it('offers sending’s usual ports and a port of the user’s choosing when the port refuses the connection', () => {
    const fix = outboxServerFix(waiting({ code: 'CONNECTION_REFUSED', message: 'x', detail: { host: 'mail.example.org', port: 25, fix: 'check-port' } }), smtp);
    expect(fix).toMatchObject({ kind: 'server', port: true });
    expect(fix?.kind === 'server' && fix.choices).toEqual([
      { label: 'Use SSL/TLS on port 465', change: { host: 'mail.example.org', port: 465, security: 'tls' } },
      { label: 'Use STARTTLS on port 587', change: { host: 'mail.example.org', port: 587, security: 'starttls' } },
    ]);
    // Already on 465: only 587 is another port to offer.
    const on465 = outboxServerFix(waiting({ code: 'CONNECTION_REFUSED', message: 'x', detail: { host: 'mail.example.org', port: 465 } }), { ...smtp, port: 465, security: 'tls' });
    expect(on465?.kind === 'server' && on465.choices.map((c) => c.label)).toEqual(['Use STARTTLS on port 587']);
  });

  it('offers the names the certificate covers (never a wildcard), the port’s own security, and the password', () => {
    const hostname: ErrorData = {
      code: 'TLS_CERT_HOSTNAME',
      message: 'x',
      detail: { host: 'mail.example.org', fix: 'use-certificate-hostname', suggestedHosts: ['server42.hosting.example', '*.hosting.example'] },
    };
    const byName = outboxServerFix(waiting(hostname), smtp);
    expect(byName?.kind === 'server' && byName.choices).toEqual([{ label: 'Use server42.hosting.example instead', change: { host: 'server42.hosting.example', port: 25, security: 'starttls' } }]);
    const wrongPort: ErrorData = { code: 'TLS_WRONG_PORT', message: 'x', detail: { host: 'mail.example.org', port: 25, fix: 'switch-security', suggested: { port: 25, security: 'tls' } } };
    const bySecurity = outboxServerFix(waiting(wrongPort), smtp);
    expect(bySecurity?.kind === 'server' && bySecurity.choices.map((c) => c.label)).toEqual(['Use SSL/TLS on port 25']);
    const silent = outboxServerFix(waiting({ code: 'TIMEOUT', message: 'x', detail: { host: 'mail.example.org', port: 25, reason: 'GREETING_TIMEOUT' } }), smtp);
    expect(silent?.kind === 'server' && silent.choices.map((c) => c.label)).toEqual(['Use SSL/TLS on port 25']);
    expect(outboxServerFix(waiting({ code: 'AUTH_FAILED', message: 'x', detail: { host: 'mail.example.org', port: 25 } }), smtp)?.kind).toBe('password');
    // A server without a login has no password to fix.
    expect(outboxServerFix(waiting({ code: 'AUTH_FAILED', message: 'x' }), { ...smtp, username: null })).toBeNull();
  });

  it('offers nothing for settings changed since the try, for a message not waiting, or for other failures', () => {
    const refused: ErrorData = { code: 'CONNECTION_REFUSED', message: 'x', detail: { host: 'mail.example.org', port: 25 } };
    expect(outboxServerFix(waiting(refused), { ...smtp, port: 587 })).toBeNull();
    expect(outboxServerFix(waiting(refused), { ...smtp, host: 'smtp.example.org' })).toBeNull();
    expect(outboxServerFix(waiting(refused, 'failed'), smtp)).toBeNull();
    expect(outboxServerFix(waiting(refused), null)).toBeNull();
    expect(outboxServerFix(waiting({ code: 'TIMEOUT', message: 'x', detail: { host: 'mail.example.org', port: 25 } }), smtp)).toBeNull();
  });

  it('asks for the password when a stored one would go to another server, and keeps a pin on the same host only', () => {
    expect(changeNeedsPassword(smtp, { host: 'mail.example.org', port: 587, security: 'starttls' })).toBe(true);
    expect(changeNeedsPassword(smtp, { host: 'server42.hosting.example', port: 25, security: 'starttls' })).toBe(true);
    // Stronger security on the same port and host: the stored password may go.
    expect(changeNeedsPassword(smtp, { host: 'mail.example.org', port: 25, security: 'tls' })).toBe(false);
    expect(changeNeedsPassword({ ...smtp, security: 'tls' }, { host: 'mail.example.org', port: 25, security: 'starttls' })).toBe(true);
    expect(changeNeedsPassword({ ...smtp, username: null }, { host: 'other.example', port: 465, security: 'tls' })).toBe(false);
    const pinned = { ...smtp, trustedFingerprint: 'ab'.repeat(32) };
    expect(pinFor(pinned, { host: 'MAIL.example.org.', port: 465, security: 'tls' })).toBe('ab'.repeat(32));
    expect(pinFor(pinned, { host: 'server42.hosting.example', port: 25, security: 'starttls' })).toBeNull();
  });
});
