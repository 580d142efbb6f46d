import type { Account } from '../../../shared/contract/accounts';
import { HomingError, toErrorData } from '../../../shared/errors';
import { withBccField } from '../../mime/build-message';
import { parseMessage } from '../../mime/parse-message';
import type { ImapConnection } from '../../protocols/imap/imap-connection';
import { prepare, type WriteDb } from '../../store/db';
import { findFolderByPath, type FolderRow, upsertFolder } from '../../store/folders';
import { commitMessage } from '../../store/ingest';
import { findOutboxRecord, markAppendStarted, markFiled, markFilingFailed, type OutboxRecord, outboxContent, outboxRaw } from '../../store/outbox';
import { writeTransaction } from '../../store/write-transaction';
import { backoffDelay, sleep } from '../backoff';
import type { SyncEngineContext } from '../engine';
import { engineFor } from '../engines';
import { connectAccount } from '../imap/imap-pass';
import { OUTGOING_LIMITS } from './limits';
import type { SubmitHooks } from './submit';

/** Names servers without SPECIAL-USE give their Sent folder, in the order we look for them. */
const SENT_NAMES = ['Sent', 'Sent Items', 'Sent Messages', 'Sent Mail', 'INBOX.Sent', 'INBOX/Sent'];

/**
 * Files the copies of sent messages, exactly once each, and never sends anything. IMAP: in the Sent folder
 * (SPECIAL-USE \Sent, else the usual names, else one is created), with \Seen and the submitted bytes (plus a Bcc field naming the blind copies), unless a
 * copy with the message's Message-ID is already there: the server filed its own (looked for after a short
 * wait), or our own APPEND went through before a crash (`append_started`). POP3: a local Sent folder. A
 * copy that cannot be filed stays `sent`, with the reason, and is tried again later.
 */
export async function fileSentCopies(engine: SyncEngineContext, items: OutboxRecord[], hooks: SubmitHooks = {}): Promise<void> {
  const { account, signal } = engine;
  const { db } = engine.writer;
  if (items.length === 0) return;
  // An account whose folders mirror a server (IMAP) files there; the others (POP3) keep Sent here.
  if (!engineFor(account).mirrorsServer) {
    for (const item of items) await fileLocally(db, account, item, hooks);
    return;
  }
  // Give a server that files its own copy the time to do so.
  const youngest = Math.max(...items.map((item) => (item.sentAt ? Date.parse(item.sentAt) : 0)));
  const wait = youngest + OUTGOING_LIMITS.sentCopyWaitMs - Date.now();
  if (wait > 0 && !(await sleep(wait, signal))) return;

  let connection: ImapConnection;
  try {
    connection = await connectAccount({ ...engine, progress: () => undefined });
  } catch (error) {
    failAll(db, items, toErrorData(error));
    return;
  }
  try {
    const folder = await sentFolder(connection);
    const lock = await connection.client.getMailboxLock(folder);
    try {
      for (const item of items) {
        if (signal.aborted) return;
        const current = findOutboxRecord(db, item.id);
        if (current?.state !== 'sent') continue;
        await fileOnServer(db, account, connection, folder, current, hooks);
      }
    } finally {
      lock.release();
    }
  } catch (error) {
    failAll(db, items, toErrorData(connection.mapError(error)));
  } finally {
    await connection.logout();
  }
}

async function fileOnServer(db: WriteDb, account: Account, connection: ImapConnection, folder: string, item: OutboxRecord, hooks: SubmitHooks): Promise<void> {
  const { client } = connection;
  const found = await client.search({ header: { 'message-id': item.messageId } }, { uid: true });
  if (found && found.length > 0) {
    writeTransaction(db, (changes) => markFiled(db, changes, item, item.appendStarted ? 'appended' : 'server'));
    hooks.onState?.(item, 'filed');
    return;
  }
  const raw = await sentCopyBytes(db, item.id);
  writeTransaction(db, (changes) => markAppendStarted(db, changes, item));
  hooks.onState?.(item, 'appending');
  const sentAt = item.sentAt ? new Date(item.sentAt) : new Date();
  const appended = await client.append(folder, raw, ['\\Seen'], sentAt);
  if (!appended) throw connection.takeCommandError() ?? new HomingError('SERVER_ERROR', `The server refused to store the copy in ${folder}.`);
  // The copy goes into the store too, under the UID the server gave it (UIDPLUS), when the store knows the
  // folder at that UIDVALIDITY; otherwise the next sync brings it.
  const storeFolder = findFolderByPath(db, account.id, folder);
  const uid = appended.uid;
  const uidvalidity = appended.uidValidity !== undefined ? Number(appended.uidValidity) : null;
  const parsed = storeFolder && uid && uidvalidity && storeFolder.uidvalidity === uidvalidity ? await parseMessage({ kind: 'buffer', bytes: raw }) : null;
  writeTransaction(db, (changes) => {
    if (parsed && storeFolder && uid && uidvalidity) {
      commitMessage(db, changes, {
        accountId: account.id,
        folderId: storeFolder.id,
        key: { kind: 'imap', uidvalidity, uid },
        source: { kind: 'buffer', bytes: raw },
        parsed,
        flags: ['\\Seen'],
        internalDate: sentAt,
      });
    }
    markFiled(db, changes, item, 'appended');
  });
  hooks.onState?.(item, 'filed');
}

