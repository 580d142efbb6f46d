import { useEffect, useState, useSyncExternalStore } from 'react';
import type { MessageSort, SearchHighlight, SearchHit } from '../../shared/contract/messages';
import { api } from '../api/client';
import { HitsInPlace } from '../mail/hits-in-place';
import { RowStore, type RowSource } from '../mail/row-store';

/** What the message list shows: a mailbox in some order, or the hits of a search. */
export type ListQuery =
  | { kind: 'mailbox'; mailbox: { folderId: number } | { unified: 'inbox' }; sort: MessageSort }
  | { kind: 'search'; query: string };

export const listQueryKey = (q: ListQuery): string =>
  q.kind === 'search' ? `search:${q.query}` : `${'folderId' in q.mailbox ? `folder:${q.mailbox.folderId}` : 'unified'}:${q.sort}`;

export interface SearchInfo {
  total: number;
  /** Highlighted fragments by message id. */
  highlights: ReadonlyMap<number, readonly SearchHighlight[]>;
}

export interface ListView {
  store: RowStore;
  /** Bumps whenever ids or rows change (use it as a dependency). */
  version: number;
  search: SearchInfo | null;
}

/** Rows in the first page: a tall window shows about 15; the rest is overscan. */
const FIRST_PAGE = 40;

function makeSource(query: ListQuery, onSearch: (info: SearchInfo) => void): { source: RowSource; initial: SearchHit[]; hits?: HitsInPlace } {
  if (query.kind === 'mailbox') {
    return {
      source: {
        loadIds: () => api.listMessageIds({ mailbox: query.mailbox, sort: query.sort }),
        loadSummaries: (ids) => api.getMessageSummaries({ ids }),
        loadFirstPage: async () => (await api.listMessages({ mailbox: query.mailbox, sort: query.sort, limit: FIRST_PAGE })).messages,
      },
      initial: [],
    };
  }
  const inPlace = new HitsInPlace();
  return {
    source: {
      async loadIds() {
        const { hits, total } = await api.search({ query: query.query, limit: 1000 });
        const kept = inPlace.keep(hits);
        onSearch({ total: total - (hits.length - kept.length), highlights: new Map(kept.map((h) => [h.id, h.highlights])) });
        return kept.map((h) => h.id);
      },
      loadSummaries: (ids) => api.getMessageSummaries({ ids }),
    },
    initial: [],
    hits: inPlace,
  };
}

/**
 * The row store behind the message list for one query, kept live: a change event refetches the rows it
 * names and, when it touches this mailbox, the id list (the list keeps selection and scroll position
 * across that: MessageList and selection.ts).
 */
export function useListView(query: ListQuery): ListView {
  const key = listQueryKey(query);
  const [holder, setHolder] = useState(() => create(query, key));
  // A new query replaces the store during render (React's "adjust state when a prop changes").
  let current = holder;
  if (holder.key !== key) {
    current = create(query, key);
    setHolder(current);
  }
  const { store, hits } = current;
  const version = useSyncExternalStore(store.subscribe, store.getVersion);

  useEffect(() => {
    void store.reload();
    const folderId = query.kind === 'mailbox' && 'folderId' in query.mailbox ? query.mailbox.folderId : null;
    const stop = api.on('messagesChanged', (change) => {
      store.invalidate(change.messageIds);
      const touches =
        query.kind === 'search'
          ? // A hit that left the results (deleted, moved) comes back when it returns (Undo).
            change.messageIds.some((id) => store.indexOf(id) >= 0 || hits?.seen(id) === true)
          : folderId === null || change.folderIds.includes(folderId);
      if (touches) void store.reload();
    });
    // An account added or removed (its mail with it), or folders changed: the unified inbox and search
    // results span accounts, and a removed folder's list must empty.
    const reload = () => void store.reload();
    const stops = [stop, api.on('accountsChanged', reload), api.on('foldersChanged', reload)];
    return () => stops.forEach((s) => s());
    // The store is created for exactly this query (its key); `query` is read through that.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [store]);

  return { store, version, search: current.search.info };
}

function create(query: ListQuery, key: string) {
  const search: { info: SearchInfo | null } = { info: null };
  const { source, initial, hits } = makeSource(query, (info) => {
    search.info = info;
  });
  return { key, store: new RowStore(source, initial), search, hits };
}
