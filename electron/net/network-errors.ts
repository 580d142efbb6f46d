import type { Security } from '../../shared/contract/accounts';
import { HomingError } from '../../shared/errors';

/** What the caller knows about the connection, so the suggestion can be specific. */
export interface NetworkErrorContext {
  /** The security setting the connection was made with (for TLS_WRONG_PORT: suggest the other one). */
  security?: Security;
  /** The step that failed; a reset during the TLS handshake means something else than one after login. */
  phase?: 'lookup' | 'connect' | 'tls' | 'greeting' | 'session';
  /** What the port was meant to speak, so the usual ports named are that protocol's (default: IMAP and POP3's). */
  protocol?: 'imap' | 'pop3' | 'smtp';
}

/** The usual ports, in the words of a wrong-port or refused-connection failure. */
const PORT_ADVICE = {
  imap: { refused: 'IMAP uses 993 (SSL/TLS) or 143 (STARTTLS).', wrongPort: 'Use SSL/TLS on port 993 and STARTTLS on 143.' },
  pop3: { refused: 'POP3 uses 995 (SSL/TLS) or 110 (STARTTLS).', wrongPort: 'Use SSL/TLS on port 995 and STARTTLS on 110.' },
  smtp: { refused: 'Sending (SMTP) uses 465 (SSL/TLS) or 587 (STARTTLS).', wrongPort: 'Use SSL/TLS on port 465 and STARTTLS on 587.' },
  any: { refused: 'IMAP uses 993 (SSL/TLS) or 143 (STARTTLS); POP3 uses 995 (SSL/TLS) or 110 (STARTTLS).', wrongPort: 'Use SSL/TLS on ports 993/995 and STARTTLS on 143/110.' },
} as const;

const DNS_CODES = new Set(['ENOTFOUND', 'EAI_NONAME', 'EAI_NODATA', 'ENODATA', 'EAI_FAIL', 'NXDOMAIN']);
const DNS_TEMPORARY_CODES = new Set(['EAI_AGAIN', 'ESERVFAIL', 'EDNS_TIMEOUT']);
const TIMEOUT_CODES = new Set(['ETIMEDOUT', 'ESOCKETTIMEDOUT', 'CONNECT_TIMEOUT', 'ETIMEOUT']);
const LOST_CODES = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED']);
const UNREACHABLE_CODES = new Set(['EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN', 'ENETDOWN', 'EADDRNOTAVAIL']);
/**
 * OpenSSL's complaints when one side speaks TLS and the other plain text (a plain IMAP greeting read as a
 * TLS record is "wrong version number"): the port and the security setting disagree.
 */
const WRONG_PORT_CODES = new Set([
  'ERR_SSL_WRONG_VERSION_NUMBER',
  'ERR_SSL_UNKNOWN_PROTOCOL',
  'ERR_SSL_PACKET_LENGTH_TOO_LONG',
  'ERR_SSL_HTTP_REQUEST',
  'ERR_SSL_RECORD_LENGTH_MISMATCH',
]);

/**
 * Socket-level failures in our words. Every protocol client (POP3, IMAP, the connection test) maps errors
 * through here, so the same failure has the same code, message and suggested fix (`detail.fix`, one of
 * `connectionFixes` in shared/contract/accounts.ts) wherever it happens.
 */
