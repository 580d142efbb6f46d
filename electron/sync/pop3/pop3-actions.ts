import { prepare } from '../../store/db';
import { setServerPolicy } from '../../store/pop3-state';
import { keepHeadersOnly } from './download-later';
import { applyMarks, applyTags } from '../actions/mark-rows';
import { discardLocalOperation } from '../actions/local-only';
import { copyLocally } from '../actions/local-copy';
import { localFolders } from '../actions/local-folders';
import { receiveLocally } from '../actions/local-receive';
import { hideRow, placeRows, removeRows } from '../actions/row-changes';
import type { ActionPlanner, ActionRow } from '../engine';

/**
 * How the POP3 engine plans the user's actions. POP3 has one mailbox and no flags on the server
 * (RFC 1939), so every action is local: the account's other folders, its Trash and its tags are kept
 * here. A delete moves the message to the local Trash, from where it can be undone; only when it leaves
 * the Trash for good (Empty Trash, Delete permanently) does the account's policy act: under "delete from
 * the server when I delete it here" the row is hidden and the next pass sends the DELE (from
 * deleted_locally and pop3_uidls) and removes the row after QUIT; under the other policies the row goes at
 * once and its UIDL stays known, so the server's copy is never downloaded again.
 */
export const pop3Actions: ActionPlanner = {
  mark(plan, rows, want) {
    applyMarks(plan.db, plan.changes, rows, want);
    return false;
  },

  tag(plan, rows, change) {
    applyTags(plan.db, plan.changes, rows, change);
    return false;
  },

  delete(plan, rows) {
    const trash = localFolders.special(plan, 'trash');
    placeRows(plan.db, plan.changes, rows, trash.id);
    return false;
  },

  deleteForGood(plan, rows) {
    const gone: ActionRow[] = [];
    const uidlOf = prepare<[number], { uidl: string | null }>(plan.db, 'SELECT uidl FROM messages WHERE id = ?');
    for (const row of rows) {
      // Only a message this account downloaded has a server copy for the next pass to DELE.
      if (plan.account.settings.pop3Delete.kind === 'when-deleted-locally' && uidlOf.get(row.id)?.uidl) hideRow(plan.db, plan.changes, row);
      else gone.push(row);
    }
    removeRows(plan.db, plan.changes, gone);
    return false;
  },

  move(plan, rows, target) {
    placeRows(plan.db, plan.changes, rows, target.id);
    return false;
  },

  copy: (plan, rows, target) => copyLocally(plan, rows, target),

  /** Mail of another account can be filed in a POP3 account's folders, as in Local Folders. */
  receive: (plan, rows, target) => receiveLocally(plan, rows, target),

  /** The server's copy is left to the account's deletion policy, as for any downloaded message. */
  release: () => false,

  /** Kept per message beside its UIDL; the pass reads it before the account's policy. */
  keepOnServer(plan, rows, keep) {
    setServerPolicy(
      plan.db,
      plan.account.id,
      rows.map((r) => r.id),
      keep ? 'keep' : 'delete',
    );
  },

  downloadLater: (plan, rows) => keepHeadersOnly(plan, rows),

  discard: (plan, op) => discardLocalOperation(plan, op),
};
