import type { ListResponse } from 'imapflow';
import type { SpecialUse } from '../../../../shared/contract/messages';
import type { FolderInput } from '../../../store/folders';
import type { ImapConnection } from '../../../protocols/imap/imap-connection';

/** A mailbox as the server lists it, with its STATUS (LIST-STATUS, RFC 5819, when offered; imapflow falls back to STATUS per folder). */
export interface ServerFolder extends FolderInput {
  /** \Noselect / \NonExistent: a node of the hierarchy that holds no messages (RFC 3501 section 7.2.2, RFC 5258). */
  selectable: boolean;
  status: { uidvalidity: number | null; uidnext: number | null; messages: number | null; highestmodseq: number | null };
}

const SPECIAL_USES: Record<string, SpecialUse> = {
  '\\inbox': 'inbox',
  '\\sent': 'sent',
  '\\drafts': 'drafts',
  '\\trash': 'trash',
  '\\junk': 'junk',
  '\\archive': 'archive',
  '\\all': 'all',
  '\\flagged': 'flagged',
};

const asNumber = (value: bigint | number | undefined | null): number | null => (value === undefined || value === null ? null : Number(value));

/**
 * LIST (with SPECIAL-USE, RFC 6154, and subscriptions) and STATUS of every mailbox. Names come decoded
 * from modified UTF-7 (RFC 3501 section 5.1.3) or UTF-8 (UTF8=ACCEPT) by imapflow.
 */
export async function listFolders(connection: ImapConnection): Promise<ServerFolder[]> {
  const list: ListResponse[] = await connection.client.list({
    statusQuery: { uidValidity: true, uidNext: true, messages: true, highestModseq: connection.has('CONDSTORE') },
  });
  const folders: ServerFolder[] = [];
  for (const entry of list) {
    const flags = new Set([...entry.flags].map((f) => f.toLowerCase()));
    if (flags.has('\\nonexistent')) continue;
    const isInbox = entry.path.toUpperCase() === 'INBOX';
    const specialUse = isInbox ? 'inbox' : (SPECIAL_USES[(entry.specialUse ?? '').toLowerCase()] ?? null);
    folders.push({
      path: isInbox ? 'INBOX' : entry.path,
      name: isInbox ? 'INBOX' : entry.name,
      parentPath: entry.parentPath ? entry.parentPath : null,
      delimiter: entry.delimiter ?? null,
      specialUse,
      // INBOX is always wanted, whatever the subscription list says. imapflow leaves `subscribed` unset for an
      // unsubscribed mailbox, and sets it on every mailbox of a server that reports no subscriptions at all.
      subscribed: isInbox || entry.subscribed === true,
      selectable: !flags.has('\\noselect'),
      status: {
        uidvalidity: asNumber(entry.status?.uidValidity),
        uidnext: asNumber(entry.status?.uidNext),
        messages: asNumber(entry.status?.messages),
        highestmodseq: asNumber(entry.status?.highestModseq),
      },
    });
  }
  if (!folders.some((f) => f.path === 'INBOX')) {
    // RFC 3501 section 5.1: INBOX always exists; a server that does not list it still has one.
    folders.push({
      path: 'INBOX',
      name: 'INBOX',
      parentPath: null,
      delimiter: folders[0]?.delimiter ?? null,
      specialUse: 'inbox',
      subscribed: true,
      selectable: true,
      status: { uidvalidity: null, uidnext: null, messages: null, highestmodseq: null },
    });
  }
  return folders;
}