export function mapNetworkError(error: unknown, where: { host: string; port: number }, context: NetworkErrorContext = {}): HomingError {
  if (error instanceof HomingError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  const target = `${where.host}:${where.port}`;
  const place = { host: where.host, port: where.port };
  if (typeof code === 'string') {
    if (DNS_CODES.has(code)) {
      // The name service answered: no such name (a misspelt host; also every name on macOS and Windows while
      // there is no network at all, so it is retried as an outage is: watch-policy.ts).
      return new HomingError('DNS_NOT_FOUND', `The server name ${where.host} could not be found. Check the server name in the account’s settings.`, {
        ...place,
        fix: 'check-hostname',
        hint: `Check the server name; hosting providers usually use mail.<your domain> or the name in their welcome email.`,
        reason: code,
      }, { cause: error });
    }
    if (DNS_TEMPORARY_CODES.has(code)) {
      // The name service did not answer (EAI_AGAIN): no network, or the resolver is down. Offline, not wrong.
      return new HomingError('DNS_UNAVAILABLE', `The server name ${where.host} could not be looked up right now: the name service did not answer.`, {
        ...place,
        fix: 'check-network',
        hint: 'Check the internet connection, then try again.',
        reason: code,
      }, { cause: error });
    }
    if (code === 'ECONNREFUSED') {
      return new HomingError('CONNECTION_REFUSED', `${target} refused the connection: the port may be wrong, or the mail service is down.`, {
        ...place,
        fix: 'check-port',
        hint: PORT_ADVICE[context.protocol ?? 'any'].refused,
        reason: code,
      }, { cause: error });
    }
    if (TIMEOUT_CODES.has(code)) {
      return new HomingError('TIMEOUT', `${target} did not answer in time.`, {
        ...place,
        fix: 'check-network',
        hint: 'A firewall may block the port, or the server is down. Check the port, then try again later.',
        reason: code,
      }, { cause: error });
    }
    if (UNREACHABLE_CODES.has(code)) {
      return new HomingError('CONNECTION_LOST', `${target} cannot be reached from this computer (${code}).`, {
        ...place,
        fix: 'check-network',
        hint: 'Check the internet connection.',
        reason: code,
      }, { cause: error });
    }
    if (WRONG_PORT_CODES.has(code)) return wrongPort(where, context, code, error);
    if (LOST_CODES.has(code)) {
      return new HomingError('CONNECTION_LOST', `The connection to ${target} was cut (${code}).`, {
        ...place,
        fix: 'check-network',
        hint: 'Try again; if it keeps happening, the port or the security setting may be wrong.',
        reason: code,
      }, { cause: error });
    }
    if (code.startsWith('ERR_SSL') || code.startsWith('ERR_TLS')) {
      return new HomingError('TLS_FAILED', `A secure connection to ${target} could not be set up (${code}).`, {
        ...place,
        fix: 'check-settings',
        hint: 'The server may only offer outdated encryption; ask your provider.',
        reason: code,
      }, { cause: error });
    }
  }
  const message = error instanceof Error ? error.message : String(error);
  // Older Node versions report OpenSSL failures as a generic EPROTO whose only detail is OpenSSL's text.
  if (code === 'EPROTO' && /wrong version number|unknown protocol|packet length too long|http request/i.test(message)) {
    return wrongPort(where, context, 'EPROTO', error);
  }
  return new HomingError('CONNECTION_LOST', `The connection to ${target} failed: ${message}`, {
    ...place,
    fix: 'check-network',
    reason: typeof code === 'string' ? code : null,
  }, { cause: error });
}

/** The usual pairing on the standard ports, used to phrase the suggestion. */
export function suggestSecurity(port: number, security: Security | undefined): { port: number; security: Security } {
  // The port speaks what it speaks: keep it and switch the setting (993/995 implicit TLS, 143/110 STARTTLS).
  if (security === 'tls') return { port, security: 'starttls' };
  return { port, security: 'tls' };
}

function wrongPort(where: { host: string; port: number }, context: NetworkErrorContext, reason: string, cause: unknown): HomingError {
  const suggested = suggestSecurity(where.port, context.security);
  const say = suggested.security === 'tls' ? 'SSL/TLS' : 'STARTTLS';
  return new HomingError(
    'TLS_WRONG_PORT',
    `${where.host}:${where.port} did not answer as the security setting expects: port ${where.port} ${suggested.security === 'tls' ? 'expects SSL/TLS from the start' : 'starts unencrypted and upgrades with STARTTLS'}. ` +
      PORT_ADVICE[context.protocol ?? 'any'].wrongPort,
    { host: where.host, port: where.port, suggested, fix: 'switch-security', hint: `Choose ${say} for port ${where.port}.`, reason },
    { cause },
  );
}
