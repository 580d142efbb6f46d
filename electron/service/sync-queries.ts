import type { MethodHandlers } from '../../shared/contract';
import { listPendingOperations } from '../store/operation-queue';
import type { QueryContext } from './query-context';

export function createSyncQueries(ctx: QueryContext): MethodHandlers<'getSyncStatus' | 'listPendingOperations'> {
  return {
    async getSyncStatus() {
      return [...ctx.syncStatus.values()];
    },
    /** Local changes not on the server yet, oldest first; refused ones carry the server's reason. */
    async listPendingOperations({ accountId }) {
      return listPendingOperations(ctx.db, accountId);
    },
  };
}
