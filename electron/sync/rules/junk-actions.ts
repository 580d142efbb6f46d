import type { Account } from '../../../shared/contract/accounts';
import { prepare, type WriteDb } from '../../store/db';
import { type FolderRow, getFolder, upsertFolder } from '../../store/folders';
import type { ActionRow, PlanContext } from '../engine';
import { loadActionRows } from '../actions/action-rows';
import { engineFor } from '../engines';

/** The IMAP keywords for a user's (or a filter's) verdict (RFC 5788 registry; Thunderbird, Apple Mail and Dovecot's antispam plugins read them). */
export const JUNK_KEYWORD = '$Junk';
export const NOT_JUNK_KEYWORD = '$NotJunk';

/**
 * The account's Junk folder: the one with special use `junk`. An account whose folders are the server's
 * (IMAP) uses the server's and has none when the server has none (the keyword still marks the mail);
 * POP3 and Local Folders get a local "Junk" the first time one is needed.
 */
export function junkFolder(db: WriteDb, plan: PlanContext): FolderRow | null {
  const row = prepare<[string], { id: number }>(db, `SELECT id FROM folders WHERE account_id = ? AND special_use = 'junk' ORDER BY id LIMIT 1`).get(plan.account.id);
  if (row) return getFolder(db, row.id);
  if (engineFor(plan.account).mirrorsServer) return null;
  return upsertFolder(db, plan.changes, plan.account.id, { path: 'Junk', name: 'Junk', parentPath: null, delimiter: '/', specialUse: 'junk', subscribed: true });
}

/** The account's inbox, where "Not junk" puts mail back. */
export function inboxFolder(db: WriteDb, account: Account): FolderRow | null {
  const row = prepare<[string], { id: number }>(db, `SELECT id FROM folders WHERE account_id = ? AND special_use = 'inbox' ORDER BY id LIMIT 1`).get(account.id);
  return row ? getFolder(db, row.id) : null;
}

/**
 * Junk: `$Junk` set (and `$NotJunk` cleared) and the messages moved to the account's Junk folder, both
 * through the account's engine, so an IMAP server sees the keyword and the MOVE. Never a delete.
 * Returns whether server work was queued.
 */
export function moveToJunk(plan: PlanContext, rows: readonly ActionRow[], keywords: readonly string[] = [JUNK_KEYWORD]): boolean {
  const actions = engineFor(plan.account).actions;
  const junk = junkFolder(plan.db, plan);
  const away = junk ? rows.filter((r) => r.folderId !== junk.id) : [];
  // Moved first, then marked: the keyword change is queued after the move, so on the server it finds the
  // message in Junk (the move tells the new UID); queued before, it would wait for the folder's next sync.
  let queued = junk && away.length > 0 ? actions.move(plan, away, junk) : false;
  queued = actions.mark(plan, loadActionRows(plan.db, rows.map((r) => r.id)), { keywords: { add: keywords, remove: [NOT_JUNK_KEYWORD] } }) || queued;
  return queued;
}

/** Not junk: `$NotJunk` set, `$Junk` cleared, and what sits in the Junk folder moved back to the inbox. */
export function moveOutOfJunk(plan: PlanContext, rows: readonly ActionRow[]): boolean {
  const actions = engineFor(plan.account).actions;
  const junk = prepare<[string], { id: number }>(plan.db, `SELECT id FROM folders WHERE account_id = ? AND special_use = 'junk'`).all(plan.account.id).map((r) => r.id);
  const inbox = inboxFolder(plan.db, plan.account);
  const back = rows.filter((r) => junk.includes(r.folderId));
  let queued = inbox && back.length > 0 ? actions.move(plan, back, inbox) : false;
  queued = actions.mark(plan, loadActionRows(plan.db, rows.map((r) => r.id)), { keywords: { add: [NOT_JUNK_KEYWORD], remove: [JUNK_KEYWORD] } }) || queued;
  return queued;
}
