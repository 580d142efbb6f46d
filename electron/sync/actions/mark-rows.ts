import { prepare, type WriteDb } from '../../store/db';
import type { FlagsPayload } from '../../store/operation-kinds';
import { laterFlagChanges, operationMessageIds } from '../../store/operation-queue';
import type { ChangeRecorder } from '../../store/write-transaction';
import type { ActionRow, MarkChange, TagChange } from '../engine';

/** System flags kept in a column of their own; any other flag is a keyword (the `keywords` JSON list). */
const COLUMN_OF: Record<string, 'seen' | 'flagged' | 'answered' | 'draft'> = {
  '\\Seen': 'seen',
  '\\Flagged': 'flagged',
  '\\Answered': 'answered',
  '\\Draft': 'draft',
};

export interface MarkedRows {
  /** The rows whose state changed (the others already were as asked). */
  changed: ActionRow[];
  add: string[];
  remove: string[];
  /** Per changed row, the flags among `add` and `remove` it had before: what a refusal puts back. */
  before: FlagsPayload['before'];
}

/** Applies mark read/unread, flag/unflag and keyword changes to the rows, locally. */
export function applyMarks(db: WriteDb, changes: ChangeRecorder, rows: readonly ActionRow[], want: MarkChange): MarkedRows {
  const addKeywords = [...new Set(want.keywords?.add ?? [])];
  const removeKeywords = [...new Set(want.keywords?.remove ?? [])].filter((k) => !addKeywords.includes(k));
  const add = [...(want.seen === true ? ['\\Seen'] : []), ...(want.flagged === true ? ['\\Flagged'] : []), ...addKeywords];
  const remove = [...(want.seen === false ? ['\\Seen'] : []), ...(want.flagged === false ? ['\\Flagged'] : []), ...removeKeywords];
  const result: MarkedRows = { changed: [], add, remove, before: [] };
  const readKeywords = prepare<[number], { keywords: string }>(db, 'SELECT keywords FROM messages WHERE id = ?');
  for (const row of rows) {
    const seenChanges = want.seen !== undefined && (row.seen === 1) !== want.seen;
    const flaggedChanges = want.flagged !== undefined && (row.flagged === 1) !== want.flagged;
    const keywords = addKeywords.length + removeKeywords.length > 0 ? parseKeywords(readKeywords.get(row.id)?.keywords ?? '[]') : [];
    const nextKeywords = [...new Set([...keywords.filter((k) => !removeKeywords.includes(k)), ...addKeywords])].sort();
    const keywordsChange = JSON.stringify(nextKeywords) !== JSON.stringify([...keywords].sort());
    if (!seenChanges && !flaggedChanges && !keywordsChange) continue;
    writeMarks(db, row.id, seenChanges ? want.seen! : null, flaggedChanges ? want.flagged! : null, keywordsChange ? nextKeywords : null);
    changes.message(row.accountId, row.folderId, row.id);
    result.changed.push(row);
    const had = [
      ...(want.seen !== undefined && row.seen === 1 ? ['\\Seen'] : []),
      ...(want.flagged !== undefined && row.flagged === 1 ? ['\\Flagged'] : []),
      ...keywords.filter((k) => addKeywords.includes(k) || removeKeywords.includes(k)),
    ];
    result.before.push({ messageId: row.id, had });
  }
  return result;
}

/**
 * One UPDATE naming only the columns that change: naming `seen` fires the folder-count trigger (and its
 * statement journal) even when the value stays, which a tag or flag rule paid for every message it marked.
 */
function writeMarks(db: WriteDb, id: number, seen: boolean | null, flagged: boolean | null, keywords: readonly string[] | null): void {
  const columns: Array<[string, number | string]> = [];
  if (seen !== null) columns.push(['seen', seen ? 1 : 0]);
  if (flagged !== null) columns.push(['flagged', flagged ? 1 : 0]);
  if (keywords !== null) columns.push(['keywords', JSON.stringify(keywords)]);
  if (columns.length === 0) return;
  prepare(db, `UPDATE messages SET ${columns.map(([name]) => `${name} = ?`).join(', ')} WHERE id = ?`).run(...columns.map(([, value]) => value), id);
}

