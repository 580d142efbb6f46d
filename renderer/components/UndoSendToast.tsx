import { useState } from 'react';
import type { ComposeIntent } from '../../shared/compose-intent';
import type { OutboxItem } from '../../shared/contract/outgoing';
import { api } from '../api/client';
import { useNow } from '../hooks/useNow';
import { undoable } from '../mail/outbox-words';
import { Icon } from './Icon';
import { formatCount } from '../mail/format';

export interface UndoSendToastProps {
  outbox: OutboxItem[];
  onCompose(intent: ComposeIntent): void;
  report(error: unknown): void;
}

/**
 * "Sending in 8 s — Undo" for a message just sent from a composer, while the outbox holds it back (the
 * account's undo delay). Undo takes it out of the outbox as a draft, exactly as it was sent, and opens it in
 * the composer, so what goes out next is the edit, never the earlier version (Mailspring #390).
 */
export function UndoSendToast({ outbox, onCompose, report }: UndoSendToastProps) {
  const now = useNow(1000);
  const waiting = outbox.filter((item) => undoable(item, now));
  const [undoing, setUndoing] = useState<number | null>(null);
  const item = waiting[waiting.length - 1];
  if (!item) return null;
  const seconds = Math.max(1, Math.ceil((Date.parse(item.notBefore!) - now) / 1000));
  return (
    <div className="toast" role="status" aria-live="polite" data-testid="undo-send">
      <Icon name="send" size={14} />
      <span>
        Sending “{item.subject || '(no subject)'}” in {seconds} s{waiting.length > 1 ? ` (and ${formatCount(waiting.length - 1)} more)` : ''}
      </span>
      <button
        type="button"
        className="button small"
        disabled={undoing === item.id}
        onClick={() => {
          setUndoing(item.id);
          api.cancelOutbox({ id: item.id }).then(({ draftId }) => onCompose({ kind: 'draft', draftId }), (error: unknown) => {
            setUndoing(null);
            report(error);
          });
        }}
      >
        Undo
      </button>
    </div>
  );
}
