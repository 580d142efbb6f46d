import { HomingError } from '../../../shared/errors';
import { applyMarks } from '../actions/mark-rows';
import { discardLocalOperation } from '../actions/local-only';
import { hideRow, placeRow, removeRows } from '../actions/row-changes';
import type { ActionPlanner, ActionRow } from '../engine';

/**
 * How the POP3 engine plans the user's actions. POP3 has one mailbox and no flags on the server
 * (RFC 1939), so every action is local. A delete hides the row when the account deletes from the server
 * on local delete (the inbox pass sends the DELE, from deleted_locally and pop3_uidls, and removes the
 * row after QUIT); under the other policies the row goes at once and its UIDL stays known, so the
 * server's copy is never downloaded again.
 */
export const pop3Actions: ActionPlanner = {
  mark(plan, rows, want) {
    applyMarks(plan.db, plan.changes, rows, want);
    return false;
  },

  delete(plan, rows) {
    const gone: ActionRow[] = [];
    for (const row of rows) {
      if (plan.account.settings.pop3Delete.kind === 'when-deleted-locally') hideRow(plan.db, plan.changes, row);
      else gone.push(row);
    }
    removeRows(plan.db, plan.changes, gone);
    return false;
  },

  move(plan, rows, target) {
    for (const row of rows) if (row.folderId !== target.id) placeRow(plan.db, plan.changes, row, target.id, null);
    return false;
  },

  receive() {
    throw new HomingError('INVALID_ARGUMENT', 'Messages can be moved to another server account only through Local Folders for now.');
  },

  /** The server's copy is left to the account's deletion policy, as for any downloaded message. */
  release: () => false,

  discard: (plan, op) => discardLocalOperation(plan, op),
};
