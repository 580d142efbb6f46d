import type { ComposeContent, OutboxItem, OutboxState, Recipient, ResponseTo } from '../../shared/contract/outgoing';
import { type ErrorData, HomingError } from '../../shared/errors';
import { prepare, type ReadDb, type WriteDb } from './db';
import type { ChangeRecorder } from './write-transaction';

/**
 * The outbox (migration 0005): one row per message handed to "Send", holding its final bytes and its
 * envelope. Every state change is its own commit, made before the step it announces:
 *
 *   queued --markSending--> sending --markHandedOver--> (sending, handed over) --markSent--> sent --markFiled--> filed
 *
 * `handed_over` is committed after the last byte of the message went to the server and before the final
 * dot, so a process that dies in `sending` is retried only when the server cannot have the message
 * (recoverInterrupted). From `sent` on, nothing is ever submitted again; `uncertain` and `failed` wait for
 * the user.
 */

interface OutboxRow {
  id: number;
  account_id: string;
  identity_id: number | null;
  message_id: string;
  subject: string;
  from_name: string;
  from_address: string;
  envelope_from: string;
  recipients: string;
  size: number;
  state: OutboxState;
  handed_over: number;
  not_before: number | null;
  attempts: number;
  error_code: string | null;
  error_message: string | null;
  error_detail: string | null;
  rejected: string;
  sent_at: number | null;
  append_started: number | null;
  filing_attempts: number;
  sent_copy: OutboxItem['sentCopy'];
  filed_at: number | null;
  response_to: string | null;
  created_at: number;
  refusals_seen: number;
  resend_of: number | null;
  /** A resend's first message: its recipients and those refused (JSON), for who has the message already. */
  first_recipients: string | null;
  first_rejected: string | null;
}

const COLUMNS = `id, account_id, identity_id, message_id, subject, from_name, from_address, envelope_from, recipients, size, state,
  handed_over, not_before, attempts, error_code, error_message, error_detail, rejected, sent_at, append_started, filing_attempts,
  sent_copy, filed_at, response_to, created_at, refusals_seen, resend_of,
  (SELECT f.recipients FROM outbox f WHERE f.id = outbox.resend_of) AS first_recipients,
  (SELECT f.rejected FROM outbox f WHERE f.id = outbox.resend_of) AS first_rejected`;

/** An outbox row with what the engine needs beyond the contract's OutboxItem. */
export interface OutboxRecord extends OutboxItem {
  envelopeFrom: string;
  handedOver: boolean;
  appendStarted: boolean;
  filingAttempts: number;
}

function toRecord(row: OutboxRow): OutboxRecord {
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  return {
    id: row.id,
    accountId: row.account_id,
    identityId: row.identity_id,
    messageId: row.message_id,
    subject: row.subject,
    from: { name: row.from_name, address: row.from_address },
    recipients: parseJson<string[]>(row.recipients, []),
    size: row.size,
    state: row.state,
    notBefore: iso(row.not_before),
    attempts: row.attempts,
    lastError: row.error_code
      ? ({
          code: row.error_code,
          message: row.error_message ?? '',
          ...(row.error_detail ? { detail: parseJson<Record<string, unknown>>(row.error_detail, {}) } : {}),
        } as ErrorData)
      : null,
    rejected: parseJson<Array<{ address: string; response: string }>>(row.rejected, []),
    refusalsSeen: row.refusals_seen === 1,
    sentAt: iso(row.sent_at),
    sentCopy: row.sent_copy,
    filedAt: iso(row.filed_at),
    createdAt: new Date(row.created_at).toISOString(),
    responseTo: row.response_to ? parseJson<ResponseTo | null>(row.response_to, null) : null,
    resendOf: row.resend_of,
    sentTo: row.resend_of === null ? [] : sentBefore(row),
    envelopeFrom: row.envelope_from,
    handedOver: row.handed_over === 1,
    appendStarted: row.append_started !== null,
    filingAttempts: row.filing_attempts,
  };
}

/**
 * Who has a resend's message already: the first message's recipients but those it was refused for and
 * those this row still sends it to (a resend of a resend names the same first message, so the ones a
 * partly taken resend served count too).
 */
