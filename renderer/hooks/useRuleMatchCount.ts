import { useEffect, useState } from 'react';
import { api } from '../api/client';
import { errorSentence } from '../mail/error-words';
import { formatCount } from '../mail/format';

/** How long typing must pause before the count is asked again. */
const PAUSE_MS = 250;

export type MatchCount = { state: 'idle' } | { state: 'counting' } | { state: 'counted'; count: number } | { state: 'invalid'; problem: string };

/**
 * The editor's live count: how many stored messages the query matches in the scope, asked again once
 * typing pauses and whenever mail changes. A query that does not parse gets the service's INVALID_QUERY
 * words instead. An answer to an older query is dropped.
 */
export function useRuleMatchCount(query: string, accountId: string | null): MatchCount {
  const text = query.trim();
  const [generation, setGeneration] = useState(0);
  const key = JSON.stringify([text, accountId, generation]);
  // The last answer and the query it was for: an answer for another query counts as "counting".
  const [answer, setAnswer] = useState<{ key: string; count: MatchCount } | null>(null);
  useEffect(() => api.on('messagesChanged', () => setGeneration((g) => g + 1)), []);
  useEffect(() => {
    if (text === '') return;
    let live = true;
    const timer = setTimeout(() => {
      api.countRuleMatches({ query: text, accountId }).then(
        ({ count }) => live && setAnswer({ key, count: { state: 'counted', count } }),
        (error: unknown) => live && setAnswer({ key, count: { state: 'invalid', problem: errorSentence(error) } }),
      );
    }, PAUSE_MS);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [text, accountId, key]);
  if (text === '') return { state: 'idle' };
  if (answer?.key === key) return answer.count;
  // Mail changed under the same query: keep showing the last count until the new one comes.
  if (answer && answer.count.state === 'counted' && answer.key.startsWith(JSON.stringify([text, accountId]).slice(0, -1))) return answer.count;
  return { state: 'counting' };
}

/** "Matches 12 existing messages" and the like. */
export function matchWords(count: MatchCount): string {
  switch (count.state) {
    case 'idle':
      return '';
    case 'counting':
      return 'Counting…';
    case 'counted':
      return count.count === 1 ? 'Matches 1 existing message' : `Matches ${formatCount(count.count)} existing messages`;
    case 'invalid':
      return count.problem;
  }
}
