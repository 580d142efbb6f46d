import { createWriteStream, renameSync, rmSync, type WriteStream } from 'node:fs';
import { HomingError, isDiskFullError } from '../../shared/errors';
import { fromLineFor, MboxQuoter } from '../mime/mbox';
import { prepare, type ReadDb } from './db';
import { findFolderByPath } from './folders';
import { EXPORT_BATCH_MESSAGES } from './limits';
import { readHeaderBlock, sourceChunks } from './message-sources';

/** `whole`: every message complete (one stored without its body refuses the export); `headers`: header blocks only. */
export type ExportPart = 'whole' | 'headers';

interface ExportRow {
  id: number;
  body_status: string;
  from_address: string | null;
  date: number;
  mbox_from: string | null;
  mbox_separator: string | null;
}

/**
 * Writes a folder to an mboxrd file (RFC 4155): each message's exact bytes with `>*From ` lines quoted,
 * a From_ line before it and an empty line after it. A message imported from an mbox gets back the
 * From_ line and empty line it came with, so import then export gives the same file. Messages go in
 * the order they were stored, read in batches so the main thread keeps answering between them. The
 * file appears complete or not at all (written beside it, then renamed). The caller downloads missing
 * bodies first (service/whole-messages.ts); a message still stored without its body fails the export
 * with BODY_NOT_DOWNLOADED rather than be written cut, unless `part` asks for header blocks only.
 */
export async function exportFolderToMbox(db: ReadDb, accountId: string, folderPath: string, mboxPath: string, part: ExportPart = 'whole'): Promise<number> {
  const folder = findFolderByPath(db, accountId, folderPath);
  if (!folder) throw new HomingError('NOT_FOUND', `No folder ${folderPath} in account ${accountId}.`);
  const partial = `${mboxPath}.partial-${process.pid}`;
  const out = createWriteStream(partial);
  let exported = 0;
  try {
    await opened(out);
    // The folder's ids first, then their rows a batch at a time by rowid. Paging with `id > ? ORDER BY id
    // LIMIT ?` made SQLite walk the folder's date index and sort what was left of it for every batch: each
    // of a 100,000-message folder's 500 batches read the rest of the folder's rows again (an export took
    // 112 s, 72 s of it in that statement, load 13-18). `+folder_id` keeps the batch's statement on rowids,
    // away from that index. A message removed meanwhile is left out.
    const ids = prepare<[number], { id: number }>(db, 'SELECT id FROM messages WHERE folder_id = ? AND deleted_locally = 0 ORDER BY id')
      .all(folder.id)
      .map((r) => r.id);
    // What follows a message depends on whether another one does: written once that is known. A message
    // must end with a line end before the next From_ line; one that ended its file without a line end
    // or without an empty line keeps it that way when it is last again.
    let tail: { beforeNext: string; atEnd: string } | null = null;
    const page = prepare<[string, number], ExportRow>(
      db,
      `SELECT id, body_status, from_address, date, mbox_from, mbox_separator FROM messages
       WHERE id IN (SELECT value FROM json_each(?)) AND +folder_id = ? AND deleted_locally = 0 ORDER BY id`,
    );
    for (let at = 0; at < ids.length; at += EXPORT_BATCH_MESSAGES) {
      const rows = page.all(JSON.stringify(ids.slice(at, at + EXPORT_BATCH_MESSAGES)), folder.id);
      for (const row of rows) {
        if (part === 'whole' && row.body_status !== 'full') throw bodyNotStored(row.id);
        if (tail) await write(out, Buffer.from(tail.beforeNext, 'latin1'));
        const fromLine = row.mbox_from ?? `${fromLineFor(row.from_address, new Date(row.date))}\n`;
        await write(out, Buffer.from(fromLine, 'latin1'));
        const quoter = new MboxQuoter();
        let last: Buffer | null = null;
        for (const chunk of part === 'headers' ? [readHeaderBlock(db, row.id)] : sourceChunks(db, row.id)) {
          for (const piece of quoter.push(chunk)) await write(out, piece);
          if (chunk.length > 0) last = chunk;
        }
        for (const piece of quoter.end()) await write(out, piece);
        const separator = row.mbox_from !== null && row.mbox_separator !== null ? row.mbox_separator : '\n';
        const lineEnd = last !== null && last[last.length - 1] === 0x0a ? '' : '\n';
        tail = { beforeNext: lineEnd + (separator || '\n'), atEnd: separator === '' ? '' : lineEnd + separator };
        exported++;
      }
    }
    if (tail) await write(out, Buffer.from(tail.atEnd, 'latin1'));
    await close(out);
    renameSync(partial, mboxPath);
    return exported;
  } catch (error) {
    out.destroy();
    rmSync(partial, { force: true });
    throw asIoError(error, mboxPath);
  }
}

/** Writes one message's exact stored bytes (or, with `headers`, its header block) to an .eml file. */
export async function exportMessageToEml(db: ReadDb, messageId: number, emlPath: string, part: ExportPart = 'whole'): Promise<void> {
  const row = prepare<[number], { body_status: string }>(db, 'SELECT body_status FROM messages WHERE id = ? AND deleted_locally = 0').get(messageId);
  if (!row) throw new HomingError('NOT_FOUND', `No message with id ${messageId}.`);
  if (part === 'whole' && row.body_status !== 'full') throw bodyNotStored(messageId);
  const partial = `${emlPath}.partial-${process.pid}`;
  const out = createWriteStream(partial);
  try {
    await opened(out);
    for (const chunk of part === 'headers' ? [readHeaderBlock(db, messageId)] : sourceChunks(db, messageId)) await write(out, chunk);
    await close(out);
    renameSync(partial, emlPath);
  } catch (error) {
    out.destroy();
    rmSync(partial, { force: true });
    throw asIoError(error, emlPath);
  }
}

function bodyNotStored(messageId: number): HomingError {
  return new HomingError('BODY_NOT_DOWNLOADED', `Message ${messageId} is stored without its body, so it was not exported.`, { messageId });
}

function opened(stream: WriteStream): Promise<void> {
  return new Promise((resolve, reject) => {
    stream.once('open', () => resolve());
    stream.once('error', reject);
  });
}

function write(stream: WriteStream, bytes: Buffer): Promise<void> {
  if (bytes.length === 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    if (stream.write(bytes)) resolve();
    else {
      // Each listener goes when the other fires: a folder's export waits for 'drain' once per big message.
      const onDrain = () => {
        stream.off('error', onError);
        resolve();
      };
      const onError = (error: Error) => {
        stream.off('drain', onDrain);
        reject(error);
      };
      stream.once('drain', onDrain);
      stream.once('error', onError);
    }
  });
}

function close(stream: WriteStream): Promise<void> {
  return new Promise((resolve, reject) => stream.end((error?: Error | null) => (error ? reject(error) : resolve())));
}

function asIoError(error: unknown, path: string): unknown {
  if (error instanceof HomingError) return error;
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (isDiskFullError(error)) return new HomingError('DISK_FULL', `The disk is full; ${path} was not written.`, { path, reason: code }, { cause: error });
  return new HomingError('IO_ERROR', `${path} could not be written (${code ?? 'error'}).`, { path }, { cause: error });
}
