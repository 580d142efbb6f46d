import { HomingError, toErrorData } from '../../shared/errors';
import { prepare, type ReadDb } from '../store/db';
import type { QueryContext } from './query-context';

/**
 * Output that claims to be a message (`show --raw`, `export`) must be the whole message. A message stored
 * without its body (IMAP outside the offline scope: headers only; POP3 over the size limit: headers and
 * the first lines) gets the rest downloaded first, through the writer; if that cannot be done now (the
 * server unreachable, the data directory held by another writer, the message gone from the server), the
 * answer is BODY_NOT_DOWNLOADED, naming the reason, and nothing is written. Downloads stop at the first
 * failure: one unreachable server would fail every other message the same way, slowly.
 */
export async function downloadMissingBodies(
  ctx: Pick<QueryContext, 'db' | 'completeMessage'>,
  ids: readonly number[],
  /** What the caller did not do for want of the body, said at the end of the error. */
  consequence = 'Nothing was written',
): Promise<void> {
  const missing = ids.filter((id) => bodyStatusOf(ctx.db, id) !== 'full');
  for (const [done, id] of missing.entries()) {
    let cause: { code: string; message: string } | null = null;
    try {
      if (!ctx.completeMessage) throw new HomingError('INTERNAL', 'Nothing here can download messages.');
      await ctx.completeMessage(id);
    } catch (error) {
      const data = toErrorData(error);
      cause = { code: data.code, message: data.message };
    }
    if (!cause && bodyStatusOf(ctx.db, id) === 'full') continue;
    const left = missing.length - done;
    const which = left === 1 ? `Message ${id} is stored without its body` : `${left} of these messages are stored without their body`;
    const reason = cause ? `downloading ${left === 1 ? 'it' : 'them'} failed: ${sentence(cause.message)}` : 'the server did not send it.';
    throw new HomingError('BODY_NOT_DOWNLOADED', `${which} (the rest is still on the server), and ${reason} ${consequence}; try again when the server can be reached.`, {
      messageId: id,
      missing: missing.length - done,
      cause,
    });
  }
}

const sentence = (text: string) => (/[.!?]$/.test(text.trim()) ? text.trim() : `${text.trim()}.`);

export function bodyStatusOf(db: ReadDb, id: number): 'full' | 'headers' | 'partial' {
  const row = prepare<[number], { body_status: 'full' | 'headers' | 'partial' }>(db, 'SELECT body_status FROM messages WHERE id = ?').get(id);
  if (!row) throw new HomingError('NOT_FOUND', `No message with id ${id}.`);
  return row.body_status;
}

/** The messages of a folder stored without their body (what a whole export must download first). */
export function idsWithoutBody(db: ReadDb, folderId: number): number[] {
  return prepare<[number], { id: number }>(db, "SELECT id FROM messages WHERE folder_id = ? AND deleted_locally = 0 AND body_status <> 'full' ORDER BY id")
    .all(folderId)
    .map((r) => r.id);
}
