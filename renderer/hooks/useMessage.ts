import { useEffect, useState } from 'react';
import type { MessageDetail } from '../../shared/contract/messages';
import { api } from '../api/client';
import { coalesce } from '../mail/coalesce';

export type MessageState =
  | { status: 'idle' }
  | { status: 'loading' }
  | { status: 'ready'; message: MessageDetail }
  | { status: 'failed'; error: unknown };

/** One message in full, refetched when a change event names it (flags set elsewhere, body completed). */
export function useMessage(id: number | null): MessageState {
  const [state, setState] = useState<{ id: number | null; state: MessageState }>({ id: null, state: { status: 'idle' } });
  useEffect(() => {
    if (id === null) return;
    let live = true;
    const refresh = coalesce(async () => {
      try {
        const message = await api.getMessage({ id });
        if (live) setState({ id, state: { status: 'ready', message } });
      } catch (error) {
        if (live) setState({ id, state: { status: 'failed', error } });
      }
    });
    refresh();
    const stop = api.on('messagesChanged', (change) => {
      if (change.messageIds.includes(id)) refresh();
    });
    return () => {
      live = false;
      stop();
    };
  }, [id]);
  if (id === null) return { status: 'idle' };
  return state.id === id ? state.state : { status: 'loading' };
}
