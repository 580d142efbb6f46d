import type { UndoResult } from '../../../shared/contract/organise';
import { HomingError } from '../../../shared/errors';
import { findAccount, getAccount } from '../../store/accounts';
import { prepare } from '../../store/db';
import { findFolderById, findFolderByPath, type FolderRow, folderSubtree, getFolder } from '../../store/folders';
import type { UndoAction, UndoPayloadOf } from '../../store/undo-kinds';
import { untrainJunk } from '../../store/junk';
import { findUndo, latestUndo, markUndone, type StoredUndo } from '../../store/undo-log';
import type { ActionRow, PlanContext } from '../engine';
import { engineFor } from '../engines';
import { cancelUpload } from '../actions/cancel-upload';
import { JUNK_KEYWORD, NOT_JUNK_KEYWORD } from '../rules/junk-actions';
import { moveWithoutRecord, perAccount, type PlanTx } from './message-actions';

/**
 * Takes back an action from the undo log. What has not reached the server yet is cancelled where that is
 * exactly the same (a queued move taken back puts the row where the server still has it; a folder made
 * and not created yet is simply not made); what has is answered by the inverse, queued like any action.
 * Either way the local state changes at once. A message deleted meanwhile (its row is gone, or hidden for
 * an expunge) is left alone and reported (`missing`); when nothing could be taken back, MESSAGE_GONE.
 */
export function undoAction(tx: PlanTx, id: number | undefined): UndoResult & { nudge: Set<string> } {
  const stored = id === undefined ? latestUndo(tx.db) : findUndo(tx.db, id);
  if (!stored || stored.undone) {
    throw new HomingError('NOTHING_TO_UNDO', id === undefined ? 'There is nothing to undo.' : `Action ${id} cannot be undone (it was undone already, or is too old).`);
  }
  if (!stored.action) throw new HomingError('UNDO_CONFLICT', `"${stored.entry.description}" cannot be undone: its record could not be read.`);
  const outcome = undoOne(tx, stored, stored.action);
  if (outcome.restored === 0 && outcome.missing.length > 0) {
    throw new HomingError('MESSAGE_GONE', `"${stored.entry.description}" cannot be undone: ${outcome.missing.length === 1 ? 'the message was' : 'the messages were'} deleted meanwhile.`, {
      missing: outcome.missing.slice(0, 100),
    });
  }
  markUndone(tx.db, tx.changes, stored.entry.id);
  return { undone: stored.entry, restored: outcome.restored, missing: outcome.missing, nudge: outcome.nudge };
}

interface Outcome {
  restored: number;
  missing: number[];
  nudge: Set<string>;
}

function undoOne(tx: PlanTx, stored: StoredUndo, action: UndoAction): Outcome {
  switch (action.kind) {
    case 'delete':
    case 'move':
    case 'archive':
      return moveBack(
        tx,
        action.payload.items.map((i) => ({ messageId: i.messageId, to: i.from })),
      );
    case 'mark':
      return unmark(tx, action.payload);
    case 'tag':
      return untag(tx, action.payload);
    case 'folder-create':
      return uncreate(tx, stored, action.payload);
    case 'folder-rename':
      return unrename(tx, stored, action.payload);
    case 'folder-delete':
      return undelete(tx, action.payload);
    case 'junk':
      return unjunk(tx, action.payload);
  }
}

/** The action rows of the messages that still exist (not hidden for an expunge); the others are missing. */
function existing(tx: PlanTx, ids: readonly number[]): { rows: ActionRow[]; missing: number[] } {
  const find = prepare<[number], ActionRow>(
    tx.db,
    `SELECT m.id, m.account_id AS accountId, m.folder_id AS folderId, f.path AS folderPath,
            m.uidvalidity, m.uid, m.seen, m.flagged, m.body_status AS bodyStatus
     FROM messages m JOIN folders f ON f.id = m.folder_id WHERE m.id = ? AND m.deleted_locally = 0`,
  );
  const rows: ActionRow[] = [];
  const missing: number[] = [];
  for (const id of ids) {
    const row = find.get(id);
    if (row) rows.push(row);
    else missing.push(id);
  }
  return { rows, missing };
}