/** The copy for Sent: the submitted bytes, with a Bcc field naming the blind copies' recipients (build-message.ts withBccField). */
async function sentCopyBytes(db: WriteDb, id: number): Promise<Buffer> {
  return withBccField(outboxRaw(db, id), outboxContent(db, id).bcc);
}

/** POP3 (and any account without a server folder): the account's own Sent folder here, made when needed. */
async function fileLocally(db: WriteDb, account: Account, item: OutboxRecord, hooks: SubmitHooks): Promise<void> {
  const current = findOutboxRecord(db, item.id);
  if (current?.state !== 'sent') return;
  const raw = await sentCopyBytes(db, item.id);
  const parsed = await parseMessage({ kind: 'buffer', bytes: raw });
  writeTransaction(db, (changes) => {
    const folder = localSentFolder(db, changes, account.id);
    commitMessage(db, changes, {
      accountId: account.id,
      folderId: folder.id,
      key: { kind: 'local' },
      source: { kind: 'buffer', bytes: raw },
      parsed,
      flags: ['\\Seen'],
      internalDate: current.sentAt ? new Date(current.sentAt) : new Date(),
    });
    markFiled(db, changes, current, 'local');
  });
  hooks.onState?.(item, 'filed');
}

function localSentFolder(db: WriteDb, changes: Parameters<typeof upsertFolder>[1], accountId: string): FolderRow {
  const existing = prepare<[string], { path: string }>(db, "SELECT path FROM folders WHERE account_id = ? AND special_use = 'sent' ORDER BY id LIMIT 1").get(accountId);
  if (existing) return findFolderByPath(db, accountId, existing.path)!;
  return upsertFolder(db, changes, accountId, { path: 'Sent', name: 'Sent', parentPath: null, delimiter: '/', specialUse: 'sent', subscribed: true });
}

/**
 * The server's Sent folder: the one marked \Sent (RFC 6154), else one of the usual names, else a new
 * "Sent" (the name every client recognises; imapflow's CREATE cannot ask for the \Sent mark).
 * SENT_FOLDER_MISSING when none can be had: the copy then waits, it is never dropped.
 */
async function sentFolder(connection: ImapConnection): Promise<string> {
  const { client } = connection;
  const folders = await client.list();
  const marked = folders.find((f) => f.specialUse === '\\Sent');
  if (marked) return marked.path;
  const byName = new Map(folders.map((f) => [f.path.toLowerCase(), f.path]));
  for (const name of SENT_NAMES) {
    const path = byName.get(name.toLowerCase());
    if (path) return path;
  }
  try {
    const created = await client.mailboxCreate('Sent');
    return created.path;
  } catch (error) {
    throw new HomingError('SENT_FOLDER_MISSING', 'The server has no Sent folder and refused to create one; sent messages wait to be filed.', {
      reason: toErrorData(connection.mapError(error)).message,
      fix: 'check-settings',
    });
  }
}

function failAll(db: WriteDb, items: OutboxRecord[], error: ReturnType<typeof toErrorData>): void {
  writeTransaction(db, (changes) => {
    for (const item of items) {
      const current = findOutboxRecord(db, item.id);
      if (current?.state !== 'sent') continue;
      markFilingFailed(db, changes, current, error, Date.now() + Math.min(OUTGOING_LIMITS.filingBackoffCap, backoffDelay(current.filingAttempts)));
    }
  });
}
