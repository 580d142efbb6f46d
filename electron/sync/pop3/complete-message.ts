import { HomingError } from '../../../shared/errors';
import { prepare } from '../../store/db';
import { durably, recordDeleSent, recordServerGone } from '../../store/pop3-state';
import { writeTransaction } from '../../store/write-transaction';
import type { SyncEngineContext } from '../engine';
import { withAccountLock } from '../account-lock';
import { removeSource } from './download-messages';
import { openSession, type Pop3EngineOptions, tempDirFor } from './pop3-session';
import { commitMessages, readyMessage } from './store-message';

/**
 * Completes a message stored partially (over the account's size limit): finds its UIDL on the server,
 * RETRs it, and commits the full source over the partial one (commitMessage upgrades it). Under
 * "delete right after download" the server's copy is then deleted too, now that it is stored in full.
 */
export function completeMessage(ctx: SyncEngineContext, messageId: number, options: Pop3EngineOptions = {}): Promise<void> {
  return withAccountLock(ctx.account.id, async () => {
    const { db } = ctx.writer;
    const accountId = ctx.account.id;
    const row = prepare<[number, string], { uidl: string | null; body_status: string; folder_id: number }>(
      db,
      'SELECT uidl, body_status, folder_id FROM messages WHERE id = ? AND account_id = ?',
    ).get(messageId, accountId);
    if (!row) throw new HomingError('NOT_FOUND', `No message with id ${messageId} in this account.`);
    if (row.body_status === 'full') return;
    const uidl = row.uidl;
    if (!uidl || uidl.startsWith('sha256 ')) {
      throw new HomingError('INVALID_ARGUMENT', 'This message cannot be found on the server again (the server has no UIDL).');
    }
    const tempDir = tempDirFor(ctx);
    const client = await openSession(ctx, options);
    try {
      const caps = client.capabilities;
      if (caps.known && !caps.has('UIDL')) throw new HomingError('POP3_NO_UIDL', `${ctx.account.host} cannot identify messages (no UIDL), so the rest of this one cannot be fetched.`);
      const entries = (await client.uidl()).filter((u) => u.uidl === uidl);
      const entry = entries[0];
      if (!entry) {
        throw new HomingError('NOT_FOUND', 'This message is no longer on the server; only its beginning was downloaded.', { uidl });
      }
      // The server now lists this id for several messages: which one is this message cannot be told.
      if (entries.length > 1) {
        throw new HomingError('SERVER_ERROR', `${ctx.account.host} now lists this message's id for ${entries.length} messages, so the rest of this one cannot be told apart and fetched.`, { uidl });
      }
      const source = await client.retr({ msgno: entry.msgno, tempDir });
      try {
        commitMessages(ctx.writer, { accountId, folderId: row.folder_id }, [await readyMessage(uidl, source, 'full')]);
      } finally {
        await removeSource(source);
      }
      if (ctx.account.settings.pop3Delete.kind === 'after-download') {
        durably(db, () => writeTransaction(db, () => recordDeleSent(db, accountId, [uidl], Date.now())));
        await client.dele(entry.msgno);
        await client.quit();
        writeTransaction(db, (changes) => recordServerGone(db, changes, accountId, [uidl], Date.now()));
      } else {
        await client.quit();
      }
    } finally {
      client.close();
    }
  });
}