/** Where a folder of the log is now: the same row if it still exists, else a visible folder of that path. */
function folderNow(tx: PlanTx, place: { accountId: string; folderId: number; path: string }): FolderRow | null {
  const byId = findFolderById(tx.db, place.folderId);
  if (byId && !byId.deletedLocally && byId.accountId === place.accountId) return byId;
  const byPath = findFolderByPath(tx.db, place.accountId, place.path);
  return byPath && !byPath.deletedLocally ? byPath : null;
}

/**
 * Puts messages back where they were. A message moved to another account whose upload has not gone out
 * is simply given back (the upload and the removal waiting for it are cancelled); any other goes back
 * through its account's engine like a move, which takes over a queued move not sent yet.
 */
function moveBack(tx: PlanTx, items: Array<{ messageId: number; to: { accountId: string; folderId: number; path: string } }>): Outcome {
  const { rows, missing } = existing(
    tx,
    items.map((i) => i.messageId),
  );
  const byId = new Map(rows.map((r) => [r.id, r]));
  const nudge = new Set<string>();
  let restored = 0;
  const groups = new Map<number, { folder: FolderRow; rows: ActionRow[] }>();
  for (const item of items) {
    const row = byId.get(item.messageId);
    if (!row) continue;
    const home = folderNow(tx, item.to);
    if (!home || !findAccount(tx.db, home.accountId)) {
      missing.push(item.messageId);
      continue;
    }
    if (row.folderId === home.id) {
      restored++;
      continue;
    }
    if (row.accountId !== home.accountId && cancelUpload(tx, row, home)) {
      restored++;
      continue;
    }
    const group = groups.get(home.id) ?? { folder: home, rows: [] };
    group.rows.push(row);
    groups.set(home.id, group);
  }
  for (const { folder, rows: group } of groups.values()) {
    for (const id of moveWithoutRecord(tx, group, folder, getAccount(tx.db, folder.accountId))) nudge.add(id);
    restored += group.length;
  }
  return { restored, missing, nudge };
}

function unmark(tx: PlanTx, payload: UndoPayloadOf<'mark'>): Outcome {
  const { rows, missing } = existing(
    tx,
    payload.items.map((i) => i.messageId),
  );
  const byId = new Map(rows.map((r) => [r.id, r]));
  const groups = new Map<string, { want: { seen?: boolean; flagged?: boolean }; rows: ActionRow[] }>();
  for (const item of payload.items) {
    const row = byId.get(item.messageId);
    if (!row) continue;
    const want = { ...(item.seen !== undefined ? { seen: item.seen } : {}), ...(item.flagged !== undefined ? { flagged: item.flagged } : {}) };
    const key = JSON.stringify(want);
    const group = groups.get(key) ?? { want, rows: [] };
    group.rows.push(row);
    groups.set(key, group);
  }
  const nudge = new Set<string>();
  for (const { want, rows: group } of groups.values()) {
    for (const id of perAccount(tx, group, (plan, part) => engineFor(plan.account).actions.mark(plan, part, want))) nudge.add(id);
  }
  return { restored: rows.length, missing, nudge };
}

function untag(tx: PlanTx, payload: UndoPayloadOf<'tag'>): Outcome {
  const { rows, missing } = existing(
    tx,
    payload.items.map((i) => i.messageId),
  );
  const byId = new Map(rows.map((r) => [r.id, r]));
  const groups = new Map<string, { add: string[]; remove: string[]; rows: ActionRow[] }>();
  for (const item of payload.items) {
    const row = byId.get(item.messageId);
    if (!row) continue;
    const had = new Set(item.had.map((k) => k.toLowerCase()));
    // What the action added that the message did not have goes; what it removed that it had comes back.
    const add = payload.remove.filter((k) => had.has(k.toLowerCase()));
    const remove = payload.add.filter((k) => !had.has(k.toLowerCase()));
    const key = JSON.stringify([add, remove]);
    const group = groups.get(key) ?? { add, remove, rows: [] };
    group.rows.push(row);
    groups.set(key, group);
  }
  const nudge = new Set<string>();
  for (const { add, remove, rows: group } of groups.values()) {
    if (add.length === 0 && remove.length === 0) continue;
    for (const id of perAccount(tx, group, (plan, part) => engineFor(plan.account).actions.tag(plan, part, { add, remove }))) nudge.add(id);
  }
  return { restored: rows.length, missing, nudge };
}

