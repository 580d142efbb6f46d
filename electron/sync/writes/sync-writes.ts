import type { MethodHandlers } from '../../../shared/contract';
import type { WriterContext } from '../writer-context';
import { notBuilt } from '../../not-built';

type SyncCommands = 'syncAccounts' | 'startWatching' | 'stopWatching' | 'discardPendingOperation';

export function createSyncWrites(_ctx: WriterContext): MethodHandlers<SyncCommands> {
  return {
    syncAccounts: notBuilt('syncAccounts'),
    startWatching: notBuilt('startWatching'),
    stopWatching: notBuilt('stopWatching'),
    discardPendingOperation: notBuilt('discardPendingOperation'),
  };
}
