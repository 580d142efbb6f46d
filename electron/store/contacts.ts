import type { ContactSuggestion } from '../../shared/contract/contacts';
import type { Address } from '../../shared/contract/messages';
import { prepare, type ReadDb, type WriteDb } from './db';

/**
 * Recipient suggestions (migration 0006): the addresses the user wrote to, as the To and Cc of the messages
 * in their Sent folders (whatever client sent them, and our own outbox, which files there too). A reply's
 * recipients are the senders replied to, so those come with it. Incoming From addresses are never added.
 */

/** Messages read per statement when catching up with the Sent folders (bounded memory on a first run). */
const SCAN_BATCH = 2000;

/** Frequency and recency: a message written today counts fully, one written 30 days ago half, and so on. */
const RECENCY_DAYS = 30;

interface SentRow {
  id: number;
  to_json: string;
  cc_json: string;
  date: number;
}

function recipientsOf(json: string): Address[] {
  try {
    const parsed: unknown = JSON.parse(json);
    return Array.isArray(parsed) ? parsed.filter((a): a is Address => typeof a?.address === 'string' && a.address.includes('@')) : [];
  } catch {
    return [];
  }
}

/**
 * Records one message written to `recipients` at `date` (ms): counted once per address, the name kept
 * when it is the newest one given, a forgotten suggestion back once written to after it was forgotten.
 */
export function recordWrittenTo(db: WriteDb, recipients: Address[], date: number): number {
  const upsert = prepare<[string, string, number]>(
    db,
    `INSERT INTO contacts (address, name, times_used, last_used) VALUES (?, ?, 1, ?)
     ON CONFLICT (address) DO UPDATE SET
       times_used = times_used + 1,
       name = CASE WHEN excluded.name != '' AND excluded.last_used >= last_used THEN excluded.name ELSE name END,
       last_used = max(last_used, excluded.last_used),
       forgotten_at = CASE WHEN forgotten_at IS NOT NULL AND excluded.last_used > forgotten_at THEN NULL ELSE forgotten_at END`,
  );
  const seen = new Set<string>();
  for (const { name, address } of recipients) {
    const key = address.trim().toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    upsert.run(address.trim(), (name ?? '').trim(), date);
  }
  return seen.size;
}

/**
 * Reads the messages added to Sent folders since the last call (by message id, so each is counted once)
 * and records their recipients. Runs inside the caller's write transaction.
 */
export function catchUpWithSentFolders(db: WriteDb): number {
  const cursor = prepare<[], { last_message_id: number }>(db, 'SELECT last_message_id FROM contacts_scan WHERE id = 1').get()?.last_message_id ?? 0;
  // Walked by id from the cursor (`+folder_id` keeps the planner off the folder indexes): the junk
  // filter calls this in every transaction that stores new mail, so the common case is a few hundred
  // new rows, not every message of every Sent folder read again to find none newer.
  const batch = prepare<[number, number], SentRow>(
    db,
    `SELECT m.id, m.to_json, m.cc_json, m.date FROM messages m
     WHERE m.id > ? AND m.deleted_locally = 0 AND +m.folder_id IN (SELECT id FROM folders WHERE special_use = 'sent')
     ORDER BY m.id LIMIT ?`,
  );
  let last = cursor;
  let added = 0;
  for (;;) {
    const rows = batch.all(last, SCAN_BATCH);
    for (const row of rows) added += recordWrittenTo(db, [...recipientsOf(row.to_json), ...recipientsOf(row.cc_json)], row.date);
    if (rows.length < SCAN_BATCH) break;
    last = rows[rows.length - 1]!.id;
  }
  // Past every message there is now, Sent or not: the next call starts where new messages begin.
  const newest = prepare<[], { id: number | null }>(db, 'SELECT max(id) AS id FROM messages').get()?.id ?? 0;
  prepare<[number]>(db, 'UPDATE contacts_scan SET last_message_id = max(last_message_id, ?) WHERE id = 1').run(newest);
  return added;
}

export function forgetContact(db: WriteDb, address: string, now: number): void {
  prepare<[number, string]>(db, 'UPDATE contacts SET forgotten_at = ? WHERE address = ?').run(now, address.trim());
}

/**
 * The FTS5 query for what was typed: each word of it as a prefix, all required (`ann ex` → `"ann"* "ex"*`).
 * Words are split as unicode61 splits them (letters and digits), so `ann.ex@exa` works and no FTS syntax
 * can be typed in. Null when nothing searchable was typed.
 */
export function contactMatchQuery(typed: string): string | null {
  const words = typed.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean).slice(0, 8);
  return words.length ? words.map((w) => `"${w}"*`).join(' ') : null;
}

interface ContactRow {
  name: string;
  address: string;
  times_used: number;
  last_used: number;
}

export function searchContacts(db: ReadDb, typed: string, limit: number, now: number): ContactSuggestion[] {
  const match = contactMatchQuery(typed);
  if (!match) return [];
  const rows = prepare<{ match: string; now: number; limit: number; days: number }, ContactRow>(
    db,
    `SELECT c.name, c.address, c.times_used, c.last_used FROM contacts_search s JOIN contacts c ON c.id = s.rowid
     WHERE contacts_search MATCH :match AND c.forgotten_at IS NULL
     ORDER BY c.times_used / (1.0 + max(0, :now - c.last_used) / (86400000.0 * :days)) DESC, c.last_used DESC
     LIMIT :limit`,
  ).all({ match, now, limit, days: RECENCY_DAYS });
  return rows.map((r) => ({ name: r.name, address: r.address, timesUsed: r.times_used, lastUsed: new Date(r.last_used).toISOString() }));
}

/** Whether the user ever wrote to this address (a contact): such mail is never judged junk by a filter. */
export function isContact(db: ReadDb, address: string): boolean {
  return prepare<[string], { x: number }>(db, 'SELECT 1 AS x FROM contacts WHERE address = ?').get(address.trim()) !== undefined;
}
