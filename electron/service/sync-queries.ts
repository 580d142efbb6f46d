import type { MethodHandlers } from '../../shared/contract';
import { notBuilt } from '../not-built';
import type { QueryContext } from './query-context';

export function createSyncQueries(ctx: QueryContext): MethodHandlers<'getSyncStatus' | 'listPendingOperations'> {
  return {
    async getSyncStatus() {
      return [...ctx.syncStatus.values()];
    },
    listPendingOperations: notBuilt('listPendingOperations'),
  };
}
