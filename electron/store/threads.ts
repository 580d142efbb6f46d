import { isReplySubject, subjectKey } from '../mime/subject-key';
import { prepare, type WriteDb } from './db';
import { MAX_THREAD_REFERENCES, THREAD_SUBJECT_WINDOW_MS } from './limits';

export interface ThreadInput {
  accountId: string;
  messageId: string | null;
  inReplyTo: string | null;
  references: string[];
  subject: string;
  date: number;
}

/**
 * The thread a new message belongs to. First by Message-ID (RFC 5322 §3.6.4): its own id, In-Reply-To
 * and References are looked up in thread_links, which also holds ids only referenced so far, so a
 * reply stored before its parent is found from either side; several threads found are merged into one.
 * Otherwise a reply (a Re:/Fwd: subject, or references to messages we do not have) joins the latest
 * thread with the same normalised subject within THREAD_SUBJECT_WINDOW_MS; else a new thread.
 */
export function assignThread(db: WriteDb, input: ThreadInput): number {
  const ids = linkIds(input);
  const find = prepare<[string, string], { thread_id: number }>(
    db,
    'SELECT thread_id FROM thread_links WHERE account_id = ? AND message_id = ?',
  );
  const found = new Set<number>();
  for (const id of ids) {
    const row = find.get(input.accountId, id);
    if (row) found.add(row.thread_id);
  }
  const key = subjectKey(input.subject);
  let threadId: number;
  if (found.size > 0) {
    threadId = Math.min(...found);
    for (const other of found) if (other !== threadId) mergeThread(db, other, threadId);
  } else {
    const isReply = isReplySubject(input.subject) || input.inReplyTo !== null || input.references.length > 0;
    const bySubject =
      isReply && key !== ''
        ? prepare<[string, string, number, number], { id: number }>(
            db,
            `SELECT id FROM threads WHERE account_id = ? AND subject_key = ? AND last_date BETWEEN ? AND ?
             ORDER BY last_date DESC LIMIT 1`,
          ).get(input.accountId, key, input.date - THREAD_SUBJECT_WINDOW_MS, input.date + THREAD_SUBJECT_WINDOW_MS)
        : undefined;
    threadId =
      bySubject?.id ??
      Number(
        prepare<[string, string, number]>(db, 'INSERT INTO threads (account_id, subject_key, last_date) VALUES (?, ?, ?)').run(
          input.accountId,
          key,
          input.date,
        ).lastInsertRowid,
      );
  }
  prepare<[number, number]>(db, 'UPDATE threads SET last_date = max(coalesce(last_date, 0), ?) WHERE id = ?').run(input.date, threadId);
  const link = prepare<[string, string, number]>(
    db,
    'INSERT INTO thread_links (account_id, message_id, thread_id) VALUES (?, ?, ?) ON CONFLICT DO NOTHING',
  );
  for (const id of ids) link.run(input.accountId, id, threadId);
  return threadId;
}

function linkIds(input: ThreadInput): string[] {
  const ids = new Set<string>();
  if (input.messageId) ids.add(input.messageId);
  if (input.inReplyTo) ids.add(input.inReplyTo);
  for (const ref of input.references.slice(-MAX_THREAD_REFERENCES)) ids.add(ref);
  return [...ids];
}

/** Moves every message and link of `from` into `into` and drops `from`. */
function mergeThread(db: WriteDb, from: number, into: number): void {
  prepare<[number, number]>(db, 'UPDATE messages SET thread_id = ? WHERE thread_id = ?').run(into, from);
  prepare<[number, number]>(db, 'UPDATE thread_links SET thread_id = ? WHERE thread_id = ?').run(into, from);
  prepare<[number, number]>(
    db,
    'UPDATE threads SET last_date = max(coalesce(last_date, 0), coalesce((SELECT last_date FROM threads WHERE id = ?), 0)) WHERE id = ?',
  ).run(from, into);
  prepare<[number]>(db, 'DELETE FROM threads WHERE id = ?').run(from);
}
