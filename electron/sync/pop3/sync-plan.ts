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
 * Joins UIDL and LIST by message number. A UIDL listed twice (a broken server) identifies nothing: both
 * copies are left out of every decision, so neither is downloaded twice nor deleted by mistake.
 */
export function serverMessages(uidls: ReadonlyArray<{ msgno: number; uidl: string }>, sizes: ReadonlyArray<{ msgno: number; size: number }>): {
  messages: ServerMessage[];
  duplicates: string[];
} {
  const sizeOf = new Map(sizes.map((s) => [s.msgno, s.size]));
  const count = new Map<string, number>();
  for (const { uidl } of uidls) count.set(uidl, (count.get(uidl) ?? 0) + 1);
  const messages: ServerMessage[] = [];
  for (const { msgno, uidl } of uidls) {
    if (count.get(uidl)! > 1) continue;
    messages.push({ msgno, uidl, size: sizeOf.get(msgno) ?? 0 });
  }
  return { messages, duplicates: [...count].filter(([, n]) => n > 1).map(([uidl]) => uidl) };
}

/**
 * What to download: every message whose UIDL the store has never had. Newest first (highest message
 * number first: POP3 numbers messages in arrival order): on a first sync of years of mail the user sees
 * today's mail within seconds, like the IMAP engine's headers-first pass. Order does not matter for
 * safety: each message is committed with its UIDL, so an interrupted pass resumes exactly where it was.
 * Over the size limit (and when the server has TOP), only the headers and first lines are fetched.
 */
export function planDownloads(
  server: readonly ServerMessage[],
  known: ReadonlyMap<string, KnownUidl>,
  options: { maxMessageKb: number | null; canTop: boolean },
): DownloadItem[] {
  const limit = options.maxMessageKb === null ? null : options.maxMessageKb * 1024;
  return server
    .filter((m) => !known.has(m.uidl))
    .map((m): DownloadItem => ({ ...m, mode: limit !== null && options.canTop && m.size > limit ? 'partial' : 'full' }))
    .sort((a, b) => b.msgno - a.msgno);
}

/**
 * What to DELE under the account's policy. Only messages already committed locally qualify (invariant 1):
 * a UIDL the store does not know is never deleted, and neither is a message stored only partially (its
 * body exists only on the server) — unless the user deleted the local copy.
 * - never: nothing.
 * - after-download: everything downloaded in full.
 * - after-days N: downloaded in full at least N days ago.
 * - when-deleted-locally: what the user deleted here (hidden rows waiting for this, or rows already gone).
 * A mail rule's word on one message comes first: `keep` is never deleted (unless the user deleted it
 * here under when-deleted-locally), `delete` is deleted once stored in full, whatever the policy.
 */
export function planDeletions(server: readonly ServerMessage[], known: ReadonlyMap<string, KnownUidl>, policy: Pop3DeletePolicy, now: number): ServerMessage[] {
  return server.filter((m) => {
    const k = known.get(m.uidl);
    if (!k) return false;
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
  });
}
