import type { ErrorCode } from '../../../shared/errors';
import { backoffDelay } from '../backoff';

/**
 * What a failed submission does to its message, by the error's code:
 * - `failed`: the server refused this message for good (5xx) or it cannot be sent as it is; back to the
 *   user with the server's words, never retried on its own;
 * - `wait-for-user`: nothing will change until the user does something (a password, a certificate, the
 *   security setting), so the message stays queued and is tried again only now and then, not hammering a
 *   server that locks accounts after failed logins;
 * - `retry`: the network or a busy server (4xx); queued, retried with backoff.
 * `SEND_UNCERTAIN` never reaches here: it has a state of its own.
 */
export type FailureAction = 'failed' | 'wait-for-user' | 'retry';

const FAILED = new Set<ErrorCode>(['SENDER_REFUSED', 'RECIPIENT_REFUSED', 'MESSAGE_TOO_LARGE', 'SMTPUTF8_UNSUPPORTED', 'MESSAGE_REFUSED']);

const WAIT_FOR_USER = new Set<ErrorCode>([
  'AUTH_FAILED',
  'AUTH_PLAINTEXT_REFUSED',
  'CREDENTIALS_MISSING',
  'VAULT_UNAVAILABLE',
  'NO_OUTGOING_SERVER',
  'TLS_CERT_HOSTNAME',
  'TLS_CERT_UNTRUSTED',
  'TLS_CERT_EXPIRED',
  'TLS_CERT_CHANGED',
  'TLS_WRONG_PORT',
  'SERVER_ERROR',
]);

export function failureAction(code: ErrorCode): FailureAction {
  if (FAILED.has(code)) return 'failed';
  if (WAIT_FOR_USER.has(code)) return 'wait-for-user';
  return 'retry';
}

/** How long a queued message waits after its `attempts`-th failed try. */
export function retryDelay(action: Exclude<FailureAction, 'failed'>, attempts: number): number {
  if (action === 'wait-for-user') return 15 * 60_000;
  return backoffDelay(Math.max(0, attempts - 1));
}
