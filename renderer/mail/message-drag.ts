import { MESSAGES_DRAG_TYPE } from './move-targets';
import { formatCount } from './format';

/**
 * Fills a drag of messages: their ids under our own type (folders accept only that), a line of text for
 * anything else that takes text, and a small label as the drag image ("3 messages") instead of a
 * picture of one row.
 */
export function startMessageDrag(data: DataTransfer, ids: number[], subject: string): void {
  const what = ids.length === 1 ? subject || '(no subject)' : `${formatCount(ids.length)} messages`;
  data.effectAllowed = 'move';
  data.setData(MESSAGES_DRAG_TYPE, JSON.stringify(ids));
  data.setData('text/plain', what);
  const label = document.createElement('div');
  label.className = 'drag-label';
  label.textContent = what;
  document.body.append(label);
  data.setDragImage(label, 12, 12);
  // The browser takes its picture of the label now; it is not needed once the drag has begun.
  setTimeout(() => label.remove(), 0);
}

/** True when a drag carries messages (its data cannot be read before the drop, only its types). */
export const carriesMessages = (data: DataTransfer | null) => data !== null && [...data.types].includes(MESSAGES_DRAG_TYPE);