/**
 * Adds and removes keywords (tags) on the rows, locally. Keywords compare without case (RFC 9051 §2.3.2
 * leaves case to the server; Dovecot and Cyrus keep the first spelling), so a tag already there under
 * another case is not added twice.
 */
export function applyTags(db: WriteDb, changes: ChangeRecorder, rows: readonly ActionRow[], change: TagChange): MarkedRows {
  const read = prepare<[number], { keywords: string }>(db, 'SELECT keywords FROM messages WHERE id = ?');
  const write = prepare<[string, number]>(db, 'UPDATE messages SET keywords = ? WHERE id = ?');
  const result: MarkedRows = { changed: [], add: change.add, remove: change.remove, before: [] };
  for (const row of rows) {
    const current = parseKeywords(read.get(row.id)?.keywords ?? '[]');
    const has = (k: string) => current.some((c) => c.toLowerCase() === k.toLowerCase());
    const removing = new Set(change.remove.map((k) => k.toLowerCase()));
    const next = [...current.filter((c) => !removing.has(c.toLowerCase())), ...change.add.filter((k) => !has(k) && !removing.has(k.toLowerCase()))];
    const unchanged = next.length === current.length && next.every((k) => current.includes(k));
    if (unchanged) continue;
    write.run(JSON.stringify([...new Set(next)].sort()), row.id);
    changes.message(row.accountId, row.folderId, row.id);
    result.changed.push(row);
    result.before.push({ messageId: row.id, had: [...change.add, ...change.remove].filter(has) });
  }
  return result;
}

/**
 * A flag change the server refused: each message it still names goes back to its own state from before
 * the change (`before`), flag by flag — except a flag a later queued change of the message sets or clears,
 * which holds the user's newer wish. Messages the server already took the change for (earlier folders of
 * the operation) left it when they were done, and keep it.
 */
export function rollBackMarks(db: WriteDb, changes: ChangeRecorder, opId: number, payload: FlagsPayload): number {
  const stillNamed = new Set(operationMessageIds(db, opId));
  const row = prepare<[number], { account_id: string; folder_id: number; keywords: string }>(db, 'SELECT account_id, folder_id, keywords FROM messages WHERE id = ?');
  let restored = 0;
  for (const { messageId, had } of payload.before) {
    if (!stillNamed.has(messageId)) continue;
    const current = row.get(messageId);
    if (!current) continue;
    const newer = laterFlagChanges(db, opId, messageId);
    const flags = [...payload.add, ...payload.remove].filter((f) => !newer.has(f));
    if (flags.length === 0) continue;
    let keywords: string[] | null = null;
    for (const flag of flags) {
      const on = had.includes(flag);
      const column = COLUMN_OF[flag];
      if (column) {
        prepare<[number, number]>(db, `UPDATE messages SET ${column} = ? WHERE id = ?`).run(on ? 1 : 0, messageId);
        continue;
      }
      keywords ??= parseKeywords(current.keywords);
      keywords = on ? [...new Set([...keywords, flag])] : keywords.filter((k) => k !== flag);
    }
    if (keywords) prepare<[string, number]>(db, 'UPDATE messages SET keywords = ? WHERE id = ?').run(JSON.stringify([...keywords].sort()), messageId);
    changes.message(current.account_id, current.folder_id, messageId);
    restored++;
  }
  return restored;
}

function parseKeywords(text: string): string[] {
  try {
    const list: unknown = JSON.parse(text);
    return Array.isArray(list) ? list.filter((k): k is string => typeof k === 'string') : [];
  } catch {
    return [];
  }
}

/** The row's flags as IMAP names (system flags, then keywords): what an upload sets on the server's new copy. */
export function currentFlags(db: WriteDb, messageId: number): string[] {
  const row = prepare<[number], { seen: number; flagged: number; answered: number; draft: number; keywords: string }>(
    db,
    'SELECT seen, flagged, answered, draft, keywords FROM messages WHERE id = ?',
  ).get(messageId);
  if (!row) return [];
  const system = Object.entries(COLUMN_OF)
    .filter(([, column]) => row[column] === 1)
    .map(([flag]) => flag);
  return [...system, ...parseKeywords(row.keywords)];
}
