import type { Account } from '../../../shared/contract/accounts';
import { HomingError, toErrorData } from '../../../shared/errors';
import { buildMessage } from '../../mime/build-message';
import type { ImapConnection } from '../../protocols/imap/imap-connection';
import type { WriteDb } from '../../store/db';
import {
  deleteDraftRow,
  type DraftRecord,
  markDraftUploaded,
  markDraftUploadFailed,
  markDraftUploadStarted,
  revisionMessageId,
} from '../../store/drafts';
import { defaultIdentity, findIdentity } from '../../store/identities';
import { writeTransaction } from '../../store/write-transaction';
import type { SyncEngineContext } from '../engine';
import { connectAccount } from '../imap/imap-pass';
import { deleteExactly } from '../imap/ops/delete-exactly';

/** Names servers without SPECIAL-USE give their Drafts folder, in the order we look for them. */
const DRAFT_NAMES = ['Drafts', 'Draft', 'INBOX.Drafts', 'INBOX/Drafts'];

/**
 * Keeps the server's Drafts folder in step with the local drafts of an IMAP account (the local row is the
 * truth; the composer saves it as the user types):
 * - a revision the server does not have is uploaded (APPEND with \Draft and \Seen, under a Message-ID of
 *   its own: `upload_started` is committed first, and after a crash the copy is looked for by that
 *   Message-ID before it is uploaded again);
 * - then the previous copy is removed, by its UID only (deleteExactly: UID EXPUNGE of exactly that message,
 *   or without UIDPLUS a plain EXPUNGE with other clients' \Deleted messages unmarked for it). A copy someone changed
 *   meanwhile is a message of its own with another UID: it is never touched, so it stays beside ours;
 * - a deleted or sent draft's copy is removed the same way, then the row goes.
 * Connection failures leave everything for the next run; a refusal is kept on the draft (`failed`).
 */
export async function syncDrafts(engine: SyncEngineContext, work: { upload: DraftRecord[]; remove: DraftRecord[] }): Promise<void> {
  if (work.upload.length === 0 && work.remove.length === 0) return;
  const { db } = engine.writer;
  const connection = await connectAccount({ ...engine, progress: () => undefined });
  try {
    const folder = await draftsFolder(connection);
    const lock = await connection.client.getMailboxLock(folder);
    try {
      const uidvalidity = Number(connection.client.mailbox ? connection.client.mailbox.uidValidity : 0);
      for (const draft of work.upload) {
        if (engine.signal.aborted) return;
        try {
          await uploadDraft(db, engine.account, connection, folder, uidvalidity, draft);
        } catch (error) {
          const coded = connection.mapError(error);
          if (!connection.usable) throw coded;
          writeTransaction(db, (changes) => markDraftUploadFailed(db, changes, draft, toErrorData(coded)));
        }
      }
      for (const draft of work.remove) {
        if (engine.signal.aborted) return;
        await removeCopy(connection, await withCopyFound(connection, draft, folder, uidvalidity), uidvalidity);
        writeTransaction(db, (changes) => deleteDraftRow(db, changes, draft));
      }
    } finally {
      lock.release();
    }
  } finally {
    await connection.logout();
  }
}