function sentBefore(row: OutboxRow): string[] {
  const key = (address: string) => address.toLowerCase();
  const not = new Set([
    ...parseJson<string[]>(row.recipients, []),
    ...parseJson<Array<{ address: string }>>(row.rejected, []).map((r) => r.address),
    ...parseJson<Array<{ address: string }>>(row.first_rejected ?? '[]', []).map((r) => r.address),
  ].map(key));
  return parseJson<string[]>(row.first_recipients ?? '[]', []).filter((address) => !not.has(key(address)));
}

/** The contract's view of a record (the engine's own fields left out). */
export function toOutboxItem(record: OutboxRecord): OutboxItem {
  const { envelopeFrom: _e, handedOver: _h, appendStarted: _a, filingAttempts: _f, ...item } = record;
  return item;
}

export interface OutboxInsert {
  accountId: string;
  identityId: number | null;
  messageId: string;
  subject: string;
  from: Recipient;
  envelopeFrom: string;
  recipients: string[];
  raw: Buffer;
  notBefore: number | null;
  responseTo: ResponseTo | null;
  content: ComposeContent;
}

export function insertOutboxItem(db: WriteDb, changes: ChangeRecorder, input: OutboxInsert): OutboxRecord {
  const id = Number(
    prepare(
      db,
      `INSERT INTO outbox (account_id, identity_id, message_id, subject, from_name, from_address, envelope_from, recipients, raw, size,
         state, not_before, response_to, content, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'queued', ?, ?, ?, ?)`,
    ).run(
      input.accountId,
      input.identityId,
      input.messageId,
      input.subject,
      input.from.name,
      input.from.address,
      input.envelopeFrom,
      JSON.stringify(input.recipients),
      input.raw,
      input.raw.length,
      input.notBefore,
      input.responseTo ? JSON.stringify(input.responseTo) : null,
      JSON.stringify(input.content),
      Date.now(),
    ).lastInsertRowid,
  );
  changes.outboxItem(input.accountId, id);
  return getOutboxRecord(db, id);
}

export function findOutboxRecord(db: ReadDb, id: number): OutboxRecord | null {
  const row = prepare<[number], OutboxRow>(db, `SELECT ${COLUMNS} FROM outbox WHERE id = ?`).get(id);
  return row ? toRecord(row) : null;
}

export function getOutboxRecord(db: ReadDb, id: number): OutboxRecord {
  const record = findOutboxRecord(db, id);
  if (!record) throw new HomingError('NOT_FOUND', `No message with id ${id} in the outbox.`);
  return record;
}

/**
 * What waits (every state but filed, or all with `includeFiled`), oldest first. A filed message some of
 * whose recipients the server refused stays until the user has seen that (acknowledgeRefusals).
 */
export function listOutbox(db: ReadDb, options: { accountId?: string; includeFiled?: boolean } = {}): OutboxRecord[] {
  const where = [options.includeFiled ? '1 = 1' : "(state != 'filed' OR (rejected != '[]' AND refusals_seen = 0))", options.accountId ? 'account_id = ?' : '1 = 1'].join(' AND ');
  const params = options.accountId ? [options.accountId] : [];
  return prepare<unknown[], OutboxRow>(db, `SELECT ${COLUMNS} FROM outbox WHERE ${where} ORDER BY id`).all(...params).map(toRecord);
}

/** The exact bytes of an outbox message (empty once it is filed: the Sent copy holds them then). */
export function outboxRaw(db: ReadDb, id: number): Buffer {
  const row = prepare<[number], { raw: Buffer }>(db, 'SELECT raw FROM outbox WHERE id = ?').get(id);
  if (!row) throw new HomingError('NOT_FOUND', `No message with id ${id} in the outbox.`);
  return row.raw;
}

export function outboxContent(db: ReadDb, id: number): ComposeContent {
  const row = prepare<[number], { content: string }>(db, 'SELECT content FROM outbox WHERE id = ?').get(id);
  if (!row) throw new HomingError('NOT_FOUND', `No message with id ${id} in the outbox.`);
  return JSON.parse(row.content) as ComposeContent;
}

