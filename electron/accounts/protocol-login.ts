import type { Protocol, Security } from '../../shared/contract/accounts';
import type { NetworkOverrides } from '../net/tls-trust';
import { connectImap } from '../protocols/imap/imap-connection';
import { Pop3Client } from '../protocols/pop3/pop3-client';

export interface LoginAttempt {
  host: string;
  /** The port to connect to (already through the test network's port map). */
  port: number;
  security: Security;
  username: string;
  /** Never logged, never put in an error. */
  password: string;
  trustedFingerprint: string | null;
  network: NetworkOverrides;
  signal?: AbortSignal;
}

/**
 * Logs in with the real protocol client and says goodbye; resolves with the capabilities after login, and
 * `apopRefused` when a POP3 server refused APOP for the user and another mechanism took the same password.
 */
export type ProtocolLogin = (attempt: LoginAttempt) => Promise<{ capabilities: string[]; apopRefused?: true }>;

/**
 * The login step of a connection test, done by the same clients that sync (sync/imap, sync/pop3), so a
 * test that passes means sync will log in too. Errors come back coded by those clients.
 */
export const protocolLogins: Record<Protocol, ProtocolLogin> = {
  async imap(attempt) {
    const connection = await connectImap({
      host: attempt.host,
      port: attempt.port,
      security: attempt.security,
      username: attempt.username,
      password: attempt.password,
      trustedFingerprint: attempt.trustedFingerprint,
      network: attempt.network,
      qresync: false,
      ...(attempt.signal ? { signal: attempt.signal } : {}),
    });
    try {
      return { capabilities: connection.capabilities() };
    } finally {
      await connection.logout();
    }
  },
  async pop3(attempt) {
    const client = await Pop3Client.connect({
      host: attempt.host,
      port: attempt.port,
      security: attempt.security,
      trustedFingerprint: attempt.trustedFingerprint,
      network: attempt.network,
    });
    const onAbort = () => client.close();
    attempt.signal?.addEventListener('abort', onAbort, { once: true });
    // APOP refused while USER/PASS or SASL took the same password (authenticate.ts): told to the caller, so
    // that an account added with these settings does not try APOP again at its first sync.
    let apopRefused = false;
    try {
      await client.login(attempt.username, attempt.password, undefined, { refused: false, remember: () => (apopRefused = true) });
      return { capabilities: client.capabilities.list(), ...(apopRefused ? { apopRefused: true as const } : {}) };
    } finally {
      attempt.signal?.removeEventListener('abort', onAbort);
      // QUIT without DELE changes nothing on the server (RFC 1939 section 6).
      await client.quit().catch(() => client.close());
    }
  },
};