async function uploadDraft(
  db: WriteDb,
  account: Account,
  connection: ImapConnection,
  folder: string,
  uidvalidity: number,
  draft: DraftRecord,
): Promise<void> {
  const { client } = connection;
  const revision = draft.revision;
  const messageId = revisionMessageId(draft, revision);
  let uid: number | null = null;
  if (draft.uploadStarted === revision) {
    // An APPEND of this revision went out before a crash: it may be there already.
    const found = await client.search({ header: { 'message-id': messageId } }, { uid: true });
    uid = found && found.length > 0 ? Math.max(...found) : null;
  }
  if (uid === null) {
    const raw = await draftBytes(db, account, draft, messageId);
    writeTransaction(db, (changes) => markDraftUploadStarted(db, changes, draft, revision));
    const appended = await client.append(folder, raw, ['\\Draft', '\\Seen'], new Date(draft.updatedAt));
    if (!appended) throw connection.takeCommandError() ?? new HomingError('SERVER_ERROR', `The server refused to store the draft in ${folder}.`);
    uid = appended.uid ?? null;
    if (uid === null) {
      // No APPENDUID (no UIDPLUS): find our copy by its own Message-ID.
      const found = await client.search({ header: { 'message-id': messageId } }, { uid: true });
      uid = found && found.length > 0 ? Math.max(...found) : null;
    }
  }
  const previous = draft.serverCopyAt;
  writeTransaction(db, (changes) => markDraftUploaded(db, changes, draft, revision, uid === null ? null : { folder, uidvalidity, uid }));
  if (previous && previous.uid !== uid) await removeCopy(connection, { ...draft, serverCopyAt: previous }, uidvalidity);
}

/** A draft whose APPEND went out before a crash, with no UID recorded: its copy, found by its Message-ID. */
async function withCopyFound(connection: ImapConnection, draft: DraftRecord, folder: string, uidvalidity: number): Promise<DraftRecord> {
  if (draft.serverCopyAt || draft.uploadStarted === null) return draft;
  const found = await connection.client.search({ header: { 'message-id': revisionMessageId(draft, draft.uploadStarted) } }, { uid: true });
  if (!found || found.length === 0) return draft;
  return { ...draft, serverCopyAt: { folder, uidvalidity, uid: Math.max(...found) } };
}

/**
 * Removes exactly the copy we put there (same folder, same UIDVALIDITY, that UID). Without UIDPLUS too: it
 * was left there, so a server without it kept every revision saved after a pause and every sent or
 * deleted draft in Drafts, for other clients to see and Homing to sync back.
 */
async function removeCopy(connection: ImapConnection, draft: DraftRecord, uidvalidity: number): Promise<void> {
  const at = draft.serverCopyAt;
  if (!at || at.uidvalidity !== uidvalidity) return;
  const { client } = connection;
  if (client.mailbox && client.mailbox.path !== at.folder) return;
  await deleteExactly(connection, [at.uid]);
}

/**
 * The draft as a message under the revision's Message-ID (recipients may be missing). Attachments the
 * composer handed over go with it; those named from stored messages (a forward) are added when it is sent.
 */
async function draftBytes(db: WriteDb, account: Account, draft: DraftRecord, messageId: string): Promise<Buffer> {
  const { content } = draft;
  const identity = (content.identityId !== undefined ? findIdentity(db, content.identityId) : null) ?? defaultIdentity(db, account.id);
  const built = await buildMessage({
    from: { name: identity?.name ?? '', address: identity?.address ?? account.email },
    replyTo: identity?.replyTo ?? null,
    to: content.to,
    cc: content.cc,
    subject: content.subject,
    text: content.text,
    html: content.html,
    attachments: content.attachments.flatMap((a) =>
      a.kind === 'data'
        ? [{ filename: a.filename, contentType: a.contentType, content: Buffer.from(a.base64, 'base64'), ...(a.contentId ? { contentId: a.contentId } : {}) }]
        : [],
    ),
    inReplyTo: null,
    references: [],
    messageId,
    date: new Date(draft.updatedAt),
  });
  return built.raw;
}

/** The server's Drafts folder: marked \Drafts (RFC 6154), else a usual name, else a new "Drafts". */
async function draftsFolder(connection: ImapConnection): Promise<string> {
  const { client } = connection;
  const folders = await client.list();
  const marked = folders.find((f) => f.specialUse === '\\Drafts');
  if (marked) return marked.path;
  const byName = new Map(folders.map((f) => [f.path.toLowerCase(), f.path]));
  for (const name of DRAFT_NAMES) {
    const path = byName.get(name.toLowerCase());
    if (path) return path;
  }
  return (await client.mailboxCreate('Drafts')).path;
}
