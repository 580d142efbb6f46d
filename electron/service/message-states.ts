import { prepare, type ReadDb } from '../store/db';

/**
 * What the window shows of each stored message that another process may change without a new row: its
 * folder, flags, tags, thread, whether it is hidden or in Trash, and whether its body is here. The store
 * marks none of these changes in the rows (no change counter), so a process that follows another one's
 * commits without hearing its events (foreign-writes.ts) compares two of these to name the messages a
 * commit changed, as the writer's own messagesChanged would.
 *
 * Kept compact, a few numbers per message in id order (~30 bytes each: 3 MB for 100,000 messages), tags
 * only for the messages that have any.
 */
export interface MessageStates {
  readonly ids: Float64Array;
  readonly folders: Float64Array;
  readonly threads: Float64Array;
  readonly bits: Int32Array;
  readonly tags: Map<number, string>;
  /** The account of each folder there was, for messages that are gone by the next look. */
  readonly folderAccounts: Map<number, string>;
}

/** One statement of its own: `.raw()` changes the statement it is called on, which prepare() caches. */
const STATES_SQL = `SELECT id, folder_id, coalesce(thread_id, -1),
    seen | (flagged << 1) | (answered << 2) | (draft << 3) | (deleted_locally << 4) | ((body_status = 'full') << 5)
      | ((body_status = 'partial') << 6) | ((parse_status = 'failed') << 7) | ((trashed_at IS NOT NULL) << 8),
    CASE keywords WHEN '[]' THEN NULL ELSE keywords END
  FROM messages ORDER BY id`;

export function readMessageStates(db: ReadDb): MessageStates {
  const count = prepare<[], { n: number }>(db, 'SELECT count(*) AS n FROM messages').get()?.n ?? 0;
  // The count sizes the arrays; a commit between the two reads may add rows, which grow them.
  let ids = new Float64Array(count);
  let folders = new Float64Array(count);
  let threads = new Float64Array(count);
  let bits = new Int32Array(count);
  const tags = new Map<number, string>();
  let n = 0;
  for (const row of prepare(db, STATES_SQL).raw(true).iterate() as IterableIterator<[number, number, number, number, string | null]>) {
    if (n === ids.length) {
      const grow = <T extends Float64Array | Int32Array>(a: T, make: (size: number) => T) => {
        const bigger = make(Math.max(16, a.length * 2));
        bigger.set(a);
        return bigger;
      };
      ids = grow(ids, (size) => new Float64Array(size));
      folders = grow(folders, (size) => new Float64Array(size));
      threads = grow(threads, (size) => new Float64Array(size));
      bits = grow(bits, (size) => new Int32Array(size));
    }
    ids[n] = row[0];
    folders[n] = row[1];
    threads[n] = row[2];
    bits[n] = row[3];
    if (row[4] !== null) tags.set(row[0], row[4]);
    n++;
  }
  const folderAccounts = new Map<number, string>();
  for (const f of prepare<[], { id: number; account_id: string }>(db, 'SELECT id, account_id FROM folders').all()) folderAccounts.set(f.id, f.account_id);
  return { ids: ids.subarray(0, n), folders: folders.subarray(0, n), threads: threads.subarray(0, n), bits: bits.subarray(0, n), tags, folderAccounts };
}

/**
 * The messages whose state differs between two looks (moved, flagged, tagged, hidden, their body
 * downloaded) and those gone since the first, by account. Messages new since the first look are not
 * named: the caller names those from the highest id it has seen.
 */
export function changedMessages(before: MessageStates, after: MessageStates): Map<string, number[]> {
  const changed = new Map<string, number[]>();
  const name = (accountId: string | undefined, id: number) => {
    if (accountId === undefined) return;
    const list = changed.get(accountId);
    if (list) list.push(id);
    else changed.set(accountId, [id]);
  };
  let i = 0;
  let j = 0;
  while (i < before.ids.length) {
    const id = before.ids[i]!;
    while (j < after.ids.length && after.ids[j]! < id) j++;
    if (j < after.ids.length && after.ids[j] === id) {
      if (
        before.folders[i] !== after.folders[j] ||
        before.bits[i] !== after.bits[j] ||
        before.threads[i] !== after.threads[j] ||
        before.tags.get(id) !== after.tags.get(id)
      ) {
        name(after.folderAccounts.get(after.folders[j]!), id);
      }
    } else {
      name(before.folderAccounts.get(before.folders[i]!), id);
    }
    i++;
  }
  return changed;
}
