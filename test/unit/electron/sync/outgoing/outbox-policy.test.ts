import { describe, expect, it } from 'vitest';
import { failureAction } from '../../../../../electron/sync/outgoing/outbox-policy';

describe('what a failed submission does to its message', () => {
  it('retries when the server name does not exist (as while offline on macOS and Windows) or the name service did not answer', () => {
    expect(failureAction('DNS_NOT_FOUND')).toBe('retry');
    expect(failureAction('DNS_UNAVAILABLE')).toBe('retry');
    expect(failureAction('TIMEOUT')).toBe('retry');
    expect(failureAction('AUTH_FAILED')).toBe('wait-for-user');
  });
});
