import { sameHost } from './host-names';
import type { Security } from './contract/accounts';

/** A server as a stored password knows it: where it goes, as whom, how protected, which certificate. */
export interface CredentialTarget {
  host: string;
  port: number;
  security: Security;
  /** null: the server is used without logging in (an outgoing server may be). */
  username: string | null;
  /** The pinned certificate (lowercase hex SHA-256), or null for normal verification. */
  trustedFingerprint: string | null;
}

/** How well each security setting keeps a password from being read on the way (RFC 8314 prefers implicit TLS). */
const strength: Record<Security, number> = { none: 0, starttls: 1, tls: 2 };

/** What differs between the server a password was stored for and the one it would be sent to. */
export type CredentialScopeChange = 'host' | 'port' | 'username' | 'security' | 'certificate';

/**
 * Why a stored password may not be sent to `target`, or null when it may. A stored password goes only to
 * the server it was stored for: the same host (case and a trailing dot aside), port and user name, with
 * security at least as strong, and the same certificate trust (the same pinned fingerprint, or none on
 * both). Anything else needs the password typed again: otherwise whoever can edit settings or name a
 * server to test (a page on the test bridge, a script) could have the password sent to a server of
 * theirs, or in clear. The service applies this to connection tests and account changes
 * (electron/service/account-queries.ts, electron/sync/writes/account-writes.ts); the window uses it only
 * to say beforehand that the password will be asked for.
 */
export function storedPasswordChange(savedFor: CredentialTarget, target: CredentialTarget): CredentialScopeChange | null {
  if (!sameHost(savedFor.host, target.host)) return 'host';
  if (savedFor.port !== target.port) return 'port';
  if (savedFor.username !== target.username) return 'username';
  if (strength[target.security] < strength[savedFor.security]) return 'security';
  if ((savedFor.trustedFingerprint ?? null) !== (target.trustedFingerprint ?? null)) return 'certificate';
  return null;
}

/** The words for each change, for the PASSWORD_REQUIRED message. */
export const credentialScopeWords: Record<CredentialScopeChange, string> = {
  host: 'the server name changed',
  port: 'the port changed',
  username: 'the user name changed',
  security: 'the connection would be less protected',
  certificate: 'a different certificate would be trusted',
};
