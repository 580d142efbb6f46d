import { useEffect, useState } from 'react';
import type { DraftSummary, OutboxItem } from '../../shared/contract/outgoing';
import { api } from '../api/client';

export interface Outgoing {
  /** What waits in the outbox (not yet filed), oldest first. */
  outbox: OutboxItem[];
  drafts: DraftSummary[];
  /** The service could not list them (shown where they are shown). */
  error: unknown;
}

/** The outbox and the drafts, kept current by the outboxChanged and draftsChanged events. */
export function useOutgoing(): Outgoing {
  const [state, setState] = useState<Outgoing>({ outbox: [], drafts: [], error: null });
  useEffect(() => {
    let live = true;
    let generation = 0;
    const load = () => {
      const mine = ++generation;
      Promise.all([api.listOutbox({}), api.listDrafts({})]).then(
        ([outbox, drafts]) => live && mine === generation && setState({ outbox, drafts, error: null }),
        (error: unknown) => live && mine === generation && setState((s) => ({ ...s, error })),
      );
    };
    load();
    const stops = [api.on('outboxChanged', load), api.on('draftsChanged', load)];
    return () => {
      live = false;
      stops.forEach((stop) => stop());
    };
  }, []);
  return state;
}
