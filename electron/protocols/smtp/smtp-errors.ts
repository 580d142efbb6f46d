import type { Security } from '../../../shared/contract/accounts';
import { HomingError } from '../../../shared/errors';
import { mapNetworkError } from '../../net/network-errors';

/** What nodemailer's smtp-connection puts on its errors (see its errors.d.ts). */
export interface NodemailerErrorLike {
  code?: string;
  originalCode?: string;
  command?: string;
  response?: string;
  responseCode?: number;
  message?: string;
  rejected?: string[];
  rejectedErrors?: NodemailerErrorLike[];
  recipient?: string;
  timeoutType?: string;
}

export interface SmtpErrorContext {
  host: string;
  port: number;
  security: Security;
}

/** A refused recipient: the address and the server's words. */
export interface RefusedRecipient {
  address: string;
  response: string;
  responseCode: number | null;
}

/**
 * nodemailer's errors in our words. Codes from the reply (RFC 5321 section 4.2.1: 4xx try again later,
 * 5xx never as it is) and from the command it answered; socket failures go through the shared network
 * mapping so they read as they do for IMAP and POP3. The server's reply travels in `detail.response`.
 */
export function mapSmtpError(error: unknown, where: SmtpErrorContext): HomingError {
  if (error instanceof HomingError) return error;
  const e = (error ?? {}) as NodemailerErrorLike;
  const place = { host: where.host, port: where.port };
  const response = typeof e.response === 'string' ? e.response.trim() : null;
  const status = typeof e.responseCode === 'number' ? e.responseCode : null;
  const said = response ? ` The server said: ${response}` : '';
  const command = (e.command ?? '').toUpperCase();

  if (e.code === 'ESOCKET' || e.code === 'ECONNECTION' || e.code === 'EDNS' || e.code === 'ETLS') {
    if (status === null) {
      const cause = e.originalCode ? Object.assign(new Error(e.message ?? ''), { code: e.originalCode }) : error;
      const mapped = mapNetworkError(cause, place, { security: where.security, protocol: 'smtp' });
      // nodemailer reports "the server closed the connection" without a system code.
      if (mapped.code === 'CONNECTION_LOST' && e.code === 'ETLS') {
        return new HomingError('TLS_FAILED', `A secure connection to ${where.host}:${where.port} could not be set up.${said}`, { ...place, fix: 'check-settings', reason: e.originalCode ?? null });
      }
      return mapped;
    }
  }
  if (e.code === 'ETIMEDOUT') {
    return new HomingError('TIMEOUT', `${where.host}:${where.port} did not answer in time (${describeTimeout(e.timeoutType)}).`, {
      ...place,
      fix: 'check-network',
      hint: 'A firewall may block the port, or the server is down. Check the port, then try again later.',
      reason: e.timeoutType ?? null,
    });
  }
  if (status === 421) {
    // RFC 5321 section 3.8: the service is shutting down or too busy; the connection is closed.
    return new HomingError('SERVER_BUSY', `${where.host} is not taking mail right now.${said}`, { ...place, response, responseCode: status, fix: 'wait-and-retry' });
  }
  if (e.code === 'EAUTH') {
    if (status !== null && status >= 400 && status < 500) {
      // 454 (RFC 4954 section 6): a temporary authentication failure on the server's side.
      return new HomingError('SERVER_BUSY', `${where.host} could not check the password just now.${said}`, { ...place, response, responseCode: status, fix: 'wait-and-retry' });
    }
    if (status === null && /credentials|AUTH/i.test(e.message ?? '') && !response) {
      return new HomingError('AUTH_PLAINTEXT_REFUSED', `${where.host} offers no way to log in on this connection, so no password was sent.`, {
        ...place,
        fix: 'use-encryption',
        hint: 'Choose SSL/TLS on port 465, or STARTTLS on port 587.',
      });
    }
    return new HomingError('AUTH_FAILED', `${where.host} rejected the user name or password.${said}`, { ...place, response, responseCode: status, fix: 'check-password' });
  }
  if (e.code === 'EENVELOPE' && command.startsWith('MAIL')) {
    if (status !== null && status >= 400 && status < 500) return busy(where, response, status);
    return new HomingError('SENDER_REFUSED', `${where.host} refused the sender address.${said}`, { ...place, response, responseCode: status, fix: 'check-settings', hint: 'Use the address of this account, or ask your provider which sender addresses you may use.' });
  }
  if (e.code === 'EENVELOPE' && (e.rejected?.length ?? 0) > 0) {
    const refused = recipientsOf(e);
    // Every recipient refused, some only for now (452 "insufficient storage", 450 "mailbox busy"): the
    // whole message can go later, so it is a temporary failure, not the user's to fix.
    const temporary = refused.find((r) => r.responseCode !== null && r.responseCode >= 400 && r.responseCode < 500);
    if (temporary) return busy(where, temporary.response || null, temporary.responseCode!, { rejected: refused });
    return refusedRecipients(where, refused);
  }
  if (e.code === 'EENVELOPE' && command.startsWith('RCPT')) {
    if (status !== null && status >= 400 && status < 500) return busy(where, response, status);
    return refusedRecipients(where, [{ address: e.recipient ?? '?', response: response ?? '', responseCode: status }]);
  }
  if (status !== null && status >= 400 && status < 500) return busy(where, response, status);
  if (status === 552 || status === 534) {
    // 552: "exceeded storage allocation" (RFC 5321 section 4.2.2), what servers answer to an oversized message.
    return new HomingError('MESSAGE_TOO_LARGE', `${where.host} refused the message as too large.${said}`, { ...place, response, responseCode: status, fix: 'check-settings' });
  }
  if (status !== null && status >= 500) {
    return new HomingError('MESSAGE_REFUSED', `${where.host} refused the message.${said}`, { ...place, response, responseCode: status, command: command || null, fix: 'check-settings' });
  }
  if (e.code === 'EPROTOCOL') {
    return new HomingError('PROTOCOL_ERROR', `${where.host}:${where.port} does not answer like an SMTP server.${said}`, { ...place, response, fix: 'check-port' });
  }
  return new HomingError('CONNECTION_LOST', `The connection to ${where.host}:${where.port} failed: ${e.message ?? String(error)}`, { ...place, fix: 'check-network' });
}

