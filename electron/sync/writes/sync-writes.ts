import type { MethodHandlers } from '../../../shared/contract';
import type { SyncRuntime } from '../sync-runtime';

type SyncCommands = 'syncAccounts' | 'startWatching' | 'stopWatching' | 'reconnectAccounts';

export function createSyncWrites(runtime: SyncRuntime): MethodHandlers<SyncCommands> {
  return {
    syncAccounts: async ({ accountIds }) => runtime.syncAccounts(accountIds),
    startWatching: async ({ accountIds }) => runtime.startWatching(accountIds),
    stopWatching: async ({ accountIds }) => runtime.stopWatching(accountIds),
    reconnectAccounts: async () => runtime.reconnectAll(),
  };
}
