import type { Pop3DeletePolicy } from '../../../shared/contract/accounts';
import type { KnownUidl } from '../../store/pop3-state';

/**
 * The decisions of a POP3 pass, as pure functions of the server's listing and what the store knows, so
 * every policy can be unit-tested without a server.
 */

export interface ServerMessage {
  msgno: number;
  uidl: string;
  /** From LIST (octets as the server counts them). */
  size: number;
}

export interface DownloadItem extends ServerMessage {
  /** full = RETR; partial = TOP (headers + first lines) because the message is over the size limit. */
  mode: 'full' | 'partial';
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * What to download, given the listed messages whose UIDL the store has never had (store/pop3-listing.ts:
 * duplicated UIDLs are already left out). Newest first (highest message number first: POP3 numbers
 * messages in arrival order): on a first sync of years of mail the user sees today's mail within seconds,
 * like the IMAP engine's headers-first pass. Order does not matter for safety: each message is committed
 * with its UIDL, so an interrupted pass resumes exactly where it was. Over the size limit (and when the
 * server has TOP), only the headers and first lines are fetched.
 */
export function planDownloads(unknown: readonly ServerMessage[], options: { maxMessageKb: number | null; canTop: boolean }): DownloadItem[] {
  const limit = options.maxMessageKb === null ? null : options.maxMessageKb * 1024;
  return unknown
    .map(({ msgno, uidl, size }): DownloadItem => ({ msgno, uidl, size, mode: limit !== null && options.canTop && size > limit ? 'partial' : 'full' }))
    .sort((a, b) => b.msgno - a.msgno);
}

/**
 * What to DELE under the account's policy, from the listed messages the store knows (store/pop3-listing.ts
 * gives them one at a time: only the chosen ones are kept). Only messages already committed locally
 * qualify (invariant 1): a UIDL the store does not know is never among them, and a message stored only
 * partially (its body exists only on the server) is not deleted — unless the user deleted the local copy.
 */
export function planDeletions(listed: Iterable<ServerMessage & KnownUidl>, policy: Pop3DeletePolicy, now: number): ServerMessage[] {
  const doomed: ServerMessage[] = [];
  for (const m of listed) if (shouldDelete(m, policy, now)) doomed.push({ msgno: m.msgno, uidl: m.uidl, size: m.size });
  return doomed;
}

/**
 * Whether the policy deletes the server's copy of one stored message.
 * - never: no.
 * - after-download: once downloaded in full.
 * - after-days N: downloaded in full at least N days ago.
 * - when-deleted-locally: what the user deleted here (hidden rows waiting for this, or rows already gone).
 * A mail rule's word on one message comes first: `keep` is never deleted (unless the user deleted it
 * here under when-deleted-locally), `delete` is deleted once stored in full, whatever the policy.
 */
export function shouldDelete(k: KnownUidl, policy: Pop3DeletePolicy, now: number): boolean {
  const userDeleted = k.messageId === null || k.deletedLocally;
  if (!userDeleted && k.bodyStatus !== 'full') return false;
  if (k.serverPolicy === 'delete') return true;
  if (k.serverPolicy === 'keep') return policy.kind === 'when-deleted-locally' && userDeleted;
  switch (policy.kind) {
    case 'never':
      return false;
    case 'after-download':
      return true;
    case 'after-days':
      return now - k.downloadedAt >= policy.days * DAY_MS;
    case 'when-deleted-locally':
      return userDeleted;
  }
}
