import type { MethodHandlers } from '../../shared/contract';
import { findAccount } from '../store/accounts';
import { listPendingOperations } from '../store/operation-queue';
import type { QueryContext } from './query-context';

export function createSyncQueries(ctx: QueryContext): MethodHandlers<'getSyncStatus' | 'listPendingOperations'> {
  return {
    async getSyncStatus() {
      // The last event of each account is kept; a removed account sends none after its last, so its
      // status would stay "live" for as long as the app runs. Only accounts that exist are answered.
      return [...ctx.syncStatus.values()].filter((status) => findAccount(ctx.db, status.accountId) !== null);
    },
    /** Local changes not on the server yet, oldest first; refused ones carry the server's reason. */
    async listPendingOperations({ accountId }) {
      return listPendingOperations(ctx.db, accountId);
    },
  };
}
