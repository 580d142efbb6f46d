import { useEffect, useState } from 'react';
import type { MessageSummary } from '../../shared/contract/messages';
import { api } from '../api/client';
import { coalesce } from '../mail/coalesce';

/** The messages of a conversation, oldest first; null while loading or when there is no thread. */
export function useThread(threadId: number | null): MessageSummary[] | null {
  const [state, setState] = useState<{ threadId: number | null; messages: MessageSummary[] | null }>({ threadId: null, messages: null });
  useEffect(() => {
    if (threadId === null) return;
    let live = true;
    const refresh = coalesce(async () => {
      try {
        const messages = await api.getThread({ threadId });
        if (live) setState({ threadId, messages });
      } catch {
        if (live) setState({ threadId, messages: null });
      }
    });
    refresh();
    const stop = api.on('messagesChanged', refresh);
    return () => {
      live = false;
      stop();
    };
  }, [threadId]);
  return threadId !== null && state.threadId === threadId ? state.messages : null;
}