/**
 * Work that is due: `queued` whose time has come, and `sent` whose filing is due. `now` is when the caller
 * looks. With `retryWaiting` (a flush the user asked for), also everything that only waits out a retry's
 * backoff after a failed try: the user is telling us to try now. A time the user chose (the undo delay,
 * "send later") is never cut short this way: before its first try a message has no failed attempt. A
 * retry whose time is further ahead than any retry wait is due too (OUTBOX_RETRY_WAIT_LONGEST_MS).
 */
export function dueOutbox(db: ReadDb, now: number, accountId?: string, options: { retryWaiting?: boolean } = {}): OutboxRecord[] {
  const account = accountId ? 'AND account_id = ?' : '';
  const waitingOutRetry = "((state = 'queued' AND attempts > 0) OR (state = 'sent' AND filing_attempts > 0))";
  // A retry's time lies further ahead than any retry wait only when the clock went back since it was set.
  const retries = options.retryWaiting ? `OR ${waitingOutRetry}` : `OR (${waitingOutRetry} AND not_before > ?)`;
  return prepare<unknown[], OutboxRow>(
    db,
    `SELECT ${COLUMNS} FROM outbox WHERE state IN ('queued', 'sent') AND (not_before IS NULL OR not_before <= ? ${retries}) ${account} ORDER BY id`,
  )
    .all(now, ...(options.retryWaiting ? [] : [now + OUTBOX_RETRY_WAIT_LONGEST_MS]), ...(accountId ? [accountId] : []))
    .map(toRecord);
}

/**
 * Longer than any wait after a failed try (outbox-policy.ts retryDelay: 15 minutes at most; the filing
 * backoff's cap, 30). Retry times are wall-clock times: a clock put back by hours (an NTP fix, a dual-boot
 * computer's clock read as local time, a virtual machine restored) left a retry set a minute ahead that
 * many hours ahead, and the message waited them out in the Outbox. One further ahead than this is due.
 * A time the user chose ("send later", the undo delay) is kept whatever the clock did.
 */
export const OUTBOX_RETRY_WAIT_LONGEST_MS = 60 * 60_000;

/** When the next queued or sent item becomes due (ms), or null when nothing waits on a clock. */
export function nextDueAt(db: ReadDb): number | null {
  const row = prepare<[], { at: number | null }>(db, "SELECT MIN(COALESCE(not_before, 0)) AS at FROM outbox WHERE state IN ('queued', 'sent')").get();
  return row?.at ?? null;
}

function update(db: WriteDb, changes: ChangeRecorder, record: Pick<OutboxRecord, 'id' | 'accountId'>, sql: string, ...params: unknown[]): void {
  prepare(db, `UPDATE outbox SET ${sql} WHERE id = ?`).run(...params, record.id);
  changes.outboxItem(record.accountId, record.id);
}

const errorColumns = (error: ErrorData | null) => [error?.code ?? null, error?.message ?? null, error?.detail ? JSON.stringify(error.detail) : null];

/**
 * queued → sending, before the connection is used for this message; each way out of `sending` counts the
 * attempt. The row as stored decides, not the caller's copy: one the user gave up on, cancelled or sent
 * again since the caller read it (while its session was being opened) is left alone, and null says so.
 * Returns the row as claimed.
 */
export function markSending(db: WriteDb, changes: ChangeRecorder, record: Pick<OutboxRecord, 'id' | 'accountId'>): OutboxRecord | null {
  const claimed = prepare<[number]>(db, "UPDATE outbox SET state = 'sending', handed_over = 0 WHERE id = ? AND state = 'queued'").run(record.id).changes;
  if (claimed === 0) return null;
  changes.outboxItem(record.accountId, record.id);
  return getOutboxRecord(db, record.id);
}

/** The last byte went to the server; the final dot follows. From here a lost connection means "may have been sent". */
export function markHandedOver(db: WriteDb, changes: ChangeRecorder, record: Pick<OutboxRecord, 'id' | 'accountId'>): void {
  update(db, changes, record, 'handed_over = 1');
}

