import { useCallback, useEffect, useRef } from 'react';
import type { MailClient } from '../../shared/client';
import type { RowStore } from '../mail/row-store';
import { markReadDelay, type ReadingPreferences } from '../mail/reading-preferences';

export interface MarkReadOnOpen {
  /** The user marked these messages read or unread: an opening they belong to marks nothing any more. */
  noteUserMarked(ids: readonly number[]): void;
}

/**
 * Marks the opened message read, once per opening: an opening starts when a message alone becomes the
 * reader's message, and it decides then, from the state the message had at that moment. A message that
 * was already read is left alone; one the user marks read or unread while it is open is never marked
 * again by this (pressing "Mark as unread" on an open message must stick). With a delay, the message must
 * stay open that long; moving on first leaves it unread.
 */
export function useMarkReadOnOpen(options: {
  openId: number | null;
  store: RowStore;
  api: MailClient;
  preferences: ReadingPreferences;
  report(error: unknown): void;
}): MarkReadOnOpen {
  const { openId } = options;
  const latest = useRef(options);
  useEffect(() => {
    latest.current = options;
  });
  const opening = useRef<{ id: number; userChanged: boolean } | null>(null);
  const delay = markReadDelay(options.preferences);

  useEffect(() => {
    if (openId === null) {
      opening.current = null;
      return;
    }
    const current = { id: openId, userChanged: false };
    opening.current = current;
    const { store } = latest.current;
    if (delay === null || store.get(openId)?.seen !== false) return;
    const mark = () => {
      const { store: nowStore, api, report } = latest.current;
      if (opening.current !== current || current.userChanged || nowStore.get(openId)?.seen !== false) return;
      nowStore.patch([openId], { seen: true });
      api.markMessages({ ids: [openId], seen: true }).catch((error: unknown) => {
        nowStore.patch([openId], { seen: false });
        report(error);
      });
    };
    if (delay === 0) {
      mark();
      return;
    }
    const timer = setTimeout(mark, delay);
    return () => clearTimeout(timer);
    // One decision per opening: changes of the row itself (read by the user, refreshed) start no new one.
    // eslint-disable-next-line react-hooks/exhaustive-deps -- keyed on the opening, not on the row's state
  }, [openId]);

  const noteUserMarked = useCallback((ids: readonly number[]) => {
    const current = opening.current;
    if (current && ids.includes(current.id)) current.userChanged = true;
  }, []);
  return { noteUserMarked };
}
