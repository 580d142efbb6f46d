import { open } from 'node:fs/promises';
import { headerEnd } from '../../mime/header-words';
import { replaceStoredSource } from '../../store/ingest';
import type { MessageSource } from '../../store/message-source';
import { readSource } from '../../store/message-sources';
import { type ListedWrapper, type ListingHandle, listedWithSubject } from '../../store/pop3-listing';
import { recordDownload } from '../../store/pop3-state';
import { writeTransaction } from '../../store/write-transaction';
import type { SyncEngineContext } from '../engine';
import type { Pop3Client } from '../../protocols/pop3/pop3-client';
import { downloadMessages, planOf } from './download-messages';
import { type ReadyMessage, readyMessage } from './store-message';

/**
 * Courier's pop3d hands a client that did not send UTF8 (RFC 6856) a message with 8-bit header bytes
 * wrapped in one of its own: From "Mail Delivery Subsystem <postmaster>", Subject "Cannot display Unicode
 * content", a text part, and the original as a message/global part. Homing sent no UTF8 before 3a99774,
 * so such mail downloaded then is stored as the wrapper; its UIDL is the original's and never changes, so
 * it is never downloaded again. While the server still lists it and has accepted UTF8 in this session,
 * the pass downloads it again and puts the server's bytes in place of the wrapper, in the same row (its
 * folder, flags, tags and download time stay).
 *
 * Only a stored message that is the wrapper (all of its marks below) is asked for again, and the new bytes
 * replace it only when they are not a wrapper themselves and their header block is inside the stored one
 * (the wrapper carries the original verbatim): so nothing but the message the wrapper stood for can ever
 * take its place.
 */
export const COURIER_WRAPPER = {
  fromAddress: 'postmaster',
  subject: 'Cannot display Unicode content',
} as const;

/** Texts every Courier wrapper has (courier-imap's pop3dserver.c), beyond its sender and subject. */
const WRAPPER_MARKS = [
  'From: Mail Delivery Subsystem <postmaster>',
  'Subject: Cannot display Unicode content',
  'but your E-mail reader does not support Unicode E-mail.',
  'Content-Type: message/global',
].map((text) => Buffer.from(text));

export function isCourierWrapper(bytes: Buffer): boolean {
  return WRAPPER_MARKS.every((mark) => bytes.includes(mark));
}

/**
 * Downloads again, and stores in place, the listed messages stored as Courier's wrapper. Returns the UIDLs
 * still stored as a wrapper after it (the server refused the RETR, or sent something else): the delete
 * policy must leave those on the server, where the original still is. Nothing happens, and nothing is
 * asked of the store, in a session without UTF8 (every server but Courier's, and one that refused it). A lost connection ends the pass as
 * in the download itself.
 */
export async function repairCourierWrappers(ctx: SyncEngineContext, client: Pop3Client, listing: ListingHandle, tempDir: string): Promise<Set<string>> {
  const { db } = ctx.writer;
  // Only a server in UTF8 mode wraps nothing: elsewhere the pass is left as it was (and costs no query).
  if (!client.utf8) return new Set();
  const candidates = listedWithSubject(listing, COURIER_WRAPPER.fromAddress, COURIER_WRAPPER.subject);
  const wrapped = candidates.filter((c) => isCourierWrapper(readSource(db, c.messageId)));
  const left = new Set(wrapped.map((w) => w.uidl));
  if (wrapped.length === 0) return left;
  const byUidl = new Map<string, ListedWrapper>(wrapped.map((w) => [w.uidl, w]));
  const heads = new Map<ReadyMessage, Buffer>();
  await downloadMessages({
    client,
    plan: planOf(wrapped.map((w) => ({ msgno: w.msgno, uidl: w.uidl, size: w.size, mode: 'full' as const }))),
    tempDir,
    signal: ctx.signal,
    ready: async (item, source) => {
      const ready = await readyMessage(item.uidl, source, 'full');
      heads.set(ready, await headerBlock(source));
      return ready;
    },
    commit: (batch) =>
      writeTransaction(db, (changes) => {
        let repaired = 0;
        for (const ready of batch) {
          const target = byUidl.get(ready.uidl)!;
          const head = heads.get(ready)!;
          heads.delete(ready);
          if (head.length === 0 || isCourierWrapper(head) || !readSource(db, target.messageId).includes(head)) continue;
          replaceStoredSource(db, changes, target.messageId, ready);
          recordDownload(db, ctx.account.id, ready.uidl, target.messageId, Date.now());
          left.delete(ready.uidl);
          repaired++;
        }
        return repaired;
      }),
    progress: () => undefined,
  });
  return left;
}

/** A source's header block (read from the start of a temp file for a large message). */
async function headerBlock(source: MessageSource, max = 256 * 1024): Promise<Buffer> {
  let head: Buffer;
  if (source.kind === 'buffer') {
    head = Buffer.isBuffer(source.bytes) ? source.bytes : Buffer.from(source.bytes);
  } else {
    const file = await open(source.path, 'r');
    try {
      const buffer = Buffer.alloc(Math.min(max, source.size));
      const { bytesRead } = await file.read(buffer, 0, buffer.length, 0);
      head = buffer.subarray(0, bytesRead);
    } finally {
      await file.close();
    }
  }
  return head.subarray(0, headerEnd(head));
}