/** `extra.rejected`: every recipient was refused, some only for now (the recipients' answers, not the server's state). */
function busy(where: SmtpErrorContext, response: string | null, status: number, extra: { rejected?: RefusedRecipient[] } = {}): HomingError {
  return new HomingError('SERVER_BUSY', `${where.host} cannot take the message right now (${status}); Homing will try again.${response ? ` The server said: ${response}` : ''}`, {
    host: where.host,
    port: where.port,
    response,
    responseCode: status,
    ...extra,
    fix: 'wait-and-retry',
  });
}

function refusedRecipients(where: SmtpErrorContext, rejected: RefusedRecipient[]): HomingError {
  const list = rejected.map((r) => r.address).join(', ');
  const first = rejected[0]?.response ? ` The server said: ${rejected[0].response}` : '';
  return new HomingError('RECIPIENT_REFUSED', `${where.host} refused ${rejected.length === 1 ? 'the recipient' : 'the recipients'} ${list}.${first}`, {
    host: where.host,
    port: where.port,
    rejected,
    fix: 'check-settings',
    hint: 'Check the addresses. “Relay access denied” means the server wants you to log in (set a user name for the outgoing server).',
  });
}

/** Each refused recipient with the server's reply to its RCPT. */
export function recipientsOf(e: NodemailerErrorLike): RefusedRecipient[] {
  const errors = e.rejectedErrors ?? [];
  return (e.rejected ?? []).map((address, i) => {
    const match = errors.find((r) => r.recipient === address) ?? errors[i];
    return { address, response: (match?.response ?? '').trim(), responseCode: typeof match?.responseCode === 'number' ? match.responseCode : null };
  });
}

function describeTimeout(type: string | undefined): string {
  switch (type) {
    case 'CONNECT_TIMEOUT':
      return 'connecting';
    case 'GREETING_TIMEOUT':
      return 'no greeting';
    case 'UPGRADE_TIMEOUT':
      return 'setting up TLS';
    default:
      return 'no reply';
  }
}
