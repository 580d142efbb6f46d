import { HomingError } from '../../../../shared/errors';
import { prepare, type ReadDb } from '../../../store/db';
import type { OpItem, SentMark } from '../../../store/operation-kinds';
import type { ImapConnection } from '../../../protocols/imap/imap-connection';
import { selectFolder } from './select-folder';

/** Where a message now is in the target folder of a move. */
export interface TargetPlace {
  uidvalidity: number;
  uid: number;
}

/** UIDVALIDITY and UIDNEXT of the target folder before the first command of a move (STATUS, RFC 3501 section 6.3.10). */
export async function targetState(connection: ImapConnection, path: string): Promise<SentMark['target']> {
  let status: Awaited<ReturnType<ImapConnection['client']['status']>>;
  try {
    status = await connection.client.status(path, { uidNext: true, uidValidity: true });
  } catch (error) {
    // imapflow answers a NO to STATUS with false, or — when LIST then finds no such folder — with a NotFound
    // error: the move would be refused the same way.
    if ((error as { code?: unknown } | null)?.code !== 'NotFound' || !connection.usable) throw error;
    connection.takeCommandError();
    throw new HomingError('OPERATION_REFUSED', `The server refused to move the messages to ${path}: it has no such folder.`);
  }
  if (!status || status.uidNext === undefined || status.uidValidity === undefined) return null;
  return { uidvalidity: Number(status.uidValidity), uidnext: status.uidNext };
}

const bareId = (id: string | null | undefined) => (id ?? '').trim().replace(/^<|>$/g, '');

/**
 * Finds the messages of a move in its target folder among the UIDs it gave out since `before` (UIDs only
 * grow, RFC 3501 section 2.3.1.1, so a copy made by the move has a UID ≥ the UIDNEXT recorded before it):
 * same Message-ID and RFC822.SIZE (both kept by COPY and MOVE), or — without a Message-ID — same size and
 * INTERNALDATE (RFC 3501 section 6.4.7: COPY preserves it). Each server message matches one item at most.
 * Leaves the target selected read-only (EXAMINE). Empty when the folder was recreated since (another
 * UIDVALIDITY: the recorded UIDNEXT means nothing there).
 */
export async function findMovedInTarget(
  connection: ImapConnection,
  db: ReadDb,
  path: string,
  before: { uidvalidity: number; uidnext: number },
  items: OpItem[],
): Promise<Map<number, TargetPlace>> {
  const found = new Map<number, TargetPlace>();
  if (items.length === 0) return found;
  const selected = await selectFolder(connection, path, { readOnly: true });
  if (selected.uidvalidity !== before.uidvalidity || selected.uidnext <= before.uidnext || selected.exists === 0) return found;
  const arrived: Array<{ uid: number; messageId: string; size: number | undefined; internalDate: number | null }> = [];
  // Collected, then matched: no other command while imapflow's fetch() iterates (imapflow #159, #284).
  for await (const message of connection.client.fetch(`${before.uidnext}:*`, { uid: true, size: true, envelope: true, internalDate: true }, { uid: true })) {
    // `n:*` includes the highest UID even when it is below n.
    if (message.uid < before.uidnext) continue;
    const date = message.internalDate ? new Date(message.internalDate).getTime() : NaN;
    arrived.push({ uid: message.uid, messageId: bareId(message.envelope?.messageId), size: message.size, internalDate: Number.isNaN(date) ? null : date });
  }
  arrived.sort((a, b) => a.uid - b.uid);
  const rowOf = prepare<[number], { message_id: string | null; size: number; internal_date: number | null }>(
    db,
    'SELECT message_id, size, internal_date FROM messages WHERE id = ?',
  );
  // By Message-ID and size; messages without a Message-ID by size, checked against INTERNALDATE.
  const byKey = new Map<string, typeof arrived>();
  for (const m of arrived) {
    const key = `${m.messageId}|${m.size}`;
    const same = byKey.get(key);
    if (same) same.push(m);
    else byKey.set(key, [m]);
  }
  for (const item of items) {
    const row = rowOf.get(item.messageId);
    if (!row) continue;
    const id = bareId(row.message_id);
    const candidates = byKey.get(`${id}|${row.size}`) ?? [];
    const at = candidates.findIndex(
      (m) => id !== '' || (row.internal_date !== null && m.internalDate !== null && Math.abs(m.internalDate - row.internal_date) < 1000),
    );
    if (at < 0) continue;
    const [match] = candidates.splice(at, 1);
    found.set(item.messageId, { uidvalidity: selected.uidvalidity, uid: match!.uid });
  }
  return found;
}

/** Which of these UIDs the selected mailbox still has (UID SEARCH UID, RFC 3501 section 6.4.4). */
export async function presentUids(connection: ImapConnection, uids: string): Promise<Set<number>> {
  const result = await connection.client.search({ uid: uids }, { uid: true });
  return new Set(Array.isArray(result) ? result : []);
}
