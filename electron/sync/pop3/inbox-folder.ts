import type { WriteDb } from '../../store/db';
import { type FolderRow, upsertFolder } from '../../store/folders';
import { writeTransaction } from '../../store/write-transaction';

/** POP3 has one mailbox (RFC 1939 §1, the maildrop): it is the account's INBOX here. */
export const POP3_INBOX_PATH = 'INBOX';

export function ensureInbox(db: WriteDb, accountId: string): FolderRow {
  return writeTransaction(db, (changes) =>
    upsertFolder(db, changes, accountId, {
      path: POP3_INBOX_PATH,
      name: 'Inbox',
      parentPath: null,
      delimiter: null,
      specialUse: 'inbox',
      subscribed: true,
    }),
  );
}
