import type { ServerFlags } from '../../../store/imap-state';
import type { ImapConnection } from '../../../protocols/imap/imap-connection';

/**
 * Flags of the selected mailbox: with `changedSince`, only messages whose MODSEQ is higher (CONDSTORE
 * CHANGEDSINCE, RFC 7162 section 3.1.4); without it, every message (the full diff for servers with no
 * CONDSTORE). The full listing is also the server's complete UID set. `onChunk` gets them `chunkSize` at a time.
 */
export async function fetchFlags(
  connection: ImapConnection,
  changedSince: number | null,
  onChunk: (rows: ServerFlags[]) => void,
  chunkSize: number,
): Promise<void> {
  let rows: ServerFlags[] = [];
  const options = changedSince !== null ? { uid: true, changedSince: BigInt(changedSince) } : { uid: true };
  // Handed on a chunk at a time as the answer arrives (onChunk writes to the store, never to the
  // connection: no command may run inside imapflow's fetch loop), so a large folder's flags are never
  // all in memory at once.
  for await (const message of connection.client.fetch('1:*', { uid: true, flags: true }, options)) {
    if (!message.uid || !message.flags) continue;
    rows.push({ uid: message.uid, flags: message.flags, modseq: message.modseq !== undefined ? Number(message.modseq) : null });
    if (rows.length >= chunkSize) {
      onChunk(rows);
      rows = [];
    }
  }
  if (rows.length > 0) onChunk(rows);
}
