import type { MethodHandlers } from '../../../shared/contract';
import type { OutboxRunner } from '../outgoing/outbox-runner';
import type { SyncRuntime } from '../sync-runtime';

type SyncCommands = 'syncAccounts' | 'startWatching' | 'stopWatching' | 'reconnectAccounts';

/** While accounts are watched (the app), the outbox sends on its own as messages become due. */
export function createSyncWrites(runtime: SyncRuntime, outbox: OutboxRunner): MethodHandlers<SyncCommands> {
  return {
    syncAccounts: async ({ accountIds }) => runtime.syncAccounts(accountIds),
    startWatching: async ({ accountIds }) => {
      runtime.startWatching(accountIds);
      outbox.setAutomatic(true);
      void outbox.flush().catch(() => undefined);
    },
    stopWatching: async ({ accountIds }) => {
      // Only "stop everything" stops the outbox's timer; one account stopping leaves the others sending.
      if (!accountIds) outbox.setAutomatic(false);
      return runtime.stopWatching(accountIds);
    },
    reconnectAccounts: async ({ reason }) => {
      // The network is back: what waited for it goes now, as the watch loops reconnect.
      void outbox.flush().catch(() => undefined);
      return runtime.reconnectAll(reason);
    },
  };
}
