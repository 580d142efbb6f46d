import type { StoreOptions } from 'imapflow';
import type { ImapConnection } from '../../../protocols/imap/imap-connection';
import { uidChunks, uidSet } from '../../../protocols/imap/uid-set';
import { imapLimits } from '../limits';

/**
 * STORE +FLAGS (\Deleted) and an expunge of exactly these UIDs of the selected folder. With UIDPLUS that is
 * UID EXPUNGE (RFC 4315 section 2.1). Without it the only EXPUNGE there is removes every message marked
 * \Deleted in the folder (RFC 3501 section 6.4.3), including those another client marked and left there
 * (Outlook, Roundcube and Thunderbird all have a "mark as deleted" mode; Homing shows such messages as it
 * shows any other): those lose \Deleted for the EXPUNGE and get it back after. What can go wrong leaves
 * them on the server (a connection lost before they are marked again: unmarked, never gone). One marked
 * by another client in the moment between the UID SEARCH and the EXPUNGE still goes: no command closes
 * that gap without UIDPLUS.
 */
export async function deleteExactly(connection: ImapConnection, uids: number[], options: { silent?: boolean } = {}): Promise<boolean> {
  const { client } = connection;
  const set = uidSet(uids);
  const storeOptions: StoreOptions = { uid: true, ...(options.silent ? { silent: true } : {}) };
  if (connection.has('UIDPLUS')) return client.messageDelete(set, storeOptions);
  const ours = new Set(uids);
  const marked = await client.search({ deleted: true }, { uid: true });
  if (!marked) return false;
  const others = marked.filter((uid) => !ours.has(uid));
  const chunks = uidChunks(others, (uid) => uid, imapLimits.uidSetChars).map((part) => uidSet(part));
  for (const chunk of chunks) {
    if (!(await client.messageFlagsRemove(chunk, ['\\Deleted'], { uid: true, silent: true }))) return false;
  }
  try {
    return await client.messageDelete(set, storeOptions);
  } finally {
    for (const chunk of chunks) await client.messageFlagsAdd(chunk, ['\\Deleted'], { uid: true, silent: true });
  }
}
