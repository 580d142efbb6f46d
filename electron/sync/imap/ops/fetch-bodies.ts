import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { HomingError, isDiskFullError } from '../../../../shared/errors';
import { pipeline } from 'node:stream/promises';
import type { MessageSource } from '../../../store/message-source';
import type { ImapConnection } from '../../../protocols/imap/imap-connection';
import { imapLimits } from '../limits';
import { uidSet } from '../../../protocols/imap/uid-set';

export interface FetchedSource {
  uid: number;
  source: MessageSource;
}

/**
 * Full sources of small messages in one FETCH (BODY.PEEK[]: \Seen untouched). `onSource` runs for each as it
 * arrives (parsing, not IMAP: no command may run inside imapflow's fetch loop, imapflow #159/#284); the
 * loop waits for it, so the socket is not read faster than messages are handled.
 */
export async function fetchSources(connection: ImapConnection, uids: number[], onSource: (fetched: FetchedSource) => Promise<void>): Promise<void> {
  if (uids.length === 0) return;
  const wanted = new Set(uids);
  for await (const message of connection.client.fetch(uidSet(uids), { uid: true, source: true }, { uid: true })) {
    if (!wanted.has(message.uid) || !message.source) continue;
    wanted.delete(message.uid);
    await onSource({ uid: message.uid, source: { kind: 'buffer', bytes: message.source } });
  }
}

/**
 * Streams one large message into a temp file with download() (partial BODY.PEEK[]<start.length> fetches),
 * so neither imapflow nor we hold it in memory (fetch({source}) would: imapflow's own advice). Returns null
 * when the message is gone from the server. The caller deletes the file after committing it.
 */
export async function downloadSource(connection: ImapConnection, uid: number, tempDir: string): Promise<FetchedSource | null> {
  await mkdir(tempDir, { recursive: true, mode: 0o700 });
  const download = await connection.client.download(String(uid), undefined, { uid: true, chunkSize: imapLimits.downloadChunkBytes });
  if (!download.content) return null;
  const path = join(tempDir, `imap-${uid}-${randomBytes(6).toString('hex')}.eml`);
  try {
    await pipeline(download.content, createWriteStream(path, { mode: 0o600 }));
    const { size } = await stat(path);
    return { uid, source: { kind: 'file', path, size } };
  } catch (error) {
    await rm(path, { force: true });
    // The file, not the connection, failed: a full disk is DISK_FULL (the pass says what was saved before
    // it), not a CONNECTION_LOST that sends the user to check the network.
    const code = (error as NodeJS.ErrnoException).code;
    if (isDiskFullError(error)) {
      throw new HomingError('DISK_FULL', `The disk is full: message UID ${uid} could not be written to ${path}.`, { path, reason: code }, { cause: error });
    }
    throw error;
  }
}
