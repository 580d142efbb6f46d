import type { MethodHandlers } from '../../shared/contract';
import { HomingError } from '../../shared/errors';
import { exportFolderToMbox, exportMessageToEml } from '../store/export-mail';
import { folderView } from '../store/folder-view';
import { findFolderByPath, listAccountFolders, listAllFolders } from '../store/folders';
import { listMailboxIds, listMessagePage } from '../store/message-list';
import { readHeaderBlock, readSource } from '../store/message-sources';
import { summariesByIds, threadSummaries } from '../store/message-summaries';
import { searchMessages } from '../store/search';
import type { QueryContext } from './query-context';
import { bodyStatusOf, downloadMissingBodies, idsWithoutBody } from './whole-messages';

type MessageQueries =
  | 'listFolders'
  | 'listMessages'
  | 'listMessageIds'
  | 'getMessageSummaries'
  | 'getMessage'
  | 'getMessageSource'
  | 'getAttachment'
  | 'getThread'
  | 'search'
  | 'exportFolder'
  | 'exportMessage';

/** Message queries: answered on the main thread from the read-only connection. */
export function createMessageQueries(ctx: QueryContext): MethodHandlers<MessageQueries> {
  const { db } = ctx;
  return {
    async listFolders({ accountId }) {
      if (accountId === undefined) return listAllFolders(db).map(folderView);
      // Loaded here: account rows bring the settings schemas (zod), which listing all folders never needs.
      const { findAccount } = await import('../store/accounts');
      if (!findAccount(db, accountId)) throw new HomingError('NOT_FOUND', `No account with id ${accountId}.`);
      return listAccountFolders(db, accountId, { visibleOnly: true }).map(folderView);
    },
    async listMessages({ mailbox, sort, cursor, limit }) {
      return listMessagePage(db, mailbox, sort, cursor, limit);
    },
    async listMessageIds({ mailbox, sort }) {
      return listMailboxIds(db, mailbox, sort);
    },
    async getMessageSummaries({ ids }) {
      return summariesByIds(db, ids);
    },
    // Reading a message loads the MIME parser on first use, not when the service starts (a CLI `sync`
    // never needs it on the main thread).
    async getMessage({ id }) {
      const { messageDetail } = await import('../store/message-detail');
      return messageDetail(db, id);
    },
    async getMessageSource({ id, part }) {
      const { assertVisible } = await import('../store/message-detail');
      assertVisible(db, id);
      if (part === 'whole') await downloadMissingBodies(ctx, [id]);
      const bytes = part === 'headers' ? readHeaderBlock(db, id) : readSource(db, id);
      return { base64: bytes.toString('base64'), size: bytes.length, bodyStatus: bodyStatusOf(db, id) };
    },
    async getAttachment({ messageId, attachmentId }) {
      const { attachmentBytes } = await import('../store/message-detail');
      const { filename, contentType, bytes } = await attachmentBytes(db, messageId, attachmentId);
      return { filename, contentType, base64: bytes.toString('base64') };
    },
    async getThread({ threadId }) {
      const list = threadSummaries(db, threadId);
      if (list.length === 0) throw new HomingError('NOT_FOUND', `No thread with id ${threadId}.`);
      return list;
    },
    async search({ query, accountId, limit, highlights }) {
      return searchMessages(db, query, { limit, ...(highlights !== undefined ? { highlights } : {}), ...(accountId !== undefined ? { accountId } : {}) });
    },
    async exportFolder({ accountId, folderPath, mboxPath, part }) {
      const folder = findFolderByPath(db, accountId, folderPath);
      if (part === 'whole' && folder) await downloadMissingBodies(ctx, idsWithoutBody(db, folder.id));
      return { exported: await exportFolderToMbox(db, accountId, folderPath, mboxPath, part) };
    },
    async exportMessage({ id, emlPath, part }) {
      if (part === 'whole') await downloadMissingBodies(ctx, [id]);
      await exportMessageToEml(db, id, emlPath, part);
    },
  };
}

