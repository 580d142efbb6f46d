import { useEffect, useState } from 'react';
import type { SyncStatus } from '../../shared/contract/sync';
import { api } from '../api/client';

/** The latest sync status per account: the service's snapshot, then every `syncProgressed` event. */
export function useSyncStatus(): ReadonlyMap<string, SyncStatus> {
  const [statuses, setStatuses] = useState<ReadonlyMap<string, SyncStatus>>(new Map());
  useEffect(() => {
    let live = true;
    const apply = (status: SyncStatus) =>
      setStatuses((current) => {
        const next = new Map(current);
        next.set(status.accountId, status);
        return next;
      });
    const stop = api.on('syncProgressed', (status) => {
      if (live) apply(status);
    });
    api.getSyncStatus({}).then(
      (list) => {
        if (!live) return;
        // Events that arrived while the snapshot was on its way are newer: keep them.
        setStatuses((current) => {
          const next = new Map(list.map((s) => [s.accountId, s] as const));
          for (const [id, status] of current) next.set(id, status);
          return next;
        });
      },
      () => undefined,
    );
    return () => {
      live = false;
      stop();
    };
  }, []);
  return statuses;
}
