import type { UndoEntry, UndoKind } from '../../shared/contract/organise';
import { HomingError } from '../../shared/errors';
import { prepare, type ReadDb, type WriteDb } from './db';
import { parseUndoPayload, serializeUndoPayload, type UndoAction } from './undo-kinds';
import type { ChangeRecorder } from './write-transaction';

/**
 * The undo log (table undo_log, migration 0010): every action that can be taken back, written in the
 * same transaction as the action itself, so it is exactly as durable as the change. It belongs to the
 * data directory, not to a window: `homing undo` takes back what the app did, and the other way round.
 * Every statement on the table is in this file.
 */

/** How many entries are kept; older ones can no longer be undone. */
const KEEP = 200;

interface Row {
  id: number;
  kind: string;
  description: string;
  payload: string;
  account_ids: string;
  message_count: number;
  created_at: number;
  undone_at: number | null;
}

/** An entry with its parsed action (null when the stored payload cannot be read). */
export interface StoredUndo {
  entry: UndoEntry;
  action: UndoAction | null;
  undone: boolean;
}

function toEntry(row: Row): UndoEntry {
  let accountIds: string[] = [];
  try {
    const parsed: unknown = JSON.parse(row.account_ids);
    if (Array.isArray(parsed)) accountIds = parsed.filter((id): id is string => typeof id === 'string');
  } catch {
    // An entry whose account list cannot be read still shows.
  }
  return {
    id: row.id,
    kind: row.kind as UndoKind,
    description: row.description,
    accountIds,
    messageCount: row.message_count,
    createdAt: new Date(row.created_at).toISOString(),
  };
}

const COLUMNS = 'id, kind, description, payload, account_ids, message_count, created_at, undone_at';

/** Writes an action to the log (inside the action's own transaction) and returns its entry. */
export function recordUndo(
  db: WriteDb,
  changes: ChangeRecorder,
  action: UndoAction,
  summary: { description: string; accountIds: Iterable<string>; messageCount: number },
): UndoEntry {
  const info = prepare(db, 'INSERT INTO undo_log (kind, description, payload, account_ids, message_count, created_at) VALUES (?, ?, ?, ?, ?, ?)').run(
    action.kind,
    summary.description,
    serializeUndoPayload(action),
    JSON.stringify([...new Set(summary.accountIds)]),
    summary.messageCount,
    Date.now(),
  );
  const id = Number(info.lastInsertRowid);
  prepare<[number]>(db, 'DELETE FROM undo_log WHERE id <= ?').run(id - KEEP);
  changes.undoLog();
  return toEntry(prepare<[number], Row>(db, `SELECT ${COLUMNS} FROM undo_log WHERE id = ?`).get(id)!);
}

export function findUndo(db: ReadDb, id: number): StoredUndo | null {
  const row = prepare<[number], Row>(db, `SELECT ${COLUMNS} FROM undo_log WHERE id = ?`).get(id);
  return row ? { entry: toEntry(row), action: parseUndoPayload(row.kind, row.payload), undone: row.undone_at !== null } : null;
}

/** The newest entry not undone yet, or null. */
export function latestUndo(db: ReadDb): StoredUndo | null {
  const row = prepare<[], { id: number }>(db, 'SELECT id FROM undo_log WHERE undone_at IS NULL ORDER BY id DESC LIMIT 1').get();
  return row ? findUndo(db, row.id) : null;
}

/** What can still be undone, newest first. */
export function listUndoable(db: ReadDb, limit: number): UndoEntry[] {
  return prepare<[number], Row>(db, `SELECT ${COLUMNS} FROM undo_log WHERE undone_at IS NULL ORDER BY id DESC LIMIT ?`)
    .all(limit)
    .map(toEntry);
}

/** The entry was taken back: it can no longer be undone. */
export function markUndone(db: WriteDb, changes: ChangeRecorder, id: number): void {
  const info = prepare<[number, number]>(db, 'UPDATE undo_log SET undone_at = ? WHERE id = ? AND undone_at IS NULL').run(Date.now(), id);
  if (info.changes === 0) throw new HomingError('NOTHING_TO_UNDO', `Action ${id} was undone already.`);
  changes.undoLog();
}
