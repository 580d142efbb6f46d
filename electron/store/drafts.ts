import type { ComposeContent, Draft, DraftSummary } from '../../shared/contract/outgoing';
import { type ErrorData, HomingError } from '../../shared/errors';
import { prepare, type ReadDb, type WriteDb } from './db';
import type { ChangeRecorder } from './write-transaction';

/**
 * Drafts (migrations 0005, 0013). The local row is the truth, saved whenever the composer pauses; on
 * accounts that keep drafts on the server (`kept_on_server`, set by the writer from the account's engine)
 * the copy in the server's Drafts folder follows it. `revision` counts local saves, `server_revision` says
 * which one the server has; `server_uid` under `server_uidvalidity` is the one copy we put there, the only
 * message ever removed from Drafts on the draft's behalf. Each revision's copy carries a Message-ID of its
 * own (`revisionMessageId`), so a copy whose APPEND was cut short can be found again.
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
  kept_on_server: number;
  discarded: number;
  upload_started: number | null;
  created_at: number;
  updated_at: number;
}

const COLUMNS = `id, account_id, content, message_id, revision, server_revision, server_folder, server_uidvalidity, server_uid,
  server_error_code, server_error_message, kept_on_server, discarded, upload_started, created_at, updated_at`;

/** A draft with what the Drafts-folder sync needs. */
export interface DraftRecord extends Draft {
  messageId: string;
  revision: number;
  serverRevision: number | null;
  serverCopyAt: { folder: string; uidvalidity: number; uid: number } | null;
  /** The revision whose APPEND went out (its copy may be on the server even if no UID was recorded). */
  uploadStarted: number | null;
}

/** The Message-ID of one revision's server copy: each revision's own, so it can be found after a crash. */
export function revisionMessageId(draft: Pick<DraftRecord, 'messageId' | 'revision'>, revision = draft.revision): string {
  const at = draft.messageId.lastIndexOf('@');
  return at < 0 ? `${draft.messageId}.r${revision}` : `${draft.messageId.slice(0, at)}.r${revision}${draft.messageId.slice(at)}`;
}

function toRecord(row: DraftRow): DraftRecord {
  const error: ErrorData | null = row.server_error_code ? ({ code: row.server_error_code, message: row.server_error_message ?? '' } as ErrorData) : null;
  const serverCopy: Draft['serverCopy'] = row.kept_on_server === 0
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
    uploadStarted: row.upload_started,
  };
}

export function findDraft(db: ReadDb, id: number): DraftRecord | null {
  const row = prepare<[number], DraftRow>(db, `SELECT ${COLUMNS} FROM drafts WHERE id = ? AND discarded = 0`).get(id);
  return row ? toRecord(row) : null;
}

export function getDraft(db: ReadDb, id: number): DraftRecord {
  const draft = findDraft(db, id);
  if (!draft) throw new HomingError('NOT_FOUND', `No draft with id ${id}.`);
  return draft;
}

export function listDrafts(db: ReadDb, accountId?: string): DraftSummary[] {
  const rows = accountId
    ? prepare<[string], DraftRow>(db, `SELECT ${COLUMNS} FROM drafts WHERE account_id = ? AND discarded = 0 ORDER BY updated_at DESC, id DESC`).all(accountId)
    : prepare<[], DraftRow>(db, `SELECT ${COLUMNS} FROM drafts WHERE discarded = 0 ORDER BY updated_at DESC, id DESC`).all();
  return rows.map((row) => {
    const draft = toRecord(row);
    return { id: draft.id, accountId: draft.accountId, subject: draft.content.subject, to: draft.content.to, updatedAt: draft.updatedAt, serverCopy: draft.serverCopy };
  });
}

/**
 * Server work for an account's drafts (IMAP): revisions the server does not have yet, untouched for at
 * least `quietMs` (the composer saves every few seconds; only a pause is uploaded), and discarded drafts
 * whose copy is still there.
 */
