import type { ImapConnection } from '../../../protocols/imap/imap-connection';

/**
 * Every UID in the selected mailbox (UID SEARCH ALL; one round trip, answered from the server's index).
 * Compared with the UIDs we hold it gives both the expunged messages (for servers without QRESYNC
 * VANISHED) and any message a cut-off earlier sync missed.
 */
export async function serverUids(connection: ImapConnection): Promise<number[]> {
  const result = await connection.client.search({ all: true }, { uid: true });
  return Array.isArray(result) ? result : [];
}

/** UIDs from `first` up (UID SEARCH UID first:*; `*` is the highest UID even when below `first`, so it is filtered out). */
export async function uidsFrom(connection: ImapConnection, first: number): Promise<number[]> {
  const result = await connection.client.search({ uid: `${first}:*` }, { uid: true });
  return Array.isArray(result) ? result.filter((uid) => uid >= first) : [];
}

/** What the server lacks and what we lack, from the two UID sets. */
export function diffUids(server: Iterable<number>, known: Set<number>): { missingLocally: number[]; goneFromServer: number[] } {
  const serverSet = new Set(server);
  const missingLocally = [...serverSet].filter((uid) => !known.has(uid));
  const goneFromServer = [...known].filter((uid) => !serverSet.has(uid));
  return { missingLocally, goneFromServer };
}
