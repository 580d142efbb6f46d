import { describe, expect, it } from 'vitest';
import { defaultWatchTiming, delayAfterFailure, isUnreachable, needsTheUser } from '../../../../electron/sync/watch-policy';

/** How a watch loop waits after a failed pass or session (account-watch.ts uses delayAfterFailure). */
describe('delayAfterFailure', () => {
  const tenMinutes = 10 * 60_000;
  const low = () => 0;
  const high = () => 0.999_999;

  it('waits the check interval after errors only the user can fix, then twice that, up to an hour (no pile of failed logins)', () => {
    for (const code of ['AUTH_FAILED', 'POP3_NO_UIDL', 'TLS_CERT_CHANGED', 'AUTH_PLAINTEXT_REFUSED']) {
      const first = delayAfterFailure(code, 0, tenMinutes);
      expect(first, code).toBeGreaterThanOrEqual(tenMinutes * 0.9);
      expect(first, code).toBeLessThanOrEqual(tenMinutes);
      expect(delayAfterFailure(code, 1, tenMinutes, defaultWatchTiming, low), code).toBe(tenMinutes * 2 * 0.9);
      expect(delayAfterFailure(code, 40, tenMinutes, defaultWatchTiming, high), code).toBeLessThanOrEqual(60 * 60_000);
      expect(delayAfterFailure(code, 40, tenMinutes, defaultWatchTiming, low), code).toBe(60 * 60_000 * 0.9);
    }
  });

  it('waits at most the check interval the user chose, never a tenth more', () => {
    expect(delayAfterFailure('AUTH_FAILED', 0, tenMinutes, defaultWatchTiming, high)).toBeLessThanOrEqual(tenMinutes);
    expect(delayAfterFailure('AUTH_FAILED', 0, tenMinutes, defaultWatchTiming, high)).toBeGreaterThan(tenMinutes * 0.99);
  });

  it('never waits less than the check interval for those, even when the interval is longer than the cap', () => {
    const day = 24 * 60 * 60_000;
    expect(delayAfterFailure('AUTH_FAILED', 5, day, defaultWatchTiming, low)).toBe(day * 0.9);
  });

  it('retries within seconds after transient errors, doubling with jitter, capped at five minutes', () => {
    for (const code of ['MAILBOX_LOCKED', 'CONNECTION_LOST', 'CONNECTION_REFUSED', 'TIMEOUT', undefined]) {
      expect(delayAfterFailure(code, 0, tenMinutes, defaultWatchTiming, high), String(code)).toBeLessThanOrEqual(2_000);
      expect(delayAfterFailure(code, 0, tenMinutes, defaultWatchTiming, low), String(code)).toBe(1_000);
      expect(delayAfterFailure(code, 3, tenMinutes, defaultWatchTiming, low), String(code)).toBe(8_000);
      expect(delayAfterFailure(code, 30, tenMinutes, defaultWatchTiming, high), String(code)).toBeLessThanOrEqual(5 * 60_000);
      expect(delayAfterFailure(code, 30, tenMinutes, defaultWatchTiming, low), String(code)).toBe(150_000);
    }
  });

  it('spreads the retries of accounts that lost the same server (jitter) and never exceeds the check interval', () => {
    const delays = new Set(Array.from({ length: 50 }, () => delayAfterFailure('CONNECTION_REFUSED', 4, tenMinutes)));
    expect(delays.size).toBeGreaterThan(10);
    expect(delayAfterFailure('CONNECTION_REFUSED', 30, 60_000, defaultWatchTiming, high)).toBeLessThanOrEqual(66_000);
  });

  it('takes shorter timings from the caller (tests and the soak benchmark)', () => {
    const timing = { retryBaseMs: 100, retryMaxMs: 1_000, needsUserMaxMs: 4_000 };
    expect(delayAfterFailure('CONNECTION_LOST', 0, 5_000, timing, high)).toBeLessThanOrEqual(100);
    expect(delayAfterFailure('CONNECTION_LOST', 20, 5_000, timing, high)).toBeLessThanOrEqual(1_000);
    expect(delayAfterFailure('AUTH_FAILED', 20, 500, timing, high)).toBeLessThanOrEqual(4_400);
  });
});

describe('error classes', () => {
  it('tells unreachable (offline) from needs-the-user from anything else', () => {
    expect(['CONNECTION_REFUSED', 'CONNECTION_LOST', 'TIMEOUT', 'DNS_UNAVAILABLE'].every(isUnreachable)).toBe(true);
    // A name that does not exist is shown as an error naming the host (not "Offline"), but retried as usual:
    // macOS and Windows say the same of every name while the network is gone.
    expect(isUnreachable('DNS_NOT_FOUND')).toBe(false);
    expect(needsTheUser('DNS_NOT_FOUND')).toBe(false);
    expect(needsTheUser('DNS_UNAVAILABLE')).toBe(false);
    expect(isUnreachable('AUTH_FAILED')).toBe(false);
    expect(needsTheUser('TLS_CERT_CHANGED')).toBe(true);
    expect(needsTheUser('CONNECTION_LOST')).toBe(false);
    expect(needsTheUser(undefined)).toBe(false);
  });
});
