import type { MethodHandlers } from '../../../shared/contract';
import { notBuilt } from '../../not-built';
import type { SyncRuntime } from '../sync-runtime';
import type { WriterContext } from '../writer-context';

/** The user's actions on messages: applied to the store at once, queued for the server (pending_ops). */
type ActionCommands = 'markMessages' | 'deleteMessages' | 'moveMessages' | 'discardPendingOperation';

export function createActionWrites(_ctx: WriterContext, _runtime: SyncRuntime): MethodHandlers<ActionCommands> {
  return {
    markMessages: notBuilt('markMessages'),
    deleteMessages: notBuilt('deleteMessages'),
    moveMessages: notBuilt('moveMessages'),
    discardPendingOperation: notBuilt('discardPendingOperation'),
  };
}
