import { useEffect, useState } from 'react';
import type { MessageDetail } from '../../shared/contract/messages';
import { api } from '../api/client';
import { normaliseContentId } from '../mail/sanitize-html';

/** Inline images larger than this are not turned into data: URLs (the attachment list still offers them). */
const MAX_INLINE_BYTES = 20 * 1024 * 1024;

/**
 * The message's `cid:` parts as data: URLs (RFC 2392), which the frame's CSP allows: a sandboxed frame has
 * an opaque origin and cannot fetch anything of ours. Null until every part is loaded, so the frame is
 * drawn once, with its images.
 */
export function useInlineImages(message: MessageDetail | null): ReadonlyMap<string, string> | null {
  const [state, setState] = useState<{ id: number | null; urls: ReadonlyMap<string, string> | null }>({ id: null, urls: null });
  const parts = message
    ? message.attachmentList.filter((a) => a.contentId && a.contentType.toLowerCase().startsWith('image/') && a.size <= MAX_INLINE_BYTES)
    : [];
  const needed = message !== null && message.html !== null && parts.length > 0;
  const messageId = message?.id ?? null;
  const key = parts.map((p) => p.id).join(',');

  useEffect(() => {
    if (!needed || messageId === null) return;
    let live = true;
    const wanted = parts;
    void Promise.all(
      wanted.map(async (part) => {
        try {
          const file = await api.getAttachment({ messageId, attachmentId: part.id });
          const type = /^image\/[\w.+-]+$/i.test(file.contentType) ? file.contentType : part.contentType;
          return [normaliseContentId(part.contentId!), `data:${type};base64,${file.base64}`] as const;
        } catch {
          return null;
        }
      }),
    ).then((entries) => {
      if (live) setState({ id: messageId, urls: new Map(entries.filter((e) => e !== null)) });
    });
    return () => {
      live = false;
    };
    // `key` stands for `parts`, which is a new array on every render.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [messageId, needed, key]);

  if (!message) return null;
  if (!needed) return EMPTY;
  return state.id === message.id ? state.urls : null;
}

const EMPTY: ReadonlyMap<string, string> = new Map();
