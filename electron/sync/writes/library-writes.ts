import type { MethodHandlers } from '../../../shared/contract';
import { HomingError } from '../../../shared/errors';
import { findAccount } from '../../store/accounts';
import { prepare } from '../../store/db';
import { findFolderByPath, localFolderInput, upsertFolder } from '../../store/folders';
import { commitMessage } from '../../store/ingest';
import { writeTransaction } from '../../store/write-transaction';
import { engineFor } from '../engines';
import type { SyncRuntime } from '../sync-runtime';
import type { WriterContext } from '../writer-context';

/** Writes to the local library that are not server actions: import, completing a message, remote-content choices. */
type LibraryCommands = 'importMail' | 'completeMessage' | 'allowRemoteContent' | 'assembleMessage';

export function createLibraryWrites(ctx: WriterContext, runtime: SyncRuntime): MethodHandlers<LibraryCommands> {
  const { db } = ctx;
  return {
    async importMail({ path, accountId, folderPath }) {
      const account = findAccount(db, accountId);
      if (!account) throw new HomingError('NOT_FOUND', `No account with id ${accountId}.`);
      if (engineFor(account).mirrorsServer) {
        // Its folders mirror the server's: messages only we have would be taken for expunged ones.
        throw new HomingError('INVALID_ARGUMENT', 'Mail is imported into Local Folders or a POP3 account; move it to an IMAP folder afterwards.');
      }
      // Loaded on first use, as below: they bring the MIME parser (~150 ms), which a sync worker needs only
      // for these commands (a sync parses on its own threads, parse-pool.ts).
      const { importMail } = await import('../../store/import-mail');
      return importMail(db, { path, accountId, folderPath, signal: ctx.shutdown });
    },

    async completeMessage({ id }) {
      const row = prepare<[number], { account_id: string; body_status: string }>(
        db,
        'SELECT account_id, body_status FROM messages WHERE id = ? AND deleted_locally = 0',
      ).get(id);
      if (!row) throw new HomingError('NOT_FOUND', `No message with id ${id}.`);
      if (row.body_status !== 'full') {
        const account = findAccount(db, row.account_id);
        const engine = account ? engineFor(account) : null;
        if (!account || !engine?.hasServer || !engine.completeMessage) {
          throw new HomingError('INVALID_ARGUMENT', `Message ${id} is not from a mail server that can send the rest of it, so there is nothing to fetch.`);
        }
        await engine.completeMessage(runtime.engineContext(account, ctx.shutdown), id);
      }
      const { messageDetail } = await import('../../store/message-detail');
      return messageDetail(db, id);
    },

    async assembleMessage({ id }) {
      const { assembledSource } = await import('../../store/partial-parts');
      const { parseMessage } = await import('../../mime/parse-message');
      const { bytes, accountId, folderId } = assembledSource(db, id);
      const account = findAccount(db, accountId);
      const source = { kind: 'buffer' as const, bytes };
      const parsed = await parseMessage(source);
      return writeTransaction(db, (changes) => {
        // An IMAP folder mirrors the server: a message only we have would be taken for an expunged one.
        const target =
          account && !engineFor(account).mirrorsServer
            ? { accountId, folderId }
            : { accountId: 'local', folderId: (findFolderByPath(db, 'local', 'INBOX') ?? upsertFolder(db, changes, 'local', localFolderInput('INBOX'))).id };
        const stored = commitMessage(db, changes, { ...target, key: { kind: 'local' }, source, parsed });
        if (stored.messageId === null) throw new HomingError('INTERNAL', 'The message put together was not stored.');
        return { id: stored.messageId, folderId: target.folderId };
      });
    },

    async allowRemoteContent({ address, allow }) {
      writeTransaction(db, (changes) => {
        prepare<[string, number]>(
          db,
          `INSERT INTO addresses (address, allow_remote_content) VALUES (?, ?)
           ON CONFLICT (address) DO UPDATE SET allow_remote_content = excluded.allow_remote_content`,
        ).run(address.trim(), allow ? 1 : 0);
        // Messages from this sender render differently now: name them so open views refresh.
        for (const m of prepare<[string], { id: number; account_id: string; folder_id: number }>(
          db,
          'SELECT id, account_id, folder_id FROM messages WHERE from_address = ? COLLATE NOCASE AND deleted_locally = 0 LIMIT 1000',
        ).iterate(address.trim())) {
          changes.message(m.account_id, m.folder_id, m.id);
        }
      });
    },
  };
}
