import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { WriteDb } from '../../electron/store/db';
import { upsertFolder, localFolderInput, type FolderRow } from '../../electron/store/folders';
import { commitMessage, type IngestInput, type IngestResult } from '../../electron/store/ingest';
import { parseMessage } from '../../electron/mime/parse-message';
import { openWriteDb } from '../../electron/store/open';
import { writeTransaction } from '../../electron/store/write-transaction';

export const tempDir = (prefix = 'homing-store-') => mkdtempSync(join(tmpdir(), prefix));

/** A migrated store in a fresh temp directory. */
export function tempStore(): { db: WriteDb; dir: string; path: string } {
  const dir = tempDir();
  const path = join(dir, 'homing.sqlite');
  return { db: openWriteDb(path), dir, path };
}

export function localFolder(db: WriteDb, path = 'Imported'): FolderRow {
  return writeTransaction(db, (changes) => upsertFolder(db, changes, 'local', localFolderInput(path)));
}

/** Builds a small RFC 822 message; every header given is written as is, CRLF line ends. */
export function eml(headers: Record<string, string>, body = 'Hello.\r\n'): Buffer {
  const lines = Object.entries(headers).map(([k, v]) => `${k}: ${v}`);
  return Buffer.from(`${lines.join('\r\n')}\r\n\r\n${body}`);
}

/** Parses and commits one message the way sync and import do (parse outside, commit inside). */
export async function ingest(
  db: WriteDb,
  bytes: Buffer,
  target: Omit<IngestInput, 'source' | 'parsed'>,
): Promise<IngestResult> {
  const source = { kind: 'buffer' as const, bytes };
  const parsed = await parseMessage(source);
  return writeTransaction(db, (changes) => commitMessage(db, changes, { ...target, source, parsed }));
}