/**
 * A Junk or Not junk taken back: the messages it moved go back where they were (then the keywords, so on
 * the server the flag change finds each message where the move put it), `$Junk` / `$NotJunk` are as they
 * were, and the junk filter forgets the lesson, or has the one from before again.
 */
function unjunk(tx: PlanTx, payload: UndoPayloadOf<'junk'>): Outcome {
  const moved = moveBack(
    tx,
    payload.items.flatMap((i) => (i.from ? [{ messageId: i.messageId, to: i.from }] : [])),
  );
  const { rows, missing } = existing(
    tx,
    payload.items.map((i) => i.messageId),
  );
  const byId = new Map(rows.map((r) => [r.id, r]));
  const added = payload.junk ? JUNK_KEYWORD : NOT_JUNK_KEYWORD;
  const removed = payload.junk ? NOT_JUNK_KEYWORD : JUNK_KEYWORD;
  const groups = new Map<string, { add: string[]; remove: string[]; rows: ActionRow[] }>();
  for (const item of payload.items) {
    const row = byId.get(item.messageId);
    if (!row) continue;
    untrainJunk(tx.db, row.id, payload.junk ? 'junk' : 'not-junk', item.trained);
    const had = new Set(item.had.map((k) => k.toLowerCase()));
    const add = had.has(removed.toLowerCase()) ? [removed] : [];
    const remove = had.has(added.toLowerCase()) ? [] : [added];
    const key = JSON.stringify([add, remove]);
    const group = groups.get(key) ?? { add, remove, rows: [] };
    group.rows.push(row);
    groups.set(key, group);
  }
  const nudge = new Set(moved.nudge);
  for (const { add, remove, rows: group } of groups.values()) {
    if (add.length === 0 && remove.length === 0) continue;
    for (const id of perAccount(tx, group, (plan, part) => engineFor(plan.account).actions.mark(plan, part, { keywords: { add, remove } }))) nudge.add(id);
  }
  return { restored: rows.length, missing: [...new Set([...missing, ...moved.missing])], nudge };
}

function planFor(tx: PlanTx, accountId: string): PlanContext {
  return { ...tx, account: getAccount(tx.db, accountId) };
}

/** A folder made by the action goes again, if it is still empty (else UNDO_CONFLICT: its mail is not thrown away). */
function uncreate(tx: PlanTx, stored: StoredUndo, payload: UndoPayloadOf<'folder-create'>): Outcome {
  const folder = createdFolder(tx, payload);
  if (!folder) throw new HomingError('UNDO_CONFLICT', `"${stored.entry.description}" cannot be undone: the folder was deleted meanwhile.`);
  const subtree = folderSubtree(tx.db, folder).filter((f) => !f.deletedLocally);
  const holding = prepare<[number], { n: number }>(tx.db, 'SELECT count(*) AS n FROM messages WHERE folder_id = ?');
  if (subtree.length > 1 || holding.get(folder.id)!.n > 0) {
    throw new HomingError('UNDO_CONFLICT', `"${stored.entry.description}" cannot be undone: the folder holds mail or folders now. Delete it instead (its mail goes to the Trash).`, {
      path: folder.path,
    });
  }
  const plan = planFor(tx, folder.accountId);
  engineFor(plan.account).folders.remove(plan, folder);
  return { restored: 1, missing: [], nudge: new Set(engineFor(plan.account).mirrorsServer ? [folder.accountId] : []) };
}

