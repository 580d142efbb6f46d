import { useEffect, useRef } from 'react';
import type { MessageSummary } from '../../shared/contract/messages';
import { displayText, SUBJECT_DISPLAY_MAX } from '../mail/display-text';
import { displayName, listDate } from '../mail/format';
import { Icon } from './Icon';
import { formatCount } from '../mail/format';

export interface ConversationStripProps {
  messages: MessageSummary[] | null;
  count: number;
  shownId: number;
  open: boolean;
  onToggle(): void;
  onShow(id: number): void;
  /**
   * True once when the shown message was just picked in the strip: its entry takes the focus. The reader
   * replaced the strip (and the focused entry with it) while the message loaded, which left the focus on
   * the document.
   */
  claimFocus?(id: number): boolean;
}

/** The conversation a message belongs to (getThread), oldest first; pick one to read it here. */
export function ConversationStrip({ messages, count, shownId, open, onToggle, onShow, claimFocus }: ConversationStripProps) {
  // The open message is in view in the strip (a long conversation scrolls), whichever one it is.
  const currentRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    currentRef.current?.scrollIntoView({ block: 'nearest' });
    if (currentRef.current && claimFocus?.(shownId)) currentRef.current.focus();
  }, [shownId, messages, open, claimFocus]);
  return (
    <section className={`conversation ${open ? 'open' : ''}`} aria-label="Conversation">
      <button type="button" className="conversation-toggle" aria-expanded={open} onClick={onToggle}>
        <Icon name={open ? 'chevron-down' : 'chevron-right'} size={14} />
        <Icon name="thread" size={14} />
        {formatCount(count)} messages in this conversation
      </button>
      {open && (
        <ol className="conversation-list">
          {messages === null && <li className="muted conversation-loading">Loading the conversation…</li>}
          {messages?.map((m) => (
            <li key={m.id}>
              <button
                ref={m.id === shownId ? currentRef : undefined}
                type="button"
                className={`conversation-item ${m.id === shownId ? 'current' : ''} ${m.seen ? '' : 'unread'}`}
                aria-current={m.id === shownId ? 'true' : undefined}
                onClick={() => onShow(m.id)}
              >
                <bdi className="conversation-from">{displayName(m.from)}</bdi>
                <bdi className="conversation-snippet">{displayText(m.snippet || m.subject, SUBJECT_DISPLAY_MAX)}</bdi>
                <span className="conversation-folder muted">{m.folder.toUpperCase() === 'INBOX' ? 'Inbox' : (m.folder.split(/[/.]/).pop() ?? m.folder)}</span>
                <span className="conversation-date">{listDate(m.date)}</span>
              </button>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
