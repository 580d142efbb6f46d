import type { ImapConnection } from '../../../protocols/imap/imap-connection';

/**
 * Every UID in the selected mailbox (UID SEARCH ALL; one round trip, answered from the server's index).
 * Compared with the UIDs we hold it gives both the expunged messages (for servers without QRESYNC
 * VANISHED) and any message a cut-off earlier sync missed.
 */
export async function serverUids(connection: ImapConnection): Promise<Uint32Array> {
  const result = await connection.client.search({ all: true }, { uid: true });
  return sortedUids(Array.isArray(result) ? result : []);
}

/**
 * UIDs ascending, each once, as 32-bit integers (a UID is a non-zero 32-bit number, RFC 3501 section
 * 2.3.1.1): 4 bytes a message, where a Set of numbers costs ~20–40 and an array of them 8.
 */
export function sortedUids(uids: ArrayLike<number>): Uint32Array {
  const sorted = Uint32Array.from(uids).sort();
  let n = 0;
  for (let i = 0; i < sorted.length; i++) if (n === 0 || sorted[i] !== sorted[n - 1]) sorted[n++] = sorted[i]!;
  return sorted.subarray(0, n);
}

/** UIDs from `first` up (UID SEARCH UID first:*; `*` is the highest UID even when below `first`, so it is filtered out). */
export async function uidsFrom(connection: ImapConnection, first: number): Promise<number[]> {
  const result = await connection.client.search({ uid: `${first}:*` }, { uid: true });
  return Array.isArray(result) ? result.filter((uid) => uid >= first) : [];
}

/** Collects UIDs as they arrive into a growing Uint32Array; `sorted()` gives them as sortedUids does. */
export class UidCollector {
  private uids = new Uint32Array(1024);
  private n = 0;

  push(uid: number): void {
    if (this.n === this.uids.length) {
      const grown = new Uint32Array(this.uids.length * 2);
      grown.set(this.uids);
      this.uids = grown;
    }
    this.uids[this.n++] = uid;
  }

  sorted(): Uint32Array {
    return sortedUids(this.uids.subarray(0, this.n));
  }
}

/** What the server lacks and what we lack: one merge of the two ascending UID lists (sortedUids), both results ascending. */
export function diffUids(server: Uint32Array, known: Uint32Array): { missingLocally: Uint32Array; goneFromServer: number[] } {
  const missing = new Uint32Array(server.length);
  let m = 0;
  const goneFromServer: number[] = [];
  let i = 0;
  let j = 0;
  while (i < server.length || j < known.length) {
    if (j === known.length || (i < server.length && server[i]! < known[j]!)) missing[m++] = server[i++]!;
    else if (i === server.length || known[j]! < server[i]!) goneFromServer.push(known[j++]!);
    else {
      i++;
      j++;
    }
  }
  return { missingLocally: missing.slice(0, m), goneFromServer };
}