export function draftServerWork(db: ReadDb, accountId: string, now: number, quietMs: number): { upload: DraftRecord[]; remove: DraftRecord[] } {
  const upload = prepare<[string, number], DraftRow>(
    db,
    `SELECT ${COLUMNS} FROM drafts WHERE account_id = ? AND kept_on_server = 1 AND discarded = 0 AND (server_revision IS NULL OR server_revision != revision)
       AND server_error_code IS NULL AND updated_at <= ? ORDER BY id`,
  )
    .all(accountId, now - quietMs)
    .map((row) => toRecord(row));
  const remove = prepare<[string], DraftRow>(db, `SELECT ${COLUMNS} FROM drafts WHERE account_id = ? AND kept_on_server = 1 AND discarded = 1 ORDER BY id`)
    .all(accountId)
    .map((row) => toRecord(row));
  return { upload, remove };
}

/** Accounts with drafts waiting for their server, and when the earliest becomes due. */
export function draftsDueAt(db: ReadDb, quietMs: number): Array<{ accountId: string; at: number }> {
  return prepare<[number], { account_id: string; at: number }>(
    db,
    `SELECT account_id, MIN(CASE WHEN discarded = 1 THEN 0 ELSE updated_at + ? END) AS at FROM drafts
     WHERE kept_on_server = 1 AND (discarded = 1 OR ((server_revision IS NULL OR server_revision != revision) AND server_error_code IS NULL))
     GROUP BY account_id`,
  )
    .all(quietMs)
    .map((r) => ({ accountId: r.account_id, at: r.at }));
}

/** The APPEND of `revision` is about to go out. */
export function markDraftUploadStarted(db: WriteDb, changes: ChangeRecorder, draft: Pick<DraftRecord, 'id' | 'accountId'>, revision: number): void {
  prepare(db, 'UPDATE drafts SET upload_started = ? WHERE id = ?').run(revision, draft.id);
  changes.draft(draft.accountId, draft.id);
}

/**
 * A draft that is deleted or sent: gone at once when the server has no copy of it; otherwise it stays,
 * hidden, until the copy is removed (drafts-sync.ts).
 */
export function discardDraft(db: WriteDb, changes: ChangeRecorder, draft: Pick<DraftRecord, 'id' | 'accountId'>): void {
  const row = prepare<[number], { server_uid: number | null; upload_started: number | null }>(db, 'SELECT server_uid, upload_started FROM drafts WHERE id = ?').get(draft.id);
  if (!row) return;
  if (row.server_uid === null && row.upload_started === null) prepare<[number]>(db, 'DELETE FROM drafts WHERE id = ?').run(draft.id);
  else prepare<[number]>(db, 'UPDATE drafts SET discarded = 1 WHERE id = ?').run(draft.id);
  changes.draft(draft.accountId, draft.id);
}

/**
 * A new draft (no id) or the next revision of one. The account of a draft never changes; `keptOnServer`
 * (whether the account's engine mirrors a server) counts for a new draft only.
 */
export function saveDraftRow(
  db: WriteDb,
  changes: ChangeRecorder,
  id: number | null,
  content: ComposeContent,
  created: { messageId: string; keptOnServer: boolean },
): DraftRecord {
  const now = Date.now();
  let draftId = id;
  if (draftId === null) {
    draftId = Number(
      prepare(db, 'INSERT INTO drafts (account_id, content, message_id, kept_on_server, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)').run(
        content.accountId,
        JSON.stringify(content),
        created.messageId,
        created.keptOnServer ? 1 : 0,
        now,
        now,
      ).lastInsertRowid,
    );
  } else {
    const current = getDraft(db, draftId);
    if (current.accountId !== content.accountId) {
      throw new HomingError('INVALID_ARGUMENT', 'A draft stays with its account: start a new draft to send from another one.');
    }
    prepare(db, 'UPDATE drafts SET content = ?, revision = revision + 1, updated_at = ?, server_error_code = NULL, server_error_message = NULL WHERE id = ? AND discarded = 0').run(
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
    `UPDATE drafts SET server_revision = ?, server_folder = ?, server_uidvalidity = ?, server_uid = ?, upload_started = NULL,
       server_error_code = NULL, server_error_message = NULL WHERE id = ?`,
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
