import type { DraftSummary, OutboxItem } from '../../shared/contract/outgoing';
import { errorReason } from './error-words';
import { formatCount } from './format';

/** How an outbox item is doing, in words, and what the user may do about it. */
export interface OutboxWords {
  status: string;
  /** The reason, in the server's or Homing's words, when there is one. */
  detail: string | null;
  tone: 'waiting' | 'busy' | 'problem' | 'done';
  actions: Array<'send-now' | 'retry' | 'mark-sent' | 'edit' | 'discard' | 'seen' | 'give-up'>;
}

const time = (iso: string) => new Date(iso).toLocaleString(undefined, { weekday: 'short', day: 'numeric', month: 'short', hour: 'numeric', minute: '2-digit' });

export function outboxWords(item: OutboxItem, now: number): OutboxWords {
  const reason = item.lastError ? errorReason(item.lastError) : null;
  switch (item.state) {
    case 'queued': {
      const later = item.notBefore !== null && Date.parse(item.notBefore) > now;
      if (item.resendOf !== null) {
        // Sent to the others; the server said "not now" for these. Discarding is giving up on them: the others have it.
        return {
          status: `${sentToWords(item)}, not yet to ${listed(item.recipients)}${later ? `; trying again at ${time(item.notBefore!)}` : '; trying again'}`,
          detail: reason,
          tone: 'waiting',
          actions: ['send-now', 'give-up', 'edit'],
        };
      }
      if (item.attempts > 0 && reason) {
        return { status: later ? `Not sent yet; trying again at ${time(item.notBefore!)}` : 'Not sent yet; trying again', detail: reason, tone: 'waiting', actions: ['send-now', 'edit', 'discard'] };
      }
      return { status: later ? `Waiting to send at ${time(item.notBefore!)}` : 'Waiting to send', detail: null, tone: 'waiting', actions: ['send-now', 'edit', 'discard'] };
    }
    case 'sending':
      return { status: 'Sending…', detail: null, tone: 'busy', actions: [] };
    case 'sent':
      if (unseenRefusals(item)) return refusedWords(item, 'the copy for the Sent folder is being filed');
      return { status: 'Sent; the copy for the Sent folder is being filed', detail: reason, tone: 'done', actions: [] };
    case 'filed':
      if (unseenRefusals(item)) return refusedWords(item, null);
      return { status: 'Sent', detail: null, tone: 'done', actions: [] };
    case 'uncertain':
      return {
        status: 'May have been sent',
        detail: `${reason ?? 'The connection ended after the message was handed over.'} Check with a recipient before sending it again.`,
        tone: 'problem',
        actions: ['mark-sent', 'retry', 'edit', 'discard'],
      };
    case 'failed':
      if (item.resendOf !== null) {
        return { status: `${sentToWords(item)}; not sent to ${listed(item.recipients)}`, detail: reason, tone: 'problem', actions: ['retry', 'give-up', 'edit'] };
      }
      return { status: 'Not sent', detail: reason, tone: 'problem', actions: ['retry', 'edit', 'discard'] };
  }
}

const listed = (addresses: string[]) => (addresses.length > 3 ? `${addresses.slice(0, 3).join(', ')} and ${addresses.length - 3} more` : addresses.join(', '));

/** Who a resend's message went to already: named, so the user sees that they have it. */
const sentToWords = (item: OutboxItem) => (item.sentTo.length > 0 ? `Sent to ${listed(item.sentTo)}` : 'Sent to the others');

/** Items the user has to decide about (shown on the Outbox in the folder tree). */
export const needsAttention = (item: OutboxItem) => item.state === 'failed' || item.state === 'uncertain' || (unseenRefusals(item) && (item.state === 'sent' || item.state === 'filed'));

const unseenRefusals = (item: OutboxItem) => item.rejected.length > 0 && !item.refusalsSeen;

/**
 * Sent to the others, refused for some recipients at the server (an unknown mailbox, relaying refused):
 * no bounce will come for them, so the outbox says so until the user has seen it. The server's words are
 * shown beside each address by the list.
 */
function refusedWords(item: OutboxItem, filing: string | null): OutboxWords {
  const names = item.rejected.map((r) => r.address);
  const list = names.length > 3 ? `${names.slice(0, 3).join(', ')} and ${names.length - 3} more` : names.join(', ');
  // A 4xx (RFC 5321 section 4.2.1) was "not now", not "no such address": Homing does not send it to them again by itself.
  const forNow = item.rejected.every((r) => /^4\d\d\b/.test(r.response.trim()));
  return {
    status: `Sent, but not to ${list}${filing ? `; ${filing}` : ''}`,
    detail: forNow
      ? `The server could not take it for ${names.length === 1 ? 'this address' : 'these addresses'} just then, and Homing does not send it again by itself: send it to ${names.length === 1 ? 'that address' : 'them'} again later.`
      : `The server refused ${names.length === 1 ? 'this address' : 'these addresses'}, so ${names.length === 1 ? 'it gets' : 'they get'} nothing, and no bounce will come. Check the address and write again.`,
    tone: 'problem',
    actions: ['seen'],
  };
}

/**
 * An item just put in the outbox with an undo delay: what the "Undo send" toast offers. A "send later" item
 * (long wait) is not one, nor one retried after a failure.
 */
export function undoable(item: OutboxItem, now: number, windowMs = 130_000): boolean {
  if (item.state !== 'queued' || item.attempts > 0 || item.notBefore === null) return false;
  const created = Date.parse(item.createdAt);
  const due = Date.parse(item.notBefore);
  return due > now && due - created <= windowMs;
}

/** Outbox items that never reached the server (waiting, failed, maybe sent): they exist only on this computer. */
export const unsent = (item: OutboxItem) => item.state === 'queued' || item.state === 'sending' || item.state === 'failed' || item.state === 'uncertain';

/**
 * What removing an account takes with it that the server does not have: its unsent messages are only in
 * this computer's outbox, so they are named before the user confirms (null when there are none).
 */
export function unsentLossWords(count: number): string | null {
  if (count === 0) return null;
  return count === 1
    ? 'One message in the Outbox has not been sent; it is only on this computer and will be lost.'
    : `${formatCount(count)} messages in the Outbox have not been sent; they are only on this computer and will be lost.`;
}

/** Drafts the server has no copy of (a POP3 or Local Folders account's, or one not uploaded yet): only on this computer. */
export const localOnlyDraft = (draft: Pick<DraftSummary, 'serverCopy'>) => draft.serverCopy !== 'saved';

/**
 * The messages removing an account takes with it that the server does not have (a POP3 account's mail
 * deleted there after download, its Sent copies); null when there are none.
 */
export function localMailLossWords(count: number): string | null {
  if (count === 0) return null;
  return count === 1
    ? 'One of its messages is not on the server; it is only on this computer and will be lost.'
    : `${formatCount(count)} of its messages are not on the server; they are only on this computer and will be lost.`;
}

/** The drafts removing an account takes with it that the server does not have (null when there are none). */
export function draftLossWords(count: number): string | null {
  if (count === 0) return null;
  return count === 1
    ? 'One draft is not saved on the server; it is only on this computer and will be lost.'
    : `${formatCount(count)} drafts are not saved on the server; they are only on this computer and will be lost.`;
}
