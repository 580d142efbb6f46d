import type { ImapConnection } from '../imap-connection';

/**
 * Every UID in the selected mailbox (UID SEARCH ALL; one round trip, answered from the server's index).
 * Compared with the UIDs we hold it gives both the expunged messages (for servers without QRESYNC
 * VANISHED) and any message a cut-off earlier sync missed.
 */
export async function serverUids(connection: ImapConnection): Promise<number[]> {
  const result = await connection.client.search({ all: true }, { uid: true });
  return Array.isArray(result) ? result : [];
}

/** UIDs of the selected mailbox with an INTERNALDATE on or after `since` (SEARCH SINCE: date only, RFC 3501 section 6.4.4). */
export async function uidsSince(connection: ImapConnection, since: Date): Promise<number[]> {
  const result = await connection.client.search({ since }, { uid: true });
  return Array.isArray(result) ? result : [];
}

/** What the server lacks and what we lack, from the two UID sets. */
export function diffUids(server: Iterable<number>, known: Set<number>): { missingLocally: number[]; goneFromServer: number[] } {
  const serverSet = new Set(server);
  const missingLocally = [...serverSet].filter((uid) => !known.has(uid));
  const goneFromServer = [...known].filter((uid) => !serverSet.has(uid));
  return { missingLocally, goneFromServer };
}
