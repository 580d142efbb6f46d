import { HomingError } from '../../../shared/errors';
import { mapNetworkError } from '../../net/network-errors';

interface ImapFlowErrorLike {
  code?: unknown;
  message?: unknown;
  authenticationFailed?: unknown;
  tlsFailed?: unknown;
  responseStatus?: unknown;
  responseText?: unknown;
  response?: unknown;
  serverResponseCode?: unknown;
  reason?: unknown;
  executedCommand?: unknown;
}

const TIMEOUT_CODES = new Set(['CONNECT_TIMEOUT', 'GREETING_TIMEOUT', 'UPGRADE_TIMEOUT', 'ETIMEOUT', 'LockTimeout']);
const GONE_CODES = new Set(['NoConnection', 'EConnectionClosed', 'StateLogout', 'ClosedAfterConnectText', 'ClosedAfterConnectTLS']);
const TOO_LARGE_CODES = new Set(['LineTooLarge', 'LiteralTooLarge', 'ResponseTooLarge', 'TooManyTokens', 'TooManyResponses', 'DownloadOverflow']);

/**
 * The server's own words from a tagged NO/BAD (`[AUTHENTICATIONFAILED] Authentication failed.`), if any.
 * Dovecot 2.3 ends every tagged reply with the command's timing, `(0.001 + 0.000 secs).`: not words for
 * a person, and they were shown in every refusal ('Quota exceeded (mailbox for user is full) (0.001 +
 * 0.000 secs).'), so they go.
 */
export function serverText(error: unknown): string | null {
  const e = (error ?? {}) as ImapFlowErrorLike;
  let text: string | null = null;
  if (typeof e.responseText === 'string' && e.responseText) text = e.responseText;
  else if (typeof e.response === 'string' && e.response) text = e.response.replace(/^\S+\s+(NO|BAD)\s+/i, '');
  if (text === null) return null;
  return text.replace(/\s*\(\d+\.\d+(?: \+ \d+\.\d+)* secs\)\.?\s*$/, '') || text;
}

/**
 * Any error out of imapflow (or our transport) in our words. imapflow passes socket errors through with
 * Node's code, marks refused logins with `authenticationFailed`, failed TLS with `tlsFailed`, and tagged
 * NO/BAD answers with `responseStatus`/`responseText`; everything else carries one of its own codes.
 */
