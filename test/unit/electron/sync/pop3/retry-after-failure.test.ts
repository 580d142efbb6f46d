import { describe, expect, it } from 'vitest';
import { delayAfterFailure } from '../../../../../electron/sync/sync-runtime';

/** How the runtime retries a failed POP3 (or IMAP) pass: sync-runtime.ts delayAfterFailure. */
describe('delayAfterFailure', () => {
  const tenMinutes = 10 * 60_000;

  it('waits the check interval after errors only the user can fix (no pile of failed logins)', () => {
    for (const code of ['AUTH_FAILED', 'POP3_NO_UIDL', 'TLS_CERT_CHANGED', 'AUTH_PLAINTEXT_REFUSED']) {
      const delay = delayAfterFailure(code, 0, tenMinutes);
      expect(delay, code).toBeGreaterThanOrEqual(tenMinutes * 0.9);
      expect(delay, code).toBeLessThanOrEqual(tenMinutes * 1.1);
    }
  });

  it('retries sooner, with growing backoff, after transient errors like a locked maildrop or a lost connection', () => {
    for (const code of ['MAILBOX_LOCKED', 'CONNECTION_LOST', 'TIMEOUT', undefined]) {
      expect(delayAfterFailure(code, 0, tenMinutes), String(code)).toBeLessThanOrEqual(2_000);
      expect(delayAfterFailure(code, 30, tenMinutes), String(code)).toBeLessThanOrEqual(tenMinutes * 1.1);
    }
  });
});
