import { type DragEvent, type MouseEvent, memo } from 'react';
import type { MessageSummary, SearchHighlight } from '../../shared/contract/messages';
import { claimedAddress, displayText, fragmentText, NAME_DISPLAY_MAX, SUBJECT_DISPLAY_MAX } from '../mail/display-text';
import { displayName, fullDate, listDate } from '../mail/format';
import { highlightParts, previewHighlight, stripHighlights, subjectHighlight } from '../mail/highlights';
import { Icon } from './Icon';
import { TagChips } from './TagChips';
import { formatCount } from '../mail/format';

/** Three lines (sender and date, subject, preview), as Apple Mail and Outlook lay them out. */
export const ROW_HEIGHT = 74;

interface RowProps {
  id: number;
  domId: string;
  summary: MessageSummary | undefined;
  top: number;
  index: number;
  count: number;
  selected: boolean;
  focused: boolean;
  /** A context menu is open for this row, which is not selected. */
  menuTarget: boolean;
  showFolder: boolean;
  folderLabel(folderId: number): string;
  /** Sent or Drafts: name the recipients, not the sender (the user). */
  outgoingFolder?: ((folderId: number) => boolean) | undefined;
  highlights: readonly SearchHighlight[] | null;
  onClick(event: MouseEvent, id: number): void;
  onDoubleClick(id: number): void;
  onContextMenu(event: MouseEvent, id: number): void;
  /** Dragging a row carries the selection (or this row alone when it is not selected) to a folder. */
  onDragStart(event: DragEvent, id: number): void;
}

/** One option of the message list. Mail text is shown only as React text: never as markup. */
export const MessageRow = memo(function MessageRow(props: RowProps) {
  const { summary: m } = props;
  const style = { transform: `translateY(${props.top}px)`, height: ROW_HEIGHT };
  const common = {
    id: props.domId,
    role: 'option' as const,
    'aria-selected': props.selected,
    'aria-setsize': props.count,
    'aria-posinset': props.index + 1,
    style,
    onClick: (event: MouseEvent) => props.onClick(event, props.id),
    onDoubleClick: () => props.onDoubleClick(props.id),
    onContextMenu: (event: MouseEvent) => props.onContextMenu(event, props.id),
    draggable: m !== undefined,
    onDragStart: (event: DragEvent) => props.onDragStart(event, props.id),
  };
  const classes = ['message-row', props.selected && 'selected', props.focused && 'focused', props.menuTarget && 'menu-target', m && !m.seen && 'unread'].filter(Boolean).join(' ');

  if (!m) {
    return (
      <div {...common} className={`${classes} placeholder`} aria-label="Loading message">
        <span className="skeleton skeleton-line" />
        <span className="skeleton skeleton-line short" />
      </div>
    );
  }

  // A name that shows another address is not shown: the real address is, with a warning.
  const claimed = claimedAddress(m.from);
  const recipients = props.outgoingFolder?.(m.folderId) === true ? recipientsText(m) : null;
  const sender = recipients ?? (claimed ? displayText(m.from!.address, NAME_DISPLAY_MAX) : displayName(m.from));
  const preview = previewHighlight(props.highlights);
  const subject = subjectHighlight(props.highlights);

  // The option's name comes from its content (what is seen is what is heard); states that are only
  // drawn (the unread dot, icons) are spelled out in hidden text or in the icons' labels.
  return (
    <div {...common} className={classes}>
      <span className="row-status" aria-hidden="true">
        {!m.seen && <span className="unread-dot" />}
      </span>
      <span className="row-line row-top">
        <span className="row-sender" title={recipients !== null ? m.to.map((a) => a.address).join(', ') : m.from?.address}>
          {!m.seen && <span className="visually-hidden">Unread, </span>}
          {claimed && recipients === null && <Icon name="alert" size={12} className="row-spoof" label={`The name shows another address (${displayText(claimed, NAME_DISPLAY_MAX)})`} />}
          <bdi>{sender}</bdi>
        </span>
        {m.threadCount > 1 && (
          <span className="row-thread-count" title={`${formatCount(m.threadCount)} messages in this conversation`}>
            {formatCount(m.threadCount)}
            <span className="visually-hidden"> in conversation</span>
          </span>
        )}
        <time className="row-date" dateTime={m.date ?? undefined} title={fullDate(m.date)}>
          {listDate(m.date)}
        </time>
      </span>
      <span className="row-line row-subject-line">
        <bdi className="row-subject">{subject !== null ? <Marked fragment={subject} /> : displayText(m.subject, SUBJECT_DISPLAY_MAX) || '(no subject)'}</bdi>
        <TagChips flags={m.flags} />
        {m.pendingState && (
          <span className={`row-pending ${m.pendingState}`} title={m.pendingState === 'pending' ? 'Waiting for the server' : 'The server refused this change'}>
            <Icon
              name={m.pendingState === 'pending' ? 'refresh' : 'alert'}
              size={12}
              label={m.pendingState === 'pending' ? 'change waiting for the server' : 'change refused by the server'}
            />
          </span>
        )}
        {m.attachments.length > 0 && <Icon name="paperclip" size={13} className="row-icon" label="has attachments" />}
        {m.flagged && <Icon name="flag" size={13} className="row-icon flag" label="flagged" />}
      </span>
      <span className="row-line row-preview">
        {props.showFolder && <span className="row-folder">{props.folderLabel(m.folderId)}</span>}
        {preview !== null ? (
          <bdi title={fragmentText(stripHighlights(preview))}>
            <Marked fragment={preview} />
          </bdi>
        ) : (
          <bdi>{displayText(m.snippet)}</bdi>
        )}
      </span>
    </div>
  );
});

/** "To: Ines Park, Carol" for a row in Sent or Drafts; "To: (no recipients)" for a draft without any yet. */
function recipientsText(m: MessageSummary): string {
  const names = m.to.map((a) => displayName(a));
  return `To: ${names.length > 0 ? names.join(', ') : '(no recipients)'}`;
}

/** A search fragment as text with its matches in <mark>: never as HTML, never with bidi controls. */
function Marked({ fragment }: { fragment: string }) {
  return highlightParts(fragment).map((part, i) =>
    part.match ? <mark key={i}>{fragmentText(part.text)}</mark> : <span key={i}>{fragmentText(part.text)}</span>,
  );
}
