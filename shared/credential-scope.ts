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
  return storedPasswordChanges(savedFor, target)[0] ?? null;
}

/** Every way `target` differs from the server a password was stored for (storedPasswordChange), in that order; empty when it may go. */
export function storedPasswordChanges(savedFor: CredentialTarget, target: CredentialTarget): CredentialScopeChange[] {
  const changes: CredentialScopeChange[] = [];
  if (!sameHost(savedFor.host, target.host)) changes.push('host');
  if (savedFor.port !== target.port) changes.push('port');
  if (savedFor.username !== target.username) changes.push('username');
  if (strength[target.security] < strength[savedFor.security]) changes.push('security');
  if ((savedFor.trustedFingerprint ?? null) !== (target.trustedFingerprint ?? null)) changes.push('certificate');
  return changes;
}

const changedNouns: Partial<Record<CredentialScopeChange, string>> = { host: 'server name', port: 'port', username: 'user name' };
const otherWords: Partial<Record<CredentialScopeChange, string>> = {
  security: 'the connection would be less protected',
  certificate: 'a different certificate would be trusted',
};

/**
 * The changes in words, for the PASSWORD_REQUIRED message: each one named, so a user who changed the user
 * name is not told the port changed ("the server name and the port changed, and the connection would be
 * less protected").
 */
export function credentialScopeWords(changes: readonly CredentialScopeChange[]): string {
  const nouns = changes.flatMap((change) => (changedNouns[change] ? [`the ${changedNouns[change]}`] : []));
  const clauses = [...(nouns.length > 0 ? [`${listWords(nouns)} changed`] : []), ...changes.flatMap((change) => (otherWords[change] ? [otherWords[change]] : []))];
  return listWords(clauses);
}

function listWords(words: string[]): string {
  return words.length <= 1 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`;
}
