import { HomingError } from '../../shared/errors';

/** A failed attempt seen as a close at login (with the error's detail), or null for any other failure. */
export type LoginDropOf = (error: unknown) => { detail: unknown } | null;

/**
 * Some servers answer a wrong password by closing the connection, with no tagged NO or -ERR; a network cut
 * at that moment looks the same. One fresh try tells them apart. A second close at login is taken as a
 * refusal: AUTH_FAILED waits for the user (sync-runtime.ts NEEDS_THE_USER), whereas CONNECTION_LOST would
 * be retried with the fast backoff, one more failed login each time (hosting accounts get locked out).
 * Used by both engines (imap/imap-pass.ts, pop3/pop3-session.ts).
 */
export async function retryIfDroppedAtLogin<T>(attempt: () => Promise<T>, loginDropOf: LoginDropOf): Promise<T> {
  try {
    return await attempt();
  } catch (error) {
    if (!loginDropOf(error)) throw error;
  }
  try {
    return await attempt();
  } catch (error) {
    const drop = loginDropOf(error);
    if (!drop) throw error;
    throw new HomingError(
      'AUTH_FAILED',
      'The server closed the connection instead of answering the login, twice: it most likely refused the user name or password.',
      { ...(drop.detail as object | undefined), closedOnLogin: true },
    );
  }
}
