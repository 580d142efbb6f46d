import { HomingError } from '../../../../shared/errors';
import type { Pop3Io } from '../command';

/**
 * The one gate before anything derived from the password goes out (PASS, AUTH PLAIN/LOGIN, APOP): the
 * connection must be encrypted, unless the account's security is explicitly `none`.
 */
export function assertMaySendSecret(io: Pop3Io, mechanism: string): void {
  if (io.encrypted || io.security === 'none') return;
  throw new HomingError(
    'AUTH_PLAINTEXT_REFUSED',
    `The connection to ${io.host}:${io.port} is not encrypted, so the password was not sent (${mechanism}). Use SSL/TLS or STARTTLS.`,
    { host: io.host, port: io.port, security: io.security },
  );
}

export interface Credentials {
  username: string;
  password: string;
}

/** RFC 4648 base64 of the UTF-8 bytes, as SASL wants it (RFC 5034 §4). */
export function base64(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64');
}
