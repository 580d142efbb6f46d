import { rm } from 'node:fs/promises';
import { HomingError } from '../../../shared/errors';
import { prepare } from '../../store/db';
import { commitMessage } from '../../store/ingest';
import type { MessageSource } from '../../store/message-source';
import { writeTransaction } from '../../store/write-transaction';
import type { SyncEngineContext } from '../engine';
import { connectAccount, createPass } from './imap-pass';
import { imapLimits } from './limits';
import { downloadSource, fetchSources } from './ops/fetch-bodies';
import { selectFolder } from './ops/select-folder';

interface Row {
  folder_id: number;
  path: string;
  uid: number | null;
  uidvalidity: number | null;
  size: number;
  body_status: string;
}

/**
 * Fetches the full source of one message stored as headers only (outside the offline scope, or not
 * reached yet by the body pass), on a connection of its own so opening a message does not wait for a
 * running sync.
 */
export async function completeImapMessage(ctx: SyncEngineContext, messageId: number): Promise<void> {
  const { db } = ctx.writer;
  const find = () =>
    prepare<[number], Row>(
      db,
      `SELECT m.folder_id, f.path, m.uid, m.uidvalidity, m.size, m.body_status FROM messages m JOIN folders f ON f.id = m.folder_id WHERE m.id = ?`,
    ).get(messageId);
  const row = find();
  if (!row) throw new HomingError('NOT_FOUND', `No message with id ${messageId}.`);
  if (row.body_status === 'full') return;
  if (row.uid === null || row.uidvalidity === null) {
    throw new HomingError('OPERATION_REFUSED', 'This message is waiting for a change to reach the server; it can be downloaded after the next sync.');
  }
  const connection = await connectAccount(ctx);
  const pass = createPass(ctx, connection);
  let file: string | null = null;
  try {
    const selected = await selectFolder(connection, row.path, { readOnly: true });
    if (selected.uidvalidity !== row.uidvalidity) {
      throw new HomingError('NOT_FOUND', `The folder ${row.path} was recreated on the server; sync it to see its messages again.`);
    }
    let source: MessageSource | null = null;
    if (row.size > imapLimits.streamThresholdBytes) {
      // Its own directory: a sync pass running meanwhile clears the pass directory when it starts.
      const fetched = await downloadSource(connection, row.uid, `${pass.tempDir}-complete`);
      if (fetched?.source.kind === 'file') file = fetched.source.path;
      source = fetched?.source ?? null;
    } else {
      await fetchSources(connection, [row.uid], async (fetched) => {
        source = fetched.source;
      });
    }
    if (!source) throw new HomingError('NOT_FOUND', 'The message is no longer on the server.');
    const { parseMessage } = await import('../../mime/parse-message'); // loaded on first use (parse-pool.ts)
    const parsed = await parseMessage(source);
    const key = { kind: 'imap' as const, uidvalidity: row.uidvalidity, uid: row.uid };
    writeTransaction(db, (changes) => {
      if (!find()) return;
      commitMessage(db, changes, { accountId: ctx.account.id, folderId: row.folder_id, key, source: source!, parsed, bodyStatus: 'full' });
    });
  } catch (error) {
    throw connection.mapError(error);
  } finally {
    if (file) await rm(file, { force: true });
    await connection.logout();
  }
}
