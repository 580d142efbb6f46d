import { prepare, type WriteDb } from '../../store/db';
import type { FlagsPayload } from '../../store/operation-kinds';
import type { ChangeRecorder } from '../../store/write-transaction';
import type { ActionRow, MarkChange } from '../engine';

export interface MarkedRows {
  /** The rows whose state changed (the others already were as asked). */
  changed: ActionRow[];
  add: string[];
  remove: string[];
  /** Per changed row, the flags among `add` and `remove` it had before: what a refusal puts back. */
  before: FlagsPayload['before'];
}

/** Applies mark read/unread, flag/unflag to the rows, locally. */
export function applyMarks(db: WriteDb, changes: ChangeRecorder, rows: readonly ActionRow[], want: MarkChange): MarkedRows {
  const update = prepare(db, 'UPDATE messages SET seen = coalesce(?, seen), flagged = coalesce(?, flagged) WHERE id = ?');
  const add = [...(want.seen === true ? ['\\Seen'] : []), ...(want.flagged === true ? ['\\Flagged'] : [])];
  const remove = [...(want.seen === false ? ['\\Seen'] : []), ...(want.flagged === false ? ['\\Flagged'] : [])];
  const result: MarkedRows = { changed: [], add, remove, before: [] };
  for (const row of rows) {
    const seenChanges = want.seen !== undefined && (row.seen === 1) !== want.seen;
    const flaggedChanges = want.flagged !== undefined && (row.flagged === 1) !== want.flagged;
    if (!seenChanges && !flaggedChanges) continue;
    update.run(want.seen === undefined ? null : want.seen ? 1 : 0, want.flagged === undefined ? null : want.flagged ? 1 : 0, row.id);
    changes.message(row.accountId, row.folderId, row.id);
    result.changed.push(row);
    const had = [...(want.seen !== undefined && row.seen === 1 ? ['\\Seen'] : []), ...(want.flagged !== undefined && row.flagged === 1 ? ['\\Flagged'] : [])];
    result.before.push({ messageId: row.id, had });
  }
  return result;
}