/**
 * The folder a create made. Deleted and brought back by the delete's undo, it is the same folder to the
 * user, though maybe another row: one whose CREATE had not gone out lost its row to the delete, and the
 * undo made it again. Undo goes newest first, so whatever stands at its path now is what the create made.
 */
function createdFolder(tx: PlanTx, payload: UndoPayloadOf<'folder-create'>): FolderRow | null {
  const row = findFolderById(tx.db, payload.folderId);
  if (row && !row.deletedLocally) return row;
  const atPath = findFolderByPath(tx.db, payload.accountId, payload.path);
  return atPath && !atPath.deletedLocally ? atPath : null;
}

/** A renamed (or moved) folder gets its old name and place back. */
function unrename(tx: PlanTx, stored: StoredUndo, payload: UndoPayloadOf<'folder-rename'>): Outcome {
  const folder = findFolderById(tx.db, payload.folderId);
  if (!folder || folder.deletedLocally || folder.path !== payload.to) {
    throw new HomingError('UNDO_CONFLICT', `"${stored.entry.description}" cannot be undone: the folder was renamed, moved or deleted again since.`);
  }
  const clash = findFolderByPath(tx.db, folder.accountId, payload.from);
  if (clash && !clash.deletedLocally) throw new HomingError('FOLDER_EXISTS', `A folder ${payload.from} exists again, so the old name cannot be taken back.`, { path: payload.from });
  const delimiter = folder.delimiter;
  const cut = delimiter ? payload.from.lastIndexOf(delimiter) : -1;
  const plan = planFor(tx, folder.accountId);
  engineFor(plan.account).folders.rename(plan, folder, {
    path: payload.from,
    name: cut >= 0 ? payload.from.slice(cut + delimiter!.length) : payload.from,
    parentPath: cut >= 0 ? payload.from.slice(0, cut) : null,
    delimiter,
    specialUse: folder.specialUse,
    subscribed: folder.subscribed,
  });
  return { restored: 1, missing: [], nudge: new Set(engineFor(plan.account).mirrorsServer ? [folder.accountId] : []) };
}

/**
 * A deleted folder comes back (parents first: the same row when its DELETE has not gone out, else made
 * again) and its messages leave the Trash for it.
 */
function undelete(tx: PlanTx, payload: UndoPayloadOf<'folder-delete'>): Outcome {
  const plan = planFor(tx, payload.accountId);
  const engine = engineFor(plan.account);
  const byPath = new Map<string, FolderRow>();
  const nudge = new Set<string>();
  for (const f of payload.folders) {
    const visible = findFolderByPath(tx.db, payload.accountId, f.path);
    if (visible && !visible.deletedLocally) {
      byPath.set(f.path, visible);
      continue;
    }
    const template = findFolderById(tx.db, f.folderId);
    const delimiter = template?.delimiter ?? engine.folders.placeFor(tx.db, payload.accountId, null, 'x').delimiter;
    const cut = delimiter ? f.path.lastIndexOf(delimiter) : -1;
    const made = engine.folders.create(plan, {
      path: f.path,
      name: cut >= 0 ? f.path.slice(cut + delimiter!.length) : f.path,
      parentPath: cut >= 0 ? f.path.slice(0, cut) : null,
      delimiter,
      specialUse: f.specialUse === 'inbox' || f.specialUse === 'trash' ? null : f.specialUse,
      subscribed: f.subscribed,
    });
    byPath.set(f.path, getFolder(tx.db, made.id));
    if (engine.mirrorsServer) nudge.add(payload.accountId);
  }
  const unplaced: number[] = [];
  const back = moveBack(
    tx,
    payload.items.flatMap((i) => {
      const folder = byPath.get(i.path);
      if (!folder) {
        unplaced.push(i.messageId);
        return [];
      }
      return [{ messageId: i.messageId, to: { accountId: folder.accountId, folderId: folder.id, path: folder.path } }];
    }),
  );
  for (const id of back.nudge) nudge.add(id);
  return { restored: back.restored + payload.folders.length, missing: [...back.missing, ...unplaced], nudge };
}
