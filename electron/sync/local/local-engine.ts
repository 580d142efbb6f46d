import { HomingError } from '../../../shared/errors';
import { applyMarks } from '../actions/mark-rows';
import { discardLocalOperation, settleQueue } from '../actions/local-only';
import { placeRow, rehomeRow, removeRows } from '../actions/row-changes';
import type { ActionPlanner, SyncEngine } from '../engine';

/**
 * Local Folders: mail kept only here (imported, or moved in from a server account). Every action is the
 * local change alone; its queue only ever holds what it can settle at once.
 */
const localActions: ActionPlanner = {
  mark(plan, rows, want) {
    applyMarks(plan.db, plan.changes, rows, want);
    return false;
  },

  delete(plan, rows) {
    removeRows(plan.db, plan.changes, rows);
    return false;
  },

  move(plan, rows, target) {
    for (const row of rows) if (row.folderId !== target.id) placeRow(plan.db, plan.changes, row, target.id, null);
    return false;
  },

  /** A downloaded message becomes local mail (the source engine then decides what happens to the server's copy). */
  receive(plan, rows, target) {
    if (rows.some((row) => row.bodyStatus !== 'full')) {
      throw new HomingError('INVALID_ARGUMENT', 'Only messages downloaded in full can be moved to Local Folders: open the message first.');
    }
    for (const row of rows) rehomeRow(plan.db, plan.changes, row, { accountId: target.accountId, id: target.id });
    return false;
  },

  release: () => false,

  discard: (plan, op) => discardLocalOperation(plan, op),
};

export const localEngine: SyncEngine = {
  hasServer: false,
  mirrorsServer: false,
  actions: localActions,
  async syncOnce(ctx) {
    // Nothing Local Folders plans needs a server: whatever is queued is done (a damaged one is refused).
    settleQueue(ctx.writer, ctx.account.id, 'Local Folders', () => true);
    return { added: 0 };
  },
};
