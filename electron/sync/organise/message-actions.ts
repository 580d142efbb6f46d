import type { Account } from '../../../shared/contract/accounts';
import type { UndoEntry } from '../../../shared/contract/organise';
import { HomingError } from '../../../shared/errors';
import { getAccount } from '../../store/accounts';
import { prepare, type WriteDb } from '../../store/db';
import type { FolderRow } from '../../store/folders';
import { hasQueuedOperations } from '../../store/operation-queue';
import type { MovedItem } from '../../store/undo-kinds';
import { recordUndo } from '../../store/undo-log';
import type { ChangeRecorder } from '../../store/write-transaction';
import { byAccount } from '../actions/action-rows';
import type { ActionRow, MarkChange, PlanContext, TagChange } from '../engine';
import { engineFor } from '../engines';

/**
 * The user's actions on messages, for every kind of account: each account's engine plans its part
 * (sync/engine.ts ActionPlanner), and what can be taken back is written to the undo log in the same
 * transaction. Every function runs inside the caller's write transaction and says which accounts got
 * server work (the caller nudges them) and the undo entry.
 */
export interface Planned {
  nudge: Set<string>;
  undo: UndoEntry | null;
}

/** What one transaction plans with: the write connection and its change recorder. */
export interface PlanTx {
  db: WriteDb;
  changes: ChangeRecorder;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** Runs `plan` on each account's rows; returns the accounts it queued server work for. */
export function perAccount(tx: PlanTx, rows: readonly ActionRow[], plan: (ctx: PlanContext, group: ActionRow[]) => boolean | string[]): Set<string> {
  const nudge = new Set<string>();
  for (const [accountId, group] of byAccount(rows)) {
    const ctx: PlanContext = { db: tx.db, changes: tx.changes, account: getAccount(tx.db, accountId) };
    const queued = plan(ctx, group);
    if (queued === true) nudge.add(accountId);
    else if (Array.isArray(queued)) for (const id of queued) nudge.add(id);
  }
  return nudge;
}

interface Location {
  accountId: string;
  folderId: number;
  path: string;
  specialUse: string | null;
  hidden: boolean;
}

/** Where each message is now (absent: its row is gone). */
export function locations(db: WriteDb, ids: Iterable<number>): Map<number, Location> {
  const find = prepare<[number], { account_id: string; folder_id: number; path: string; special_use: string | null; deleted_locally: number }>(
    db,
    'SELECT m.account_id, m.folder_id, f.path, f.special_use, m.deleted_locally FROM messages m JOIN folders f ON f.id = m.folder_id WHERE m.id = ?',
  );
  const result = new Map<number, Location>();
  for (const id of ids) {
    const row = find.get(id);
    if (row) result.set(id, { accountId: row.account_id, folderId: row.folder_id, path: row.path, specialUse: row.special_use, hidden: row.deleted_locally === 1 });
  }
  return result;
}

/** The messages that changed place between `before` (the rows as loaded) and now: a move's undo items. */
function movedItems(db: WriteDb, rows: readonly ActionRow[]): MovedItem[] {
  const now = locations(
    db,
    rows.map((r) => r.id),
  );
  const items: MovedItem[] = [];
  for (const row of rows) {
    const after = now.get(row.id);
    if (!after || after.hidden || (after.accountId === row.accountId && after.folderId === row.folderId)) continue;
    items.push({
      messageId: row.id,
      from: { accountId: row.accountId, folderId: row.folderId, path: row.folderPath },
      to: { accountId: after.accountId, folderId: after.folderId, path: after.path },
    });
  }
  return items;
}

function recordMoved(tx: PlanTx, kind: 'delete' | 'move' | 'archive', items: MovedItem[], description: (n: number) => string): UndoEntry | null {
  if (items.length === 0) return null;
  return recordUndo(tx.db, tx.changes, { kind, payload: { items } }, {
    description: description(items.length),
    accountIds: items.flatMap((i) => [i.from.accountId, i.to.accountId]),
    messageCount: items.length,
  });
}

/** Mark read/unread, flag/unflag. */
export function markRows(tx: PlanTx, rows: readonly ActionRow[], want: MarkChange, description?: string): Planned {
  const before = new Map(rows.map((r) => [r.id, r]));
  const nudge = perAccount(tx, rows, (plan, group) => engineFor(plan.account).actions.mark(plan, group, want));
  const read = prepare<[number], { seen: number; flagged: number }>(tx.db, 'SELECT seen, flagged FROM messages WHERE id = ?');
  const items = [...before.values()].flatMap((row) => {
    const now = read.get(row.id);
    if (!now) return [];
    const seenChanged = want.seen !== undefined && now.seen !== row.seen;
    const flaggedChanged = want.flagged !== undefined && now.flagged !== row.flagged;
    if (!seenChanged && !flaggedChanged) return [];
    return [{ messageId: row.id, ...(seenChanged ? { seen: row.seen === 1 } : {}), ...(flaggedChanged ? { flagged: row.flagged === 1 } : {}) }];
  });
  if (items.length === 0) return { nudge, undo: null };
  const words = [...(want.seen === true ? ['read'] : want.seen === false ? ['unread'] : []), ...(want.flagged === true ? ['flagged'] : want.flagged === false ? ['unflagged'] : [])];
  const undo = recordUndo(tx.db, tx.changes, { kind: 'mark', payload: { items } }, {
    description: description ?? `Marked ${plural(items.length, 'message')} as ${words.join(' and ')}.`,
    accountIds: rows.filter((r) => items.some((i) => i.messageId === r.id)).map((r) => r.accountId),
    messageCount: items.length,
  });
  return { nudge, undo };
}

/** Adds and removes tags (keywords already checked: shared/tag-keywords.ts). */
export function tagRows(tx: PlanTx, rows: readonly ActionRow[], change: TagChange, description: (n: number) => string): Planned {
  const read = prepare<[number], { keywords: string }>(tx.db, 'SELECT keywords FROM messages WHERE id = ?');
  const had = new Map(rows.map((r) => [r.id, read.get(r.id)?.keywords ?? '[]']));
  const nudge = perAccount(tx, rows, (plan, group) => engineFor(plan.account).actions.tag(plan, group, change));
  const named = [...change.add, ...change.remove];
  const items = rows.flatMap((row) => {
    const before = had.get(row.id)!;
    const now = read.get(row.id)?.keywords;
    if (now === undefined || now === before) return [];
    const list = parseList(before).map((k) => k.toLowerCase());
    return [{ messageId: row.id, had: named.filter((k) => list.includes(k.toLowerCase())) }];
  });
  if (items.length === 0) return { nudge, undo: null };
  const undo = recordUndo(tx.db, tx.changes, { kind: 'tag', payload: { add: change.add, remove: change.remove, items } }, {
    description: description(items.length),
    accountIds: rows.filter((r) => items.some((i) => i.messageId === r.id)).map((r) => r.accountId),
    messageCount: items.length,
  });
  return { nudge, undo };
}

function parseList(text: string): string[] {
  try {
    const parsed: unknown = JSON.parse(text);
    return Array.isArray(parsed) ? parsed.filter((k): k is string => typeof k === 'string') : [];
  } catch {
    return [];
  }
}

/** True for a message in its account's Trash. */
function inTrash(db: WriteDb, rows: readonly ActionRow[]): ActionRow[] {
  const now = locations(
    db,
    rows.map((r) => r.id),
  );
  return rows.filter((r) => now.get(r.id)?.specialUse === 'trash');
}

/**
 * Delete: to each account's Trash (made when it has none). Messages already in the Trash would be removed
 * for good, which must be asked first: CONFIRMATION_REQUIRED, nothing changed (deleteForGood does that).
 */
export function deleteRows(tx: PlanTx, rows: readonly ActionRow[]): Planned {
  const trashed = inTrash(tx.db, rows);
  if (trashed.length > 0) {
    throw new HomingError(
      'CONFIRMATION_REQUIRED',
      `${plural(trashed.length, 'message is', 'messages are')} in the Trash already: deleting ${trashed.length === 1 ? 'it' : 'them'} again removes ${trashed.length === 1 ? 'it' : 'them'} for good. Delete permanently instead (it asks first).`,
      { inTrash: trashed.map((r) => r.id).slice(0, 100) },
    );
  }
  const nudge = perAccount(tx, rows, (plan, group) => engineFor(plan.account).actions.delete(plan, group));
  const undo = recordMoved(tx, 'delete', movedItems(tx.db, rows), (n) => `Deleted ${plural(n, 'message')}.`);
  return { nudge, undo };
}

/** Removes for good (the caller asked first). Cannot be undone. */
export function deleteRowsForGood(tx: PlanTx, rows: readonly ActionRow[]): { nudge: Set<string>; deleted: number } {
  const nudge = perAccount(tx, rows, (plan, group) => engineFor(plan.account).actions.deleteForGood(plan, group));
  return { nudge, deleted: rows.length };
}

/**
 * Moves rows to `target`: within their account by its engine; to another account, the target's engine
 * takes them (an upload to an IMAP server, exactly once) and then the source's engine says what becomes
 * of its server's copy (removed once the upload is done).
 */
export function moveRows(tx: PlanTx, rows: readonly ActionRow[], target: FolderRow, kind: 'move' | 'archive' = 'move'): Planned {
  const targetAccount = getAccount(tx.db, target.accountId);
  const nudge = moveWithoutRecord(tx, rows, target, targetAccount);
  const undo = recordMoved(tx, kind, movedItems(tx.db, rows), (n) => (kind === 'archive' ? `Archived ${plural(n, 'message')}.` : `Moved ${plural(n, 'message')} to ${target.name}.`));
  return { nudge, undo };
}

/** The move itself, for moveRows and for undo (which records nothing). */
export function moveWithoutRecord(tx: PlanTx, rows: readonly ActionRow[], target: FolderRow, targetAccount: Account): Set<string> {
  if (target.syncState.selectable === false) throw new HomingError('INVALID_ARGUMENT', `The folder ${target.path} cannot hold messages.`);
  return perAccount(tx, rows, (plan, group) => {
    if (plan.account.id === targetAccount.id) return engineFor(plan.account).actions.move(plan, group, target);
    const received = engineFor(targetAccount).actions.receive({ db: tx.db, changes: tx.changes, account: targetAccount }, group, target);
    const released = engineFor(plan.account).actions.release(plan, group, received.uploads);
    return [...(received.queued ? [targetAccount.id] : []), ...(released ? [plan.account.id] : [])];
  });
}

/** To each account's Archive folder (made when it has none). */
export function archiveRows(tx: PlanTx, rows: readonly ActionRow[]): Planned {
  const nudge = new Set<string>();
  for (const [accountId, group] of byAccount(rows)) {
    const account = getAccount(tx.db, accountId);
    const plan: PlanContext = { db: tx.db, changes: tx.changes, account };
    const archive = engineFor(account).folders.special(plan, 'archive');
    const movable = group.filter((r) => r.folderId !== archive.id);
    if (engineFor(account).actions.move(plan, movable, archive)) nudge.add(accountId);
  }
  // The Archive folder itself may have been queued for CREATE.
  for (const accountId of byAccount(rows).keys()) if (hasQueuedOperations(tx.db, accountId)) nudge.add(accountId);
  const undo = recordMoved(tx, 'archive', movedItems(tx.db, rows), (n) => `Archived ${plural(n, 'message')}.`);
  return { nudge, undo };
}
