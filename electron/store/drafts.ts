import type { ComposeContent, Draft, DraftSummary } from '../../shared/contract/outgoing';
import { type ErrorData, HomingError } from '../../shared/errors';
import { prepare, type ReadDb, type WriteDb } from './db';
import type { ChangeRecorder } from './write-transaction';

/**
 * Drafts (migration 0005). The local row is the truth, saved whenever the composer pauses; the copy in
 * the server's Drafts folder follows it. `revision` counts local saves, `server_revision` says which one
 * the server has; `server_uid` under `server_uidvalidity` is the one copy we put there, the only message
 * ever removed from Drafts on the draft's behalf.
 */

interface DraftRow {
  id: number;
  account_id: string;
  content: string;
  message_id: string;
  revision: number;
  server_revision: number | null;
  server_folder: string | null;
  server_uidvalidity: number | null;
  server_uid: number | null;
  server_error_code: string | null;
  server_error_message: string | null;
  created_at: number;
  updated_at: number;
}

const COLUMNS = `id, account_id, content, message_id, revision, server_revision, server_folder, server_uidvalidity, server_uid,
  server_error_code, server_error_message, created_at, updated_at`;

/** A draft with what the Drafts-folder sync needs. */
export interface DraftRecord extends Draft {
  messageId: string;
  revision: number;
  serverRevision: number | null;
  serverCopyAt: { folder: string; uidvalidity: number; uid: number } | null;
}

function toRecord(row: DraftRow, serverKept: boolean): DraftRecord {
  const error: ErrorData | null = row.server_error_code ? ({ code: row.server_error_code, message: row.server_error_message ?? '' } as ErrorData) : null;
  const serverCopy: Draft['serverCopy'] = !serverKept
    ? 'local'
    : error
      ? 'failed'
      : row.server_revision === row.revision
        ? 'saved'
        : 'pending';
  return {
    id: row.id,
    accountId: row.account_id,
    content: JSON.parse(row.content) as ComposeContent,
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
    serverCopy,
    serverError: error,
    messageId: row.message_id,
    revision: row.revision,
    serverRevision: row.server_revision,
    serverCopyAt:
      row.server_folder !== null && row.server_uidvalidity !== null && row.server_uid !== null
        ? { folder: row.server_folder, uidvalidity: row.server_uidvalidity, uid: row.server_uid }
        : null,
  };
}

/** Whether the account keeps draft copies on a server (IMAP); POP3 and Local Folders keep them here only. */
function keptOnServer(db: ReadDb, accountId: string): boolean {
  return prepare<[string], { protocol: string }>(db, 'SELECT protocol FROM accounts WHERE id = ?').get(accountId)?.protocol === 'imap';
}

export function findDraft(db: ReadDb, id: number): DraftRecord | null {
  const row = prepare<[number], DraftRow>(db, `SELECT ${COLUMNS} FROM drafts WHERE id = ?`).get(id);
  return row ? toRecord(row, keptOnServer(db, row.account_id)) : null;
}

export function getDraft(db: ReadDb, id: number): DraftRecord {
  const draft = findDraft(db, id);
  if (!draft) throw new HomingError('NOT_FOUND', `No draft with id ${id}.`);
  return draft;
}

export function listDrafts(db: ReadDb, accountId?: string): DraftSummary[] {
  const rows = accountId
    ? prepare<[string], DraftRow>(db, `SELECT ${COLUMNS} FROM drafts WHERE account_id = ? ORDER BY updated_at DESC, id DESC`).all(accountId)
    : prepare<[], DraftRow>(db, `SELECT ${COLUMNS} FROM drafts ORDER BY updated_at DESC, id DESC`).all();
  return rows.map((row) => {
    const draft = toRecord(row, keptOnServer(db, row.account_id));
    return { id: draft.id, accountId: draft.accountId, subject: draft.content.subject, to: draft.content.to, updatedAt: draft.updatedAt, serverCopy: draft.serverCopy };
  });
}

/** Drafts whose newest revision the server does not have yet (IMAP accounts). */
export function draftsToUpload(db: ReadDb, accountId: string): DraftRecord[] {
  return prepare<[string], DraftRow>(
    db,
    `SELECT ${COLUMNS} FROM drafts WHERE account_id = ? AND (server_revision IS NULL OR server_revision != revision) ORDER BY id`,
  )
    .all(accountId)
    .map((row) => toRecord(row, true));
}

/** A new draft (no id) or the next revision of one. The account of a draft never changes. */
export function saveDraftRow(db: WriteDb, changes: ChangeRecorder, id: number | null, content: ComposeContent, messageId: string): DraftRecord {
  const now = Date.now();
  let draftId = id;
  if (draftId === null) {
    draftId = Number(
      prepare(db, 'INSERT INTO drafts (account_id, content, message_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?)').run(
        content.accountId,
        JSON.stringify(content),
        messageId,
        now,
        now,
      ).lastInsertRowid,
    );
  } else {
    const current = getDraft(db, draftId);
    if (current.accountId !== content.accountId) {
      throw new HomingError('INVALID_ARGUMENT', 'A draft stays with its account: start a new draft to send from another one.');
    }
    prepare(db, 'UPDATE drafts SET content = ?, revision = revision + 1, updated_at = ?, server_error_code = NULL, server_error_message = NULL WHERE id = ?').run(
      JSON.stringify(content),
      now,
      draftId,
    );
  }
  changes.draft(content.accountId, draftId);
  return getDraft(db, draftId);
}

/** The server now holds `revision` of the draft, as `uid` in `folder`. */
export function markDraftUploaded(
  db: WriteDb,
  changes: ChangeRecorder,
  draft: Pick<DraftRecord, 'id' | 'accountId'>,
  revision: number,
  at: { folder: string; uidvalidity: number; uid: number } | null,
): void {
  prepare(
    db,
    `UPDATE drafts SET server_revision = ?, server_folder = ?, server_uidvalidity = ?, server_uid = ?, server_error_code = NULL, server_error_message = NULL
     WHERE id = ?`,
  ).run(revision, at?.folder ?? null, at?.uidvalidity ?? null, at?.uid ?? null, draft.id);
  changes.draft(draft.accountId, draft.id);
}

export function markDraftUploadFailed(db: WriteDb, changes: ChangeRecorder, draft: Pick<DraftRecord, 'id' | 'accountId'>, error: ErrorData): void {
  prepare(db, 'UPDATE drafts SET server_error_code = ?, server_error_message = ? WHERE id = ?').run(error.code, error.message, draft.id);
  changes.draft(draft.accountId, draft.id);
}

export function deleteDraftRow(db: WriteDb, changes: ChangeRecorder, draft: Pick<DraftRecord, 'id' | 'accountId'>): void {
  prepare<[number]>(db, 'DELETE FROM drafts WHERE id = ?').run(draft.id);
  changes.draft(draft.accountId, draft.id);
}
