import { applyMarks, applyTags } from '../actions/mark-rows';
import { discardLocalOperation, settleQueue } from '../actions/local-only';
import { copyLocally } from '../actions/local-copy';
import { localFolders } from '../actions/local-folders';
import { receiveLocally } from '../actions/local-receive';
import { placeRows, removeRows } from '../actions/row-changes';
import type { ActionPlanner, SyncEngine } from '../engine';

/**
 * Local Folders: mail kept only here (imported, or moved in from a server account). Every action is the
 * local change alone; a delete goes to its local Trash; its queue only ever holds what it can settle at once.
 */
const localActions: ActionPlanner = {
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
    removeRows(plan.db, plan.changes, rows);
    return false;
  },

  move(plan, rows, target) {
    placeRows(plan.db, plan.changes, rows, target.id);
    return false;
  },

  copy: (plan, rows, target) => copyLocally(plan, rows, target),

  /** A downloaded message becomes local mail (the source engine then decides what happens to the server's copy). */
  receive: (plan, rows, target) => receiveLocally(plan, rows, target),

  release: () => false,

  keepOnServer: () => undefined,
  downloadLater: () => undefined,
  discard: (plan, op) => discardLocalOperation(plan, op),
};

export const localEngine: SyncEngine = {
  hasServer: false,
  mirrorsServer: false,
  actions: localActions,
  folders: localFolders,
  async syncOnce(ctx) {
    // Nothing Local Folders plans needs a server: whatever is queued is done (a damaged one is refused).
    settleQueue(ctx.writer, ctx.account.id, 'Local Folders', () => true);
    return { added: 0 };
  },
};