/** The server answered 250 to the final dot. */
export function markSent(db: WriteDb, changes: ChangeRecorder, record: Pick<OutboxRecord, 'id' | 'accountId'>, rejected: Array<{ address: string; response: string }>): void {
  update(db, changes, record, "state = 'sent', attempts = attempts + 1, sent_at = ?, rejected = ?, not_before = NULL, error_code = NULL, error_message = NULL, error_detail = NULL", Date.now(), JSON.stringify(rejected));
}

/**
 * The server took the message for some recipients and answered "not now" (4xx, RFC 5321 section 4.2.1) for
 * `recipients`: a row of its own sends the same bytes to those only, at `notBefore` and on the backoff after
 * (RFC 5321 section 4.5.4.1: a temporary failure is retried later), so nobody already served gets it twice.
 * Made in the transaction that marks `record` sent. It names the first message (`resend_of`), carries no
 * reply context (the original was marked answered once) and is never filed in Sent; `created_at` is when
 * these recipients were first deferred (kept from `record` when it is itself such a row).
 */
export function insertResend(
  db: WriteDb,
  changes: ChangeRecorder,
  record: Pick<OutboxRecord, 'id' | 'accountId' | 'resendOf' | 'createdAt'>,
  recipients: string[],
  error: ErrorData,
  notBefore: number,
  attempts: number,
): OutboxRecord {
  const since = record.resendOf !== null ? Date.parse(record.createdAt) : Date.now();
  const id = Number(
    prepare(
      db,
      `INSERT INTO outbox (account_id, identity_id, message_id, subject, from_name, from_address, envelope_from, recipients, raw, size,
         state, not_before, attempts, error_code, error_message, error_detail, response_to, content, created_at, resend_of)
       SELECT account_id, identity_id, message_id, subject, from_name, from_address, envelope_from, ?, raw, size,
         'queued', ?, ?, ?, ?, ?, NULL, content, ?, COALESCE(resend_of, id)
       FROM outbox WHERE id = ?`,
    ).run(JSON.stringify(recipients), notBefore, attempts, ...errorColumns(error), since, record.id).lastInsertRowid,
  );
  changes.outboxItem(record.accountId, id);
  return getOutboxRecord(db, id);
}

/** A resend (insertResend) the server took: done at once, as its message is in Sent already; the bytes go. */
export function markResendDone(db: WriteDb, changes: ChangeRecorder, record: Pick<OutboxRecord, 'id' | 'accountId'>, rejected: Array<{ address: string; response: string }>): void {
  const now = Date.now();
  update(
    db,
    changes,
    record,
    "state = 'filed', attempts = attempts + 1, sent_at = ?, filed_at = ?, rejected = ?, not_before = NULL, raw = X'', error_code = NULL, error_message = NULL, error_detail = NULL",
    now,
    now,
    JSON.stringify(rejected),
  );
}

/**
 * Nobody took the message, and the server refused some recipients for good (5xx at RCPT) while it said
 * "not now" (4xx) to the others: those are the only ones tried again, and the refused ones are kept with
 * the server's words (`rejected`), as for a message sent to the others, until the user has seen them.
 */
export function dropRefusedRecipients(db: WriteDb, changes: ChangeRecorder, record: Pick<OutboxRecord, 'id' | 'accountId' | 'rejected'>, remaining: string[], refused: Array<{ address: string; response: string }>): void {
  update(db, changes, record, 'recipients = ?, rejected = ?, refusals_seen = 0', JSON.stringify(remaining), JSON.stringify([...record.rejected, ...refused]));
}

/** Not sent, and safe to try again at `notBefore`. */
export function markRetry(db: WriteDb, changes: ChangeRecorder, record: Pick<OutboxRecord, 'id' | 'accountId'>, error: ErrorData, notBefore: number): void {
  update(db, changes, record, "state = 'queued', attempts = attempts + 1, handed_over = 0, not_before = ?, error_code = ?, error_message = ?, error_detail = ?", notBefore, ...errorColumns(error));
}

