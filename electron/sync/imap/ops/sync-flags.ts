import type { ServerFlags } from '../../../store/imap-state';
import type { ImapConnection } from '../../../protocols/imap/imap-connection';

/**
 * Flags of the selected mailbox: with `changedSince`, only messages whose MODSEQ is higher (CONDSTORE
 * CHANGEDSINCE, RFC 7162 section 3.1.4); without it, every message (the full diff for servers with no
 * CONDSTORE). The full listing is also the server's complete UID set.
 */
export async function fetchFlags(connection: ImapConnection, changedSince: number | null): Promise<ServerFlags[]> {
  const rows: ServerFlags[] = [];
  const options = changedSince !== null ? { uid: true, changedSince: BigInt(changedSince) } : { uid: true };
  for await (const message of connection.client.fetch('1:*', { uid: true, flags: true }, options)) {
    if (!message.uid || !message.flags) continue;
    rows.push({ uid: message.uid, flags: message.flags, modseq: message.modseq !== undefined ? Number(message.modseq) : null });
  }
  return rows;
}
