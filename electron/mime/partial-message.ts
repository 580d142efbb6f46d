import type { Headers } from 'mailparser';
import type { ReadingNote } from './parse-message';

/**
 * message/partial (RFC 2046 §5.2.2): a message too large for some gateway, split by the sender's mailer
 * into numbered parts sent as messages of their own (old Outlook Express and Netscape, some mailing
 * gateways still do). Each part is an opaque message/partial attachment to a reader that does not know
 * the type; the reader says which part of how many it is, under which id.
 */
export function partialNote(headers: Headers): ReadingNote[] {
  const type = headers.get('content-type') as { value?: string; params?: Record<string, string> } | undefined;
  if (!type || typeof type !== 'object' || type.value?.toLowerCase() !== 'message/partial') return [];
  const params = type.params ?? {};
  const number = Number.parseInt(params.number ?? '', 10);
  const total = Number.parseInt(params.total ?? '', 10);
  const id = (params.id ?? '').trim();
  if (!id || !(number >= 1)) return [];
  return [{ kind: 'partial', number, total: total >= number ? total : null, id }];
}