export function mapImapError(error: unknown, where: { host: string; port: number }): HomingError {
  if (error instanceof HomingError) return error;
  const e = (error ?? {}) as ImapFlowErrorLike;
  const code = typeof e.code === 'string' ? e.code : '';
  const message = typeof e.message === 'string' ? e.message : String(error);
  const text = serverText(error);
  const target = `${where.host}:${where.port}`;

  if (e.authenticationFailed === true) {
    return new HomingError('AUTH_FAILED', text ? `The server rejected the login: ${text}` : 'The server rejected the user name or password.', {
      ...where,
      serverResponse: text,
      serverResponseCode: typeof e.serverResponseCode === 'string' ? e.serverResponseCode : null,
    });
  }
  if (/Login is disabled|No matching authentication method/.test(message)) {
    // LOGINDISABLED (RFC 3501 section 6.2.3): the server takes no password on this connection, typically without TLS.
    return new HomingError('AUTH_PLAINTEXT_REFUSED', `${target} does not accept a password on this connection (${message}). Use SSL/TLS or STARTTLS.`, where);
  }
  if (e.tlsFailed === true && /STARTTLS/.test(message) && !code) {
    return new HomingError(
      'AUTH_PLAINTEXT_REFUSED',
      `${target} does not offer STARTTLS, so the password was not sent over an unencrypted connection. Try SSL/TLS on port 993.`,
      { ...where, reason: message },
    );
  }
  if (code === 'STARTTLS_INJECTION') {
    return new HomingError('TLS_FAILED', `${target} sent data before the TLS handshake: the connection may be tampered with.`, where);
  }
  if (TIMEOUT_CODES.has(code)) {
    const what = code === 'GREETING_TIMEOUT' ? ' (no IMAP greeting: is this the right port and security setting?)' : '';
    return new HomingError('TIMEOUT', `${target} did not answer in time${what}.`, { ...where, reason: code });
  }
  if (GONE_CODES.has(code)) {
    const reason = typeof e.reason === 'string' && e.reason ? `: ${e.reason}` : '';
    return new HomingError('CONNECTION_LOST', `The connection to ${target} was closed${reason}.`, { ...where, reason: code });
  }
  if (TOO_LARGE_CODES.has(code)) {
    return new HomingError('RESPONSE_TOO_LARGE', `${target} sent a reply larger than Homing accepts (${code}).`, { ...where, reason: code });
  }
  if (code.startsWith('ParserError') || code === 'InvalidResponse' || code === 'UnexpectedTag' || code === 'MissingTag' || code === 'MAX_IMAP_NESTING_REACHED') {
    return new HomingError('PROTOCOL_ERROR', `${target} sent a reply Homing could not understand (${code}).`, { ...where, reason: code });
  }
  if (e.responseStatus === 'NO' || e.responseStatus === 'BAD') {
    // executedCommand is "TAG COMMAND args" (arguments may hold mail data; only the command name is kept).
    const words = typeof e.executedCommand === 'string' ? e.executedCommand.split(' ').slice(1) : [];
    const command = words[0] ? (words[0].toUpperCase() === 'UID' && words[1] ? `UID ${words[1]}` : words[0]).toUpperCase() : null;
    if (text && /\[INUSE\]/i.test(text)) {
      return new HomingError('MAILBOX_LOCKED', `The mailbox is in use: ${text}`, { ...where, serverResponse: text });
    }
    return new HomingError('SERVER_ERROR', `The server refused ${command ?? 'the command'}: ${text ?? message}`, {
      ...where,
      serverResponse: text,
      command,
    });
  }
  if (e.responseStatus === 'BYE') {
    return new HomingError('CONNECTION_LOST', `${target} closed the connection: ${text ?? message}`, { ...where, serverResponse: text });
  }
  // Socket, DNS and TLS failures keep Node's code (ECONNREFUSED, ERR_SSL_…): the shared mapping names them.
  if (/^(E[A-Z]|ERR_)/.test(code) || /ssl|tls|socket/i.test(message)) return mapNetworkError(error, where);
  return new HomingError('INTERNAL', message, { ...where, reason: code || null }, { cause: error });
}

/** The password mechanisms imapflow logs in with: AUTHENTICATE PLAIN or LOGIN, else the LOGIN command. */
const USABLE_MECHANISMS = new Set(['PLAIN', 'LOGIN']);

/**
 * A refused login (AUTH_FAILED) from a server whose capabilities before login offer SASL mechanisms
 * (AUTH=…) of which none is PLAIN or LOGIN, e.g. Dovecot with `auth_mechanisms = cram-md5`: it refuses the
 * LOGIN command whatever the password, so "check the password" would send the user the wrong way. Says what
 * the server offers and what to change there; `refused` itself when the server offers nothing else.
 */
export function unusableMechanisms(refused: HomingError, capabilities: Iterable<string>, where: { host: string; port: number }): HomingError {
  if (refused.code !== 'AUTH_FAILED') return refused;
  const offered = [...capabilities].filter((c) => /^AUTH=/i.test(c)).map((c) => c.slice(5).toUpperCase());
  if (offered.length === 0 || offered.some((m) => USABLE_MECHANISMS.has(m))) return refused;
  const list = offered.join(', ');
  const said = typeof refused.detail?.serverResponse === 'string' ? ` (it said: ${refused.detail.serverResponse})` : '';
  return new HomingError(
    'AUTH_FAILED',
    `${where.host} refused the login${said}. It offers only ${list} to log in, which Homing does not use for IMAP: Homing sends the password ` +
      'with LOGIN or AUTHENTICATE PLAIN, inside the encrypted connection. If the password is right, the server has to allow those ' +
      '(on Dovecot: auth_mechanisms = plain login, with the cram-md5 it has kept if wanted); ask its administrator or provider.',
    { ...(refused.detail ?? {}), ...where, offeredMechanisms: offered, fix: 'check-settings', hint: `Ask the server's administrator to allow PLAIN or LOGIN logins over TLS; it offers only ${list}.` },
  );
}
