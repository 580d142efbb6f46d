import { useEffect, useState } from 'react';
import type { Folder } from '../../shared/contract/messages';
import { api } from '../api/client';
import { coalesce } from '../mail/coalesce';

export interface FoldersState {
  folders: Folder[];
  loaded: boolean;
  error: unknown;
}

/**
 * Every folder of every account. Unread and offline counts move with every sync commit, so it refetches
 * on message changes too (coalesced: one query in flight, at most one queued).
 */
export function useFolders(): FoldersState {
  const [state, setState] = useState<FoldersState>({ folders: [], loaded: false, error: null });
  useEffect(() => {
    let live = true;
    const refresh = coalesce(async () => {
      try {
        const folders = await api.listFolders({});
        if (live) setState({ folders, loaded: true, error: null });
      } catch (error) {
        if (live) setState((s) => ({ ...s, loaded: true, error }));
      }
    });
    refresh();
    const stops = [api.on('foldersChanged', refresh), api.on('messagesChanged', refresh), api.on('accountsChanged', refresh)];
    return () => {
      live = false;
      stops.forEach((stop) => stop());
    };
  }, []);
  return state;
}
