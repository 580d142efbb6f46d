import { useEffect, useRef } from 'react';
import type { MessageSummary } from '../../shared/contract/messages';
import { api } from '../api/client';

/** A clicked new-mail notification names a message: `show` it (its folder opened, it selected). */
export function useOpenMessageRequests(show: (summary: MessageSummary) => void, report: (error: unknown) => void): void {
  const latest = useRef({ show, report });
  useEffect(() => {
    latest.current = { show, report };
  });
  useEffect(
    () =>
      api.on('openMessageRequested', ({ messageId }) => {
        api.getMessageSummaries({ ids: [messageId] }).then(([summary]) => {
          if (summary) latest.current.show(summary);
        }, latest.current.report);
      }),
    [],
  );
}
