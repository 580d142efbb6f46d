import type { MessageSort } from '../../shared/contract/messages';
import { HomingError } from '../../shared/errors';

type Direction = 'ASC' | 'DESC';

/** A column a list may be ordered by before its date (migrations 0008 and 0015 index each with the folder). */
export type OrderKey = 'sender_key' | 'recipient_key' | 'subject_key' | 'size';

/**
 * A list order as SQL writes it: an optional leading key, then (date, id). Each keyed order has one index,
 * (folder_id, key, date DESC, id DESC), read forwards for one direction and backwards for the other, so
 * the two directions are exact reverses of each other.
 */
export interface MessageOrder {
  key: OrderKey | null;
  keyDirection: Direction;
  dateDirection: Direction;
}

const orders: Record<MessageSort, MessageOrder> = {
  'date-desc': { key: null, keyDirection: 'DESC', dateDirection: 'DESC' },
  'date-asc': { key: null, keyDirection: 'ASC', dateDirection: 'ASC' },
  'sender-asc': { key: 'sender_key', keyDirection: 'ASC', dateDirection: 'DESC' },
  'sender-desc': { key: 'sender_key', keyDirection: 'DESC', dateDirection: 'ASC' },
  'subject-asc': { key: 'subject_key', keyDirection: 'ASC', dateDirection: 'DESC' },
  'subject-desc': { key: 'subject_key', keyDirection: 'DESC', dateDirection: 'ASC' },
  'size-asc': { key: 'size', keyDirection: 'ASC', dateDirection: 'DESC' },
  'size-desc': { key: 'size', keyDirection: 'DESC', dateDirection: 'ASC' },
};

/**
 * The order of a sort. In a folder of the user's own mail (Sent, Drafts: `outgoing`), whose rows name the
 * recipients instead of the sender (the user, on every row), the sender orders sort by those recipients.
 */
export function messageOrder(sort: MessageSort, options: { outgoing?: boolean } = {}): MessageOrder {
  const order = orders[sort];
  return options.outgoing && order.key === 'sender_key' ? { ...order, key: 'recipient_key' } : order;
}

/** `ORDER BY` terms for the order, on columns of `alias` (`m.` or nothing). */
export function orderBySql(order: MessageOrder, alias: string): string {
  const key = order.key ? `${alias}${order.key} ${order.keyDirection}, ` : '';
  return `${key}${alias}date ${order.dateDirection}, ${alias}id ${order.dateDirection}`;
}

/** Where a row stands in its list: its key (null in date order), date and id. (key, date, id) is unique. */
export interface Position {
  key: string | number | null;
  date: number;
  id: number;
}

/**
 * SQLite orders TEXT by its UTF-8 bytes (BINARY), which is code point order; JavaScript's `<` compares
 * UTF-16 units, which differs above U+FFFF. Lists merged here must agree with the index.
 */
function compareKeys(a: string | number | null, b: string | number | null): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return Buffer.compare(Buffer.from(String(a ?? '')), Buffer.from(String(b ?? '')));
}

/** The order of two rows, as SQL would put them (for merging several folders' pages). */
export function comparePositions(order: MessageOrder, a: Position, b: Position): number {
  if (order.key) {
    const byKey = compareKeys(a.key, b.key);
    if (byKey !== 0) return order.keyDirection === 'ASC' ? byKey : -byKey;
  }
  const byDate = a.date - b.date || a.id - b.id;
  return order.dateDirection === 'ASC' ? byDate : -byDate;
}

/** An opaque cursor: `[date, id]` in date order (as before sorting existed), `[key, date, id]` otherwise. */
export function encodeCursor(position: Position): string {
  const value = position.key === null ? [position.date, position.id] : [position.key, position.date, position.id];
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

export function decodeCursor(cursor: string, order: MessageOrder): Position {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value)) {
      const [date, id] = value.slice(-2) as unknown[];
      const key: unknown = order.key ? value[0] : null;
      const keyFits = order.key === null ? value.length === 2 : value.length === 3 && (order.key === 'size' ? Number.isSafeInteger(key) : typeof key === 'string');
      if (keyFits && Number.isSafeInteger(date) && Number.isSafeInteger(id)) return { key: key as Position['key'], date: date as number, id: id as number };
    }
  } catch {
    // Fall through to the error below.
  }
  throw new HomingError('INVALID_ARGUMENT', 'The page cursor is not one this list handed out.');
}
