import { hashSource } from '../../store/message-sources';
import { duplicateListed, type ListingHandle, storedUnderUidl } from '../../store/pop3-listing';
import type { SyncEngineContext } from '../engine';
import type { Pop3Client } from '../../protocols/pop3/pop3-client';
import { downloadMessages, type DownloadOutcome, planOf } from './download-messages';
import { POP3_INBOX_PATH } from './inbox-folder';
import { commitMessages, type ReadyMessage, readyMessage, type StoreTarget } from './store-message';

/**
 * Messages whose UIDL the server listed more than once. RFC 1939 §7 says a unique-id identifies one
 * message, but servers break it: Dovecot with a pop3_uidl_format that is not unique (%v, %m of identical
 * headers: hence its pop3_uidl_duplicates setting), mailboxes migrated between servers. Such a UIDL
 * cannot say which of its messages the store has, and skipping them (as before) left them on the server,
 * never shown, while the pass reported success. They are handled as a server without UIDL handles every
 * message (without-uidl.ts): downloaded in full at every pass and keyed by the SHA-256 of their bytes
 * ("sha256 <hex>", which no real UIDL can be), so each is stored once; a message the store already has
 * under that very UIDL with the same bytes (stored while its UIDL was still unique) is not stored again.
 * Never deleted from the server: without an id that lasts, no policy can tell which copy is which. Two
 * such messages with the same bytes are stored once.
 */
export async function downloadDuplicates(
  ctx: SyncEngineContext,
  client: Pop3Client,
  listing: ListingHandle,
  options: { target: StoreTarget; tempDir: string },
): Promise<DownloadOutcome | null> {
  const listed = duplicateListed(listing);
  if (listed.length === 0) return null;
  const listedUidl = new Map<ReadyMessage, string>();
  const total = listed.length;
  ctx.progress({ phase: 'bodies', folder: POP3_INBOX_PATH, done: 0, total });
  return downloadMessages({
    client,
    plan: planOf(listed.map((m) => ({ ...m, mode: 'full' as const }))),
    tempDir: options.tempDir,
    signal: ctx.signal,
    ready: async (item, source) => {
      const ready = await readyMessage(`sha256 ${hashSource(source).hash}`, source, 'full');
      listedUidl.set(ready, item.uidl);
      return ready;
    },
    commit: (batch) => {
      const fresh = batch.filter((ready) => {
        const uidl = listedUidl.get(ready)!;
        listedUidl.delete(ready);
        return !storedUnderUidl(listing, uidl, ready.uidl.slice('sha256 '.length));
      });
      return commitMessages(ctx.writer, options.target, fresh, { arrival: true, listing }).filter((r) => r.inserted).length;
    },
    progress: (done) => ctx.progress({ phase: 'bodies', folder: POP3_INBOX_PATH, done, total }),
  });
}
