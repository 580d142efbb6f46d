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

  it('gives up on recipients the server keeps answering "not now" only after the give-up time and tries, and only for their answers', () => {
    const day = 24 * 60 * 60_000;
    const limits = { ms: day, tries: 144 };
    const now = Date.parse('2026-12-07T12:00:00Z');
    const resend = { resendOf: 4, createdAt: new Date(now - day - 1).toISOString(), recipients: ['carol@example.test'], attempts: 143 };
    const greylisted = {
      code: 'SERVER_BUSY' as const,
      message: 'x',
      detail: { host: 'mail.example.test', rejected: [{ address: 'carol@example.test', response: '450 4.2.0 Greylisted', responseCode: 450 }] },
    };
    const gaveUp = resendGiveUp(resend, greylisted, now, limits);
    expect(gaveUp?.code).toBe('RECIPIENT_REFUSED');
    expect(gaveUp?.message).toMatch(/kept answering “not now” for carol@example\.test since 2026-12-06 11:59 UTC, so Homing stopped trying; the others got the message\. The server last said: 450 4\.2\.0 Greylisted/);
    // Still within the time; not a resend; the network, not the recipients.
    expect(resendGiveUp({ ...resend, createdAt: new Date(now - day + 60_000).toISOString() }, greylisted, now, limits)).toBeNull();
    expect(resendGiveUp({ ...resend, resendOf: null }, greylisted, now, limits)).toBeNull();
    expect(resendGiveUp(resend, { code: 'SERVER_BUSY', message: '421', detail: { responseCode: 421 } }, now, limits)).toBeNull();
    expect(resendGiveUp(resend, { code: 'CONNECTION_REFUSED', message: 'down' }, now, limits)).toBeNull();
  });

  it('does not give up at once when the clock jumps forward by more than the give-up time', () => {
    const day = 24 * 60 * 60_000;
    const limits = { ms: day, tries: 144 };
    const greylisted = {
      code: 'SERVER_BUSY' as const,
      message: 'x',
      detail: { host: 'mail.example.test', rejected: [{ address: 'carol@example.test', response: '450 4.2.0 Greylisted', responseCode: 450 }] },
    };
    // The clock this test drives: carol deferred at 12:00, one try a few seconds later, then the clock jumps two days ahead.
    let clock = Date.parse('2026-12-07T12:00:00Z');
    const resend = { resendOf: 4, createdAt: new Date(clock).toISOString(), recipients: ['carol@example.test'], attempts: 1 };
    clock += 4_000;
    expect(resendGiveUp(resend, greylisted, clock, limits)).toBeNull();
    resend.attempts++;
    clock += 2 * day;
    // Without the count of tries: RECIPIENT_REFUSED here, after three answers in a few seconds of real time.
    expect(resendGiveUp(resend, greylisted, clock, limits)).toBeNull();
    resend.attempts++;
    // Tried on the backoff from there on (5 minutes at most): it gives up at its 144th try, not before.
    while (resend.attempts + 1 < limits.tries) {
      clock += 5 * 60_000;
      expect(resendGiveUp(resend, greylisted, clock, limits)).toBeNull();
      resend.attempts++;
    }
    expect(resendGiveUp(resend, greylisted, clock + 5 * 60_000, limits)?.code).toBe('RECIPIENT_REFUSED');
  });

  it('counts the tries the backoff makes in half the give-up time at its longest wait', () => {
    expect(OUTGOING_LIMITS.resendGiveUpTries * 5 * 60_000).toBe(OUTGOING_LIMITS.resendGiveUpMs / 2);
  });
});
