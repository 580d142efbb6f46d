import { type ErrorCode, type ErrorData, HomingError } from '../../../shared/errors';
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

/** An SMTP reply code that means "not now" (RFC 5321 section 4.2.1). */
export const isTemporaryReply = (code: number | null) => code !== null && code >= 400 && code < 500;

/**
 * A resend (store/outbox.ts insertResend) that the server again answered "not now" for every recipient,
 * `limits.ms` after it first did and at its `limits.tries`-th try at least: the message to them fails,
 * with the server's last words, and the user decides. Both, because the time is the wall clock's: a clock
 * put forward by a day must not end every waiting resend at its next try. Null while it is still tried;
 * also for a failure that is not the recipients' (the network, a busy server): the recipients were not
 * asked then.
 */
export function resendGiveUp(
  record: { resendOf: number | null; createdAt: string; recipients: string[]; attempts: number },
  error: ErrorData,
  now: number,
  limits: { ms: number; tries: number },
): HomingError | null {
  if (record.resendOf === null || error.code !== 'SERVER_BUSY' || !Array.isArray(error.detail?.rejected)) return null;
  const since = Date.parse(record.createdAt);
  if (now - since < limits.ms) return null;
  // `attempts` counts the tries before this one, the first deferral (the message's own try) included.
  if (record.attempts + 1 < limits.tries) return null;
  const rejected = error.detail.rejected as Array<{ address: string; response: string; responseCode: number | null }>;
  const list = record.recipients.join(', ');
  const last = rejected[0]?.response ? ` The server last said: ${rejected[0].response}` : '';
  return new HomingError(
    'RECIPIENT_REFUSED',
    `${error.detail.host ?? 'The server'} kept answering “not now” for ${list} since ${new Date(since).toISOString().slice(0, 16).replace('T', ' ')} UTC, so Homing stopped trying; the others got the message.${last}`,
    { ...error.detail, rejected, gaveUp: true, fix: 'check-settings', hint: 'Try again later, or write to them another way.' },
  );
}
