import { useEffect, useState } from 'react';
import type { PendingOperation } from '../../shared/contract/sync';
import { api } from '../api/client';
import { refusedChangesOf, refusedChangeWords } from '../mail/refused-change';
import { Icon } from './Icon';

/**
 * The reader's note on a message with a change the server refused: the server's words, and "Discard
 * the change" (discardPendingOperation for each refused operation naming it), after which the message
 * shows as the server has it.
 */
export function RefusedChangeNotice({ messageId, accountId, onError }: { messageId: number; accountId: string; onError(error: unknown): void }) {
  const [refused, setRefused] = useState<PendingOperation[] | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    let live = true;
    api.listPendingOperations({ accountId }).then(
      (ops) => live && setRefused(refusedChangesOf(ops, messageId)),
      () => live && setRefused([]),
    );
    return () => {
      live = false;
    };
  }, [messageId, accountId]);
  const discard = async () => {
    setBusy(true);
    try {
      for (const op of refused ?? []) await api.discardPendingOperation({ id: op.id });
    } catch (error) {
      onError(error);
      setBusy(false);
    }
  };
  return (
    <p className="reader-notice warning" role="status">
      <Icon name="alert" size={14} /> {refusedChangeWords(refused ?? [])}
      {refused !== null && refused.length > 0 && (
        <button type="button" className="button small" onClick={() => void discard()} disabled={busy}>
          Discard the change
        </button>
      )}
    </p>
  );
}