/** Refused for good: back to the user with the server's words. */
export function markFailed(db: WriteDb, changes: ChangeRecorder, record: Pick<OutboxRecord, 'id' | 'accountId'>, error: ErrorData): void {
  update(db, changes, record, "state = 'failed', attempts = attempts + 1, handed_over = 0, not_before = NULL, error_code = ?, error_message = ?, error_detail = ?", ...errorColumns(error));
}

/** The dot may have reached the server and no answer came: the user decides. */
export function markUncertain(db: WriteDb, changes: ChangeRecorder, record: Pick<OutboxRecord, 'id' | 'accountId'>, error: ErrorData): void {
  update(db, changes, record, "state = 'uncertain', attempts = attempts + 1, not_before = NULL, error_code = ?, error_message = ?, error_detail = ?", ...errorColumns(error));
}

/** An APPEND of the Sent copy is about to go out: after a crash, a copy found in Sent is ours. */
export function markAppendStarted(db: WriteDb, changes: ChangeRecorder, record: Pick<OutboxRecord, 'id' | 'accountId'>): void {
  update(db, changes, record, 'append_started = ?', Date.now());
}

/** Filing failed (never a resend): the item stays `sent`, tried again at `notBefore`. */
export function markFilingFailed(db: WriteDb, changes: ChangeRecorder, record: Pick<OutboxRecord, 'id' | 'accountId'>, error: ErrorData, notBefore: number): void {
  update(db, changes, record, 'filing_attempts = filing_attempts + 1, not_before = ?, error_code = ?, error_message = ?, error_detail = ?', notBefore, ...errorColumns(error));
}

/** Filed: the bytes now live in the Sent copy, so the outbox keeps only the row. */
export function markFiled(db: WriteDb, changes: ChangeRecorder, record: Pick<OutboxRecord, 'id' | 'accountId'>, copy: NonNullable<OutboxItem['sentCopy']>): void {
  update(
    db,
    changes,
    record,
    "state = 'filed', sent_copy = ?, filed_at = ?, not_before = NULL, raw = X'', error_code = NULL, error_message = NULL, error_detail = NULL",
    copy,
    Date.now(),
  );
}

/**
 * The account's server settings or password changed: what only waited out a retry after a failed try (a
 * changed certificate, a refused password: 15 minutes; a network backoff) is due now, as the watch loop
 * starts over at once after an edit. A time the user chose (undo delay, send later) is kept: before its
 * first try a message has no failed attempt. Returns how many became due.
 */
export function retryAccountNow(db: WriteDb, changes: ChangeRecorder, accountId: string): number {
  const rows = prepare<[string], { id: number }>(
    db,
    "SELECT id FROM outbox WHERE account_id = ? AND not_before IS NOT NULL AND ((state = 'queued' AND attempts > 0) OR (state = 'sent' AND filing_attempts > 0))",
  ).all(accountId);
  for (const { id } of rows) update(db, changes, { id, accountId }, 'not_before = NULL');
  return rows.length;
}

/** The user has seen which recipients the server refused: once filed, the message leaves the outbox's list. */
export function acknowledgeRefusals(db: WriteDb, changes: ChangeRecorder, record: Pick<OutboxRecord, 'id' | 'accountId'>): void {
  update(db, changes, record, 'refusals_seen = 1');
}

/**
 * The user gives up on a resend's recipients (queued or failed): they never get this message, and the
 * row is done, its refusals seen (the user chose), each recipient named in `rejected` with `response` (the
 * server's last words), which is what the Sent copy's note reads (undeliveredRecipients). Only a row still
 * queued or failed as stored is given up (a try that has claimed it, markSending, finishes and its answer
 * stands); false when it was not.
 */
