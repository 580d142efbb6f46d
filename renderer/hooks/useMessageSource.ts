import { useEffect, useState } from 'react';
import { api } from '../api/client';

/** More than this is cut in "view source" (the whole file is still saved by export): a frame with 50 MB of text is unusable. */
const MAX_SOURCE_CHARS = 2 * 1024 * 1024;

export type SourceState = { status: 'loading' } | { status: 'ready'; text: string; size: number; truncated: boolean } | { status: 'failed'; error: unknown };

/** The stored RFC 822 source as text (decoded as UTF-8 with replacement: raw bytes may be in any charset). */
export function useMessageSource(id: number | null): SourceState | null {
  const [state, setState] = useState<{ id: number | null; state: SourceState }>({ id: null, state: { status: 'loading' } });
  useEffect(() => {
    if (id === null) return;
    let live = true;
    api.getMessageSource({ id }).then(
      ({ base64, size }) => {
        const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
        const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
        const truncated = text.length > MAX_SOURCE_CHARS;
        if (live) setState({ id, state: { status: 'ready', text: truncated ? text.slice(0, MAX_SOURCE_CHARS) : text, size, truncated } });
      },
      (error: unknown) => {
        if (live) setState({ id, state: { status: 'failed', error } });
      },
    );
    return () => {
      live = false;
    };
  }, [id]);
  if (id === null) return null;
  return state.id === id ? state.state : { status: 'loading' };
}
