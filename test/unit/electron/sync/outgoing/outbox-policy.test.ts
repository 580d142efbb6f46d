import { describe, expect, it } from 'vitest';
import { OUTBOX_RETRY_WAIT_LONGEST_MS } from '../../../../../electron/store/outbox';
import { OUTGOING_LIMITS } from '../../../../../electron/sync/outgoing/limits';
import { failureAction, resendGiveUp, retryDelay } from '../../../../../electron/sync/outgoing/outbox-policy';

describe('what a failed submission does to its message', () => {
  it('never waits as long as the outbox takes for a clock put back (store/outbox.ts dueOutbox)', () => {
    for (let attempts = 1; attempts < 40; attempts++) {
      expect(retryDelay('retry', attempts)).toBeLessThan(OUTBOX_RETRY_WAIT_LONGEST_MS);
      expect(retryDelay('wait-for-user', attempts)).toBeLessThan(OUTBOX_RETRY_WAIT_LONGEST_MS);
    }
    expect(OUTGOING_LIMITS.filingBackoffCap).toBeLessThan(OUTBOX_RETRY_WAIT_LONGEST_MS);
  });

  it('retries when the server name does not exist (as while offline on macOS and Windows) or the name service did not answer', () => {
    expect(failureAction('DNS_NOT_FOUND')).toBe('retry');
    expect(failureAction('DNS_UNAVAILABLE')).toBe('retry');
    expect(failureAction('TIMEOUT')).toBe('retry');
    expect(failureAction('AUTH_FAILED')).toBe('wait-for-user');
  });

  it('gives up on recipients the server keeps answering "not now" only after the give-up time, and only for their answers', () => {
    const day = 24 * 60 * 60_000;
    const now = Date.parse('2026-12-07T12:00:00Z');
    const resend = { resendOf: 4, createdAt: new Date(now - day - 1).toISOString(), recipients: ['carol@example.test'] };
    const greylisted = {
      code: 'SERVER_BUSY' as const,
      message: 'x',
      detail: { host: 'mail.example.test', rejected: [{ address: 'carol@example.test', response: '450 4.2.0 Greylisted', responseCode: 450 }] },
    };
    const gaveUp = resendGiveUp(resend, greylisted, now, day);
    expect(gaveUp?.code).toBe('RECIPIENT_REFUSED');
    expect(gaveUp?.message).toMatch(/kept answering “not now” for carol@example\.test since 2026-12-06 11:59 UTC, so Homing stopped trying; the others got the message\. The server last said: 450 4\.2\.0 Greylisted/);
    // Still within the time; not a resend; the network, not the recipients.
    expect(resendGiveUp({ ...resend, createdAt: new Date(now - day + 60_000).toISOString() }, greylisted, now, day)).toBeNull();
    expect(resendGiveUp({ ...resend, resendOf: null }, greylisted, now, day)).toBeNull();
    expect(resendGiveUp(resend, { code: 'SERVER_BUSY', message: '421', detail: { responseCode: 421 } }, now, day)).toBeNull();
    expect(resendGiveUp(resend, { code: 'CONNECTION_REFUSED', message: 'down' }, now, day)).toBeNull();
  });
});