export function giveUpResend(db: WriteDb, changes: ChangeRecorder, record: Pick<OutboxRecord, 'id' | 'accountId' | 'recipients' | 'rejected'>, response: string): boolean {
  const rejected = [...record.rejected, ...record.recipients.map((address) => ({ address, response }))];
  const done = prepare(
    db,
    `UPDATE outbox SET state = 'filed', filed_at = ?, not_before = NULL, raw = X'', rejected = ?, refusals_seen = 1, handed_over = 0,
       error_code = NULL, error_message = NULL, error_detail = NULL
     WHERE id = ? AND state IN ('queued', 'failed') AND resend_of IS NOT NULL`,
  ).run(Date.now(), JSON.stringify(rejected), record.id).changes;
  if (done === 0) return false;
  changes.outboxItem(record.accountId, record.id);
  return true;
}

/**
 * The recipients a sent message never reached as far as this computer knows: refused by the server (5xx
 * at RCPT, for good) or given up on after "not now" answers, with the server's words. Read from the
 * message's outbox rows (the first and its resends, by Message-ID) that are done; empty for any other mail.
 */
export function undeliveredRecipients(db: ReadDb, accountId: string, messageId: string): Array<{ address: string; response: string }> {
  // A stored message's Message-ID keeps its angle brackets (mime/parse-message.ts); the outbox's has none.
  const bare = messageId.trim().replace(/^<(.*)>$/, '$1');
  const rows = prepare<[string, string], { rejected: string }>(
    db,
    "SELECT rejected FROM outbox WHERE account_id = ? AND message_id = ? AND state IN ('sent', 'filed') AND rejected != '[]' ORDER BY id",
  ).all(accountId, bare);
  const seen = new Set<string>();
  const out: Array<{ address: string; response: string }> = [];
  for (const row of rows) {
    for (const r of parseJson<Array<{ address: string; response: string }>>(row.rejected, [])) {
      if (seen.has(r.address.toLowerCase())) continue;
      seen.add(r.address.toLowerCase());
      out.push({ address: r.address, response: r.response });
    }
  }
  return out;
}

/** The user's "send it again" for failed and uncertain messages (a resend's time before giving up starts over). */
export function requeue(db: WriteDb, changes: ChangeRecorder, record: Pick<OutboxRecord, 'id' | 'accountId'>): void {
  update(
    db,
    changes,
    record,
    "state = 'queued', handed_over = 0, not_before = NULL, error_code = NULL, error_message = NULL, error_detail = NULL, created_at = CASE WHEN resend_of IS NULL THEN created_at ELSE ? END",
    Date.now(),
  );
}

/** The user's "it did go out" for an uncertain message: it is filed from here. */
export function confirmSent(db: WriteDb, changes: ChangeRecorder, record: Pick<OutboxRecord, 'id' | 'accountId'>): void {
  update(db, changes, record, "state = 'sent', sent_at = COALESCE(sent_at, ?), not_before = NULL, error_code = NULL, error_message = NULL, error_detail = NULL", Date.now());
}

export function deleteOutboxItem(db: WriteDb, changes: ChangeRecorder, record: Pick<OutboxRecord, 'id' | 'accountId'>): void {
  prepare<[number]>(db, 'DELETE FROM outbox WHERE id = ?').run(record.id);
  changes.outboxItem(record.accountId, record.id);
}

/**
 * After a crash (at the start of a writer): `sending` rows whose message never fully went out are queued
 * again; those whose last byte did may have been delivered, and become `uncertain`.
 */
export function recoverInterrupted(db: WriteDb, changes: ChangeRecorder): { requeued: number; uncertain: number } {
  const rows = prepare<[], { id: number; account_id: string; handed_over: number }>(db, "SELECT id, account_id, handed_over FROM outbox WHERE state = 'sending'").all();
  let requeued = 0;
  let uncertain = 0;
  for (const row of rows) {
    const record = { id: row.id, accountId: row.account_id };
    if (row.handed_over === 1) {
      markUncertain(db, changes, record, {
        code: 'SEND_UNCERTAIN',
        message: 'Homing stopped after the message was handed to the server and before its answer: it may have been sent.',
      });
      uncertain++;
    } else {
      update(db, changes, record, "state = 'queued', handed_over = 0");
      requeued++;
    }
  }
  return { requeued, uncertain };
}

function parseJson<T>(json: string, fallback: T): T {
  try {
    return JSON.parse(json) as T;
  } catch {
    return fallback;
  }
}
