import { parseMessage } from '../../mime/parse-message';
import { commitMessage, type IngestResult } from '../../store/ingest';
import type { MessageSource } from '../../store/message-source';
import { recordDownload } from '../../store/pop3-state';
import { writeTransaction } from '../../store/write-transaction';
import type { WriterContext } from '../writer-context';

export interface StoreTarget {
  accountId: string;
  folderId: number;
}

/**
 * Parses a downloaded message (outside any transaction), then commits it and its UIDL row in ONE
 * transaction: after a crash at any instant, either both exist or neither does. Storing a UIDL the store
 * already has adds nothing (commitMessage is idempotent by (account, UIDL)), except that a full message
 * replaces a partial one.
 */
export async function storeMessage(
  writer: WriterContext,
  target: StoreTarget,
  uidl: string,
  source: MessageSource,
  bodyStatus: 'full' | 'partial',
): Promise<IngestResult> {
  const parsed = await parseMessage(source);
  const { db } = writer;
  return writeTransaction(db, (changes) => {
    const result = commitMessage(db, changes, {
      accountId: target.accountId,
      folderId: target.folderId,
      key: { kind: 'pop3', uidl },
      source,
      parsed,
      bodyStatus,
    });
    recordDownload(db, target.accountId, uidl, result.messageId, Date.now());
    return result;
  });
}
