import type { FetchMessageObject, MessageEnvelopeObject } from 'imapflow';
import type { ImapConnection } from '../../../protocols/imap/imap-connection';
import { uidSet } from '../../../protocols/imap/uid-set';

/** What the header pass knows of one message before its body is fetched. */
export interface HeaderRow {
  uid: number;
  flags: Set<string>;
  /** RFC822.SIZE: the size of the whole message on the server. */
  size: number;
  internalDate: Date | null;
  modseq: number | null;
  /** The header block (BODY.PEEK[HEADER]): exact bytes, ending with the blank line. */
  header: Buffer;
  /** The server's parse of the main header fields (RFC 3501 section 7.4.2). */
  envelope: MessageEnvelopeObject | undefined;
}

/**
 * One FETCH of UID, FLAGS, RFC822.SIZE, INTERNALDATE, ENVELOPE and BODY.PEEK[HEADER] (PEEK: never sets \Seen,
 * RFC 3501 section 6.4.5) for the given UIDs. The rows are collected and returned, not processed in the
 * loop: no other command may run while imapflow's fetch() iterates (imapflow #159, #284).
 */
export async function fetchHeaders(connection: ImapConnection, uids: readonly number[] | Uint32Array): Promise<HeaderRow[]> {
  if (uids.length === 0) return [];
  const rows: HeaderRow[] = [];
  const wanted = new Set(uids);
  for await (const message of connection.client.fetch(
    uidSet(uids),
    { uid: true, flags: true, size: true, internalDate: true, envelope: true, headers: true },
    { uid: true },
  )) {
    // An unsolicited FETCH (a flag change of another message) can arrive inside the answer.
    if (!wanted.has(message.uid) || !message.headers) continue;
    rows.push(toHeaderRow(message));
  }
  return rows;
}

function toHeaderRow(message: FetchMessageObject): HeaderRow {
  const internal = message.internalDate ? new Date(message.internalDate) : null;
  return {
    uid: message.uid,
    flags: message.flags ?? new Set(),
    size: message.size ?? message.headers!.length,
    internalDate: internal && !Number.isNaN(internal.getTime()) ? internal : null,
    modseq: message.modseq !== undefined ? Number(message.modseq) : null,
    header: message.headers!,
    envelope: message.envelope,
  };
}
