import { mkdirSync, readdirSync, rmSync, unlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ImportResult } from '../../shared/contract/messages';
import { HomingError } from '../../shared/errors';
import { detectFormat, readMailFiles, type ImportItem } from '../mime/mail-files';
import { parseMessage, type ParsedMessage } from '../mime/parse-message';
import { findAccount } from './accounts';
import type { WriteDb } from './db';
import { findFolderByPath, localFolderInput, upsertFolder } from './folders';
import { commitMessage } from './ingest';
import { IMPORT_BATCH_BYTES, IMPORT_BATCH_MESSAGES } from './limits';
import { sourceSize } from './message-source';
import { writeTransaction } from './write-transaction';

export interface ImportRequest {
  path: string;
  accountId: string;
  folderPath: string;
  /** Stops between batches (each batch is committed whole or not at all). */
  signal?: AbortSignal;
}

/**
 * Imports an mbox file, a Maildir or .eml files into a folder (created if needed). Messages are parsed
 * outside any transaction and committed in batches; a message already in the folder (same bytes) is
 * counted as a duplicate, so an import cut short by a crash is completed by running it again. The writer
 * refuses an account whose folders mirror a server before it gets here (sync/writes/library-writes.ts).
 */
export async function importMail(db: WriteDb, request: ImportRequest): Promise<ImportResult> {
  const account = findAccount(db, request.accountId);
  if (!account) throw new HomingError('NOT_FOUND', `No account with id ${request.accountId}.`);
  detectFormat(request.path); // Refuse what is not mail before creating the folder.
  const folder =
    findFolderByPath(db, account.id, request.folderPath) ??
    writeTransaction(db, (changes) => upsertFolder(db, changes, account.id, localFolderInput(request.folderPath)));
  const spillDir = spillDirFor(db);
  const result: ImportResult = { imported: 0, duplicates: 0, unparsable: 0 };
  let batch: Array<{ item: ImportItem; parsed: ParsedMessage }> = [];
  let batchBytes = 0;
  const flush = () => {
    if (batch.length === 0) return;
    const items = batch;
    batch = [];
    batchBytes = 0;
    writeTransaction(db, (changes) => {
      for (const { item, parsed } of items) {
        const stored = commitMessage(db, changes, {
          accountId: account.id,
          folderId: folder.id,
          key: { kind: 'local' },
          source: item.source,
          parsed,
          flags: item.flags,
          internalDate: item.internalDate,
          mbox: item.mbox,
        });
        if (!stored.inserted) result.duplicates++;
        else {
          result.imported++;
          if (parsed.parseStatus === 'failed') result.unparsable++;
        }
      }
    });
    for (const { item } of items) if (item.spilled && item.source.kind === 'file') unlinkSync(item.source.path);
  };
  try {
    for await (const item of readMailFiles(request.path, spillDir)) {
      if (request.signal?.aborted) throw new HomingError('CANCELLED', 'The import was stopped; run it again to finish it.');
      const parsed = await parseMessage(item.source);
      batch.push({ item, parsed });
      batchBytes += sourceSize(item.source);
      if (batch.length >= IMPORT_BATCH_MESSAGES || batchBytes >= IMPORT_BATCH_BYTES) flush();
    }
    flush();
  } finally {
    rmSync(spillDir, { recursive: true, force: true });
  }
  return result;
}

/**
 * Large mbox messages are spilled to files while read: into the data directory (same disk as the
 * store, not a small /tmp), one folder per process. Folders left by a killed import are removed here:
 * only one process writes a data directory, so any other import-* folder is stale.
 */
function spillDirFor(db: WriteDb): string {
  const root = join(dirname(db.path), 'tmp');
  mkdirSync(root, { recursive: true, mode: 0o700 });
  for (const name of readdirSync(root)) {
    if (name.startsWith('import-') && name !== `import-${process.pid}`) rmSync(join(root, name), { recursive: true, force: true });
  }
  const dir = join(root, `import-${process.pid}`);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return dir;
}
