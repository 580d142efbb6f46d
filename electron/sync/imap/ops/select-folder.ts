import type { ExpungeEvent, FlagsEvent, MailboxObject } from 'imapflow';
import type { ImapConnection } from '../../../protocols/imap/imap-connection';

export interface SelectedFolder {
  path: string;
  uidvalidity: number;
  uidnext: number;
  exists: number;
  /** Null when the server has no CONDSTORE or the mailbox has NOMODSEQ (RFC 7162 section 3.1.2.2). */
  highestmodseq: number | null;
  readOnly: boolean;
  /** The server accepted our QRESYNC parameters: `vanished` and `flagChanges` are every change since `known.highestmodseq`. */
  qresync: boolean;
  /** UIDs expunged since `known.highestmodseq` (VANISHED (EARLIER), RFC 7162 section 3.2.5.1). */
  vanished: number[];
  /** Flags changed since `known.highestmodseq` (FETCH responses to the QRESYNC SELECT). */
  flagChanges: Array<{ uid: number; flags: Set<string>; modseq: number | null }>;
}

/**
 * SELECT (or EXAMINE, `readOnly`) a mailbox. With QRESYNC enabled and a known UIDVALIDITY/HIGHESTMODSEQ the
 * server reports expunges and flag changes since then in the same round trip (RFC 7162 section 3.2.5);
 * those arrive as imapflow events while SELECT runs, and are collected here.
 */
export async function selectFolder(
  connection: ImapConnection,
  path: string,
  options: { readOnly: boolean; known?: { uidvalidity: number | null; highestmodseq: number | null } },
): Promise<SelectedFolder> {
  const { client } = connection;
  const vanished: number[] = [];
  const flagChanges: SelectedFolder['flagChanges'] = [];
  const onExpunge = (event: ExpungeEvent) => {
    if (event.vanished && event.uid && event.path === path) vanished.push(event.uid);
  };
  const onFlags = (event: FlagsEvent) => {
    if (event.uid && event.path === path) flagChanges.push({ uid: event.uid, flags: event.flags, modseq: event.modseq ? Number(event.modseq) : null });
  };
  const useQresync = connection.qresync && options.known?.uidvalidity && options.known.highestmodseq;
  client.on('expunge', onExpunge);
  client.on('flags', onFlags);
  let mailbox: MailboxObject;
  try {
    mailbox = await client.mailboxOpen(path, {
      readOnly: options.readOnly,
      ...(useQresync ? { uidValidity: options.known!.uidvalidity!, changedSince: options.known!.highestmodseq! } : {}),
    });
  } finally {
    client.off('expunge', onExpunge);
    client.off('flags', onFlags);
  }
  const qresync = Boolean(useQresync && (mailbox as MailboxObject & { qresync?: boolean }).qresync);
  return {
    path,
    uidvalidity: Number(mailbox.uidValidity),
    uidnext: mailbox.uidNext,
    exists: mailbox.exists,
    highestmodseq: mailbox.noModseq || mailbox.highestModseq === undefined ? null : Number(mailbox.highestModseq),
    readOnly: Boolean(mailbox.readOnly),
    qresync,
    vanished: qresync ? vanished : [],
    flagChanges: qresync ? flagChanges : [],
  };
}
