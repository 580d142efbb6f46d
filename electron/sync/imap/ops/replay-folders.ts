import { HomingError } from '../../../../shared/errors';
import { prepare } from '../../../store/db';
import { deleteFolder, findFolderById } from '../../../store/folders';
import type { QueuedOperation } from '../../../store/operation-queue';
import { forgetMessages, markSent, rewriteQueuedPaths } from '../../../store/operation-queue';
import { writeTransaction } from '../../../store/write-transaction';
import { findSpecialFolder } from '../../actions/local-folders';
import type { ImapPass } from '../imap-pass';

type FolderOperation = QueuedOperation & { kind: 'folder-create' | 'folder-rename' | 'folder-delete' | 'folder-subscribe' };

/** SPECIAL-USE attributes a folder made on demand asks for (RFC 6154 section 2). */
const USE_ATTRIBUTE = { trash: '\\Trash', archive: '\\Archive' } as const;

/**
 * CREATE, RENAME, DELETE and SUBSCRIBE, each exactly once: the operation is marked sent (in its own
 * transaction) before its command, and a sent one still queued after a crash looks at the server's folder
 * list before sending it again. None of the three is repeatable blindly (a second CREATE or DELETE is
 * refused, a second RENAME finds no source), and each is atomic on the server, so the list says whether
 * it happened. A server's refusal throws (the replay refuses the operation and rolls the folder back,
 * imap-folder-rollback.ts).
 */
export async function replayFolderOperation(pass: ImapPass, op: FolderOperation): Promise<void> {
  const { db, connection } = pass;
  const { client } = connection;
  const retry = op.sent !== null;
  if (!retry) writeTransaction(db, () => markSent(db, op.id, null));
  switch (op.kind) {
    case 'folder-create': {
      const { path, specialUse } = op.payload;
      if (!(retry && (await mailboxExists(pass, path)))) await createMailbox(pass, path, specialUse);
      if (op.payload.subscribe) await client.mailboxSubscribe(path);
      return;
    }
    case 'folder-rename': {
      const { from, to } = op.payload;
      try {
        await client.mailboxRename(from, to);
      } catch (error) {
        // Done already (before a crash), or refused: the folder list says which.
        if (!connection.usable || (await mailboxExists(pass, from)) || !(await mailboxExists(pass, to))) throw error;
        connection.takeCommandError();
      }
      // Subscriptions follow the name (RFC 3501 section 6.3.5 leaves them where they were).
      await client.mailboxSubscribe(to).catch(() => connection.takeCommandError());
      await client.mailboxUnsubscribe(from).catch(() => connection.takeCommandError());
      writeTransaction(db, () =>
        // Operations made before the rename and still waiting name the folder by its old path: it has the new one now.
        rewriteQueuedPaths(db, pass.account.id, { from, to, delimiter: delimiterOf(pass, op.payload.folderId) }, (id) => id < op.id),
      );
      return;
    }
    case 'folder-delete': {
      const { path } = op.payload;
      if (await mailboxExists(pass, path)) {
        await emptyIntoTrash(pass, path);
        try {
          await client.mailboxDelete(path);
        } catch (error) {
          if (!connection.usable || (await mailboxExists(pass, path))) throw error;
          connection.takeCommandError();
        }
      }
      await client.mailboxUnsubscribe(path).catch(() => connection.takeCommandError());
      writeTransaction(db, (changes) => {
        const folder = op.payload.folderId === null ? null : findFolderById(db, op.payload.folderId);
        if (!folder || !folder.deletedLocally) return;
        const left = prepare<[number], { id: number }>(db, 'SELECT id FROM messages WHERE folder_id = ?')
          .all(folder.id)
          .map((r) => r.id);
        forgetMessages(db, left);
        deleteFolder(db, changes, folder.id);
      });
      return;
    }
    case 'folder-subscribe':
      if (op.payload.subscribed) await client.mailboxSubscribe(op.payload.path);
      else await client.mailboxUnsubscribe(op.payload.path);
      return;
  }
}

function delimiterOf(pass: ImapPass, folderId: number): string | null {
  return findFolderById(pass.db, folderId)?.delimiter ?? '/';
}

/** Whether the server lists the mailbox (LIST "" "*": the one answer every server gives alike). */
async function mailboxExists(pass: ImapPass, path: string): Promise<boolean> {
  const listed = await pass.connection.client.list();
  return listed.some((entry) => entry.path === path || (path.toUpperCase() === 'INBOX' && entry.path.toUpperCase() === 'INBOX'));
}

/**
 * CREATE, with the special use it is made for where the server has CREATE-SPECIAL-USE (RFC 6154 section
 * 3: `CREATE name (USE (\Archive))`), else plain (imapflow writes the name in modified UTF-7 and
 * subscribes it; a folder that exists already counts as made).
 */
async function createMailbox(pass: ImapPass, path: string, specialUse: 'trash' | 'archive' | undefined): Promise<void> {
  const { connection } = pass;
  // ASCII only: the special folders are named Trash and Archive, and no encoding is then needed.
  if (specialUse && connection.has('CREATE-SPECIAL-USE') && /^[\x20-\x7e]+$/.test(path) && !path.includes('&')) {
    const exec = (connection.client as unknown as { exec?: ExecFn }).exec?.bind(connection.client);
    if (exec) {
      try {
        const response = await exec('CREATE', [
          { type: 'STRING', value: path },
          [{ type: 'ATOM', value: 'USE' }, [{ type: 'ATOM', value: USE_ATTRIBUTE[specialUse] }]],
        ]);
        response.next();
        return;
      } catch (error) {
        const code = (error as { response?: { attributes?: Array<{ section?: Array<{ value?: string }> }> } }).response?.attributes?.[0]?.section?.[0]?.value;
        if (code === 'ALREADYEXISTS') return;
        // A server that lists the capability and still refuses the USE list: the folder is made by name.
        if (!connection.usable) throw error;
        connection.takeCommandError();
      }
    }
  }
  const created = await connection.client.mailboxCreate(path);
  if (!created) throw new HomingError('OPERATION_REFUSED', `The server refused to create the folder ${path}.`);
}

type ExecFn = (command: string, attributes: unknown[]) => Promise<{ next(): void }>;

/**
 * Messages the folder holds that the store did not know (they arrived after the last sync) go to the
 * Trash before DELETE, as the ones the store knew did: nothing is lost with the folder.
 */
async function emptyIntoTrash(pass: ImapPass, path: string): Promise<void> {
  const { client } = pass.connection;
  const status = await client.status(path, { messages: true });
  if (!status || !status.messages) return;
  const trash = findSpecialFolder(pass.db, pass.account.id, 'trash', []);
  if (!trash) {
    throw new HomingError('OPERATION_REFUSED', `The folder ${path} holds messages and this account has no Trash to put them in, so it was not deleted.`);
  }
  await client.mailboxOpen(path, { readOnly: false });
  const moved = await client.messageMove('1:*', trash.path);
  if (!moved) {
    const error = pass.connection.takeCommandError();
    throw new HomingError('OPERATION_REFUSED', `The server refused to move what is left in ${path} to the Trash${error ? `: ${error.message}` : ''}.`, error?.detail);
  }
}
