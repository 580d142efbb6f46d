import { prepare, type WriteDb } from './db';
import type { KnownUidl } from './pop3-state';
import type { ChangeRecorder } from './write-transaction';

/**
 * The server's UIDL and LIST of one POP3 pass, kept in a temporary table of the write connection (gone
 * with the connection; nothing in it needs to survive a crash) instead of in JavaScript objects, so the
 * pass's decisions are SQL over it and pop3_uidls: which UIDLs are new, which known ones are listed (for
 * the delete policy), which known ones are no longer there. A pass then holds in memory only what it
 * acts on (the messages to download, the ones to delete), not the maildrop nor everything ever stored:
 * at 100,000 messages the Maps of every stored UIDL cost the pass ~100 MB of peak RSS (bench/README.md).
 *
 * Several accounts may sync at once on the one write connection: each pass has its own number in the
 * table. SQLite's temp schema has its own page cache (better-sqlite3's default, 16 MB, would hold a big
 * listing in memory); it is capped at TEMP_CACHE_KIB, past which the rows live in a temp file.
 */

export interface ListingHandle {
  readonly db: WriteDb;
  readonly accountId: string;
  /** This pass's number in temp.pop3_listing. */
  readonly pass: number;
}

export interface ListedMessage {
  msgno: number;
  uidl: string;
  /** From LIST; 0 when LIST did not give this message number. */
  size: number;
}

/** A listed message the store knows, with what the delete policy needs about it. */
export type ListedKnown = KnownUidl & ListedMessage;

/** Page cache of the temp schema, in KiB: the listing is read a few times per pass, in index order. */
const TEMP_CACHE_KIB = 2048;
let nextPass = 1;

function ensureTable(db: WriteDb): void {
  db.sqlite.pragma(`temp.cache_size = -${TEMP_CACHE_KIB}`);
  db.sqlite.exec(`
    CREATE TEMP TABLE IF NOT EXISTS pop3_listing (
      pass      INTEGER NOT NULL,
      msgno     INTEGER NOT NULL,
      uidl      TEXT NOT NULL,
      size      INTEGER NOT NULL DEFAULT 0,
      duplicate INTEGER NOT NULL DEFAULT 0,  -- the server listed this UIDL more than once: it identifies nothing
      PRIMARY KEY (pass, msgno)
    ) WITHOUT ROWID;
    CREATE INDEX IF NOT EXISTS temp.pop3_listing_uidl ON pop3_listing (pass, uidl);
  `);
}

/** Fills one pass's listing as the server's UIDL lines arrive. */
export interface ListingBuilder {
  /** One UIDL line, with the message's LIST size when it is known already (LIST is asked first). */
  add(msgno: number, uidl: string, size: number | undefined): void;
  /**
   * The UIDL listing ended: sizes not known while it arrived are asked of `sizeOf`, and a UIDL listed
   * twice (a broken server) is marked as a duplicate: those messages are left out of the plan by UIDL
   * and of every delete, and downloaded by their bytes instead (sync/pop3/duplicate-uidls.ts).
   */
  finish(sizeOf: (msgno: number) => number | undefined): ListingHandle;
  /** The pass ends before the listing was finished (or without UIDL): forget what was added. */
  discard(): void;
}

/** UIDL lines written to the temp table per transaction while the listing arrives. */
const INSERT_BATCH = 512;

/**
 * Starts this pass's listing. Lines are written in batches as they come; only the temp schema is written,
 * so the store's own file is neither locked nor touched. Release the handle finish() returns with
 * dropListing() when the pass ends, however it ends.
 */
export function beginListing(db: WriteDb, accountId: string): ListingBuilder {
  ensureTable(db);
  const listing: ListingHandle = { db, accountId, pass: nextPass++ };
  const insert = prepare<[number, number, string, number]>(db, 'INSERT OR IGNORE INTO temp.pop3_listing (pass, msgno, uidl, size) VALUES (?, ?, ?, ?)');
  let batch: Array<{ msgno: number; uidl: string; size: number }> = [];
  // Message numbers whose size was not known yet when their UIDL line came (LIST answered after UIDL).
  const unsized: number[] = [];
  const flush = () => {
    if (batch.length === 0) return;
    const rows = batch;
    batch = [];
    db.sqlite.transaction(() => {
      for (const row of rows) insert.run(listing.pass, row.msgno, row.uidl, row.size);
    })();
  };
  return {
    add(msgno, uidl, size) {
      if (size === undefined) unsized.push(msgno);
      batch.push({ msgno, uidl, size: size ?? 0 });
      if (batch.length >= INSERT_BATCH) flush();
    },
    finish(sizeOf) {
      flush();
      const setSize = prepare<[number, number, number]>(db, 'UPDATE temp.pop3_listing SET size = ? WHERE pass = ? AND msgno = ?');
      const duplicates = prepare<[number, number]>(
        db,
        `UPDATE temp.pop3_listing SET duplicate = 1
          WHERE pass = ? AND uidl IN (SELECT uidl FROM temp.pop3_listing WHERE pass = ? GROUP BY uidl HAVING count(*) > 1)`,
      );
      db.sqlite.transaction(() => {
        for (const msgno of unsized) setSize.run(sizeOf(msgno) ?? 0, listing.pass, msgno);
        duplicates.run(listing.pass, listing.pass);
      })();
      return listing;
    },
    discard() {
      batch = [];
      dropListing(listing);
    },
  };
}

/** Forgets the pass's listing. Safe to call more than once, and after the connection closed (the table went with it). */
export function dropListing(listing: ListingHandle): void {
  if (!listing.db.sqlite.open) return;
  prepare<[number]>(listing.db, 'DELETE FROM temp.pop3_listing WHERE pass = ?').run(listing.pass);
}

const unknown = `FROM temp.pop3_listing l
  WHERE l.pass = ? AND l.duplicate = 0
    AND NOT EXISTS (SELECT 1 FROM pop3_uidls u WHERE u.account_id = ? AND u.uidl = l.uidl)`;

/** How many listed messages have a UIDL the store has never had (not even as a deleted local copy). */
export function countUnknownListed(listing: ListingHandle): number {
  return prepare<[number, string], { n: number }>(listing.db, `SELECT count(*) AS n ${unknown}`).get(listing.pass, listing.accountId)!.n;
}

/**
 * Listed messages whose UIDL the store has never had, newest (highest number) first: the next `limit`
 * below message number `below` (a page of the download's plan).
 */
export function unknownListed(listing: ListingHandle, below = Number.MAX_SAFE_INTEGER, limit = -1): ListedMessage[] {
  return prepare<[number, string, number, number], ListedMessage>(listing.db, `SELECT l.msgno, l.uidl, l.size ${unknown} AND l.msgno < ? ORDER BY l.msgno DESC LIMIT ?`).all(
    listing.pass,
    listing.accountId,
    below,
    limit,
  );
}

interface ListedKnownRow {
  msgno: number;
  size: number;
  uidl: string;
  message_id: number | null;
  downloaded_at: number;
  body_status: 'full' | 'headers' | 'partial' | null;
  deleted_locally: number | null;
  dele_sent_at: number | null;
  server_gone_at: number | null;
  server_policy: 'keep' | 'delete' | null;
}

/**
 * Listed messages (duplicates left out) the store knows, one at a time in message-number order: the
 * caller keeps only those it acts on. Do not write to the store while iterating.
 */
export function* listedKnown(listing: ListingHandle): Generator<ListedKnown> {
  const rows = prepare<[string, number], ListedKnownRow>(
    listing.db,
    `SELECT l.msgno, l.size, u.uidl, u.message_id, u.downloaded_at, m.body_status, m.deleted_locally, u.dele_sent_at, u.server_gone_at, u.server_policy
       FROM temp.pop3_listing l
       JOIN pop3_uidls u ON u.account_id = ? AND u.uidl = l.uidl
       LEFT JOIN messages m ON m.id = u.message_id
      WHERE l.pass = ? AND l.duplicate = 0
      ORDER BY l.msgno`,
  ).iterate(listing.accountId, listing.pass);
  for (const row of rows) {
    yield {
      msgno: row.msgno,
      size: row.size,
      uidl: row.uidl,
      messageId: row.message_id,
      downloadedAt: row.downloaded_at,
      bodyStatus: row.body_status,
      deletedLocally: row.deleted_locally === 1,
      deleSentAt: row.dele_sent_at,
      serverGoneAt: row.server_gone_at,
      serverPolicy: row.server_policy,
    };
  }
}

/**
 * The server accepted DELE for these message numbers and QUIT succeeded: they are gone, so they leave the
 * listing (and recordGoneSinceListing() sees them as no longer there). Call inside writeTransaction().
 */
export function forgetListed(listing: ListingHandle, msgnos: readonly number[]): void {
  const forget = prepare<[number, number]>(listing.db, 'DELETE FROM temp.pop3_listing WHERE pass = ? AND msgno = ?');
  for (const msgno of msgnos) forget.run(listing.pass, msgno);
}

/** Distinct UIDLs still on the server: listed (duplicates included), minus those forgotten as deleted. */
export function countStillListed(listing: ListingHandle): number {
  return prepare<[number], { n: number }>(listing.db, 'SELECT count(DISTINCT uidl) AS n FROM temp.pop3_listing WHERE pass = ?').get(listing.pass)!.n;
}

/** Listed messages whose UIDL the server listed more than once, newest (highest number) first. */
export function duplicateListed(listing: ListingHandle): ListedMessage[] {
  return prepare<[number], ListedMessage>(listing.db, 'SELECT msgno, uidl, size FROM temp.pop3_listing WHERE pass = ? AND duplicate = 1 ORDER BY msgno DESC').all(
    listing.pass,
  );
}

/** Whether the account stores a message under `uidl` with exactly these bytes. */
export function storedUnderUidl(listing: ListingHandle, uidl: string, hash: string): boolean {
  return (
    prepare<[string, string, string], { id: number }>(listing.db, 'SELECT id FROM messages WHERE account_id = ? AND uidl = ? AND content_hash = ?').get(
      listing.accountId,
      uidl,
      hash,
    ) !== undefined
  );
}

/** The first `limit` UIDLs the server listed more than once, in listing order. */
export function duplicateUidls(listing: ListingHandle, limit: number): string[] {
  return prepare<[number, number], { uidl: string }>(
    listing.db,
    'SELECT uidl FROM temp.pop3_listing WHERE pass = ? AND duplicate = 1 GROUP BY uidl ORDER BY min(msgno) LIMIT ?',
  )
    .all(listing.pass, limit)
    .map((r) => r.uidl);
}

/**
 * After a session that ended well: every stored UIDL not in the listing (deleted ones were forgotten) is
 * no longer on the server. Records when that was first seen, and removes the hidden local rows that were
 * only waiting for it (deleted_locally = 1). The set difference runs in SQL: nothing per stored UIDL is
 * loaded. Returns the ids of the removed messages. Call inside writeTransaction().
 */
export function recordGoneSinceListing(listing: ListingHandle, changes: ChangeRecorder, at: number): number[] {
  const { db, accountId, pass } = listing;
  // INDEXED BY: a probe per stored UIDL must be an index lookup. Given a choice (an extra term on the
  // listing once made it pick the primary key), the planner scanned the whole pass per stored UIDL:
  // 100,000 × 100,000 rows, a pass that did not end. With INDEXED BY a plan without it is an error.
  const stillListed = 'SELECT 1 FROM temp.pop3_listing l INDEXED BY pop3_listing_uidl WHERE l.pass = ? AND l.uidl = u.uidl';
  prepare<[number, string, number]>(
    db,
    `UPDATE pop3_uidls AS u SET server_gone_at = ?
      WHERE u.account_id = ? AND u.server_gone_at IS NULL AND NOT EXISTS (${stillListed})`,
  ).run(at, accountId, pass);
  const hidden = prepare<[string, number], { id: number; folder_id: number }>(
    db,
    `SELECT m.id, m.folder_id FROM pop3_uidls u
       JOIN messages m ON m.account_id = u.account_id AND m.uidl = u.uidl
      WHERE u.account_id = ? AND m.deleted_locally = 1 AND NOT EXISTS (${stillListed})`,
  ).all(accountId, pass);
  const remove = prepare<[number]>(db, 'DELETE FROM messages WHERE id = ?');
  for (const row of hidden) {
    remove.run(row.id);
    changes.message(accountId, row.folder_id, row.id);
  }
  return hidden.map((r) => r.id);
}

/**
 * A new UIDL's bytes may be a message the store has already, under a UIDL this listing no longer has: the
 * server changed its UIDLs (a new pop3_uidl_format, a migration to another server or mailbox format), and
 * every message is listed again under a new one. Keyed by UIDL alone, each would be stored a second time.
 * Finds a message of the account with exactly these bytes (`hash`, same body status) whose UIDL is not
 * in this pass's listing, and moves it to `uidl` (its row in pop3_uidls keeps its download time and the
 * rule's word; what was recorded about the old UIDL's server copy no longer applies). Returns the
 * message's id, or null when there is none. Call inside writeTransaction().
 */
export function rekeyUnlisted(listing: ListingHandle, uidl: string, hash: string, bodyStatus: 'full' | 'headers' | 'partial'): number | null {
  const { db, accountId, pass } = listing;
  const found = prepare<[string, string, string, string, number], { id: number; uidl: string }>(
    db,
    // INDEXED BY: left to itself the planner walks every message of the account (messages_pop3_key) for
    // each new UIDL, which made a 10k first download quadratic (16 s became 34 s); by hash it is a lookup per folder.
    `SELECT m.id, u.uidl FROM messages m INDEXED BY messages_hash
       JOIN pop3_uidls u ON u.account_id = m.account_id AND u.uidl = m.uidl
      WHERE m.folder_id IN (SELECT id FROM folders WHERE account_id = ?) AND m.content_hash = ? AND m.body_status = ? AND m.account_id = ?
        AND NOT EXISTS (SELECT 1 FROM temp.pop3_listing l INDEXED BY pop3_listing_uidl WHERE l.pass = ? AND l.uidl = u.uidl)
      LIMIT 1`,
  ).get(accountId, hash, bodyStatus, accountId, pass);
  if (!found) return null;
  prepare<[string, string, string]>(
    db,
    'UPDATE pop3_uidls SET uidl = ?, dele_sent_at = NULL, server_gone_at = NULL WHERE account_id = ? AND uidl = ?',
  ).run(uidl, accountId, found.uidl);
  prepare<[string, number]>(db, 'UPDATE messages SET uidl = ? WHERE id = ?').run(uidl, found.id);
  return found.id;
}

/**
 * rekeyUnlisted for what is left of a message the account no longer holds under its UIDL: deleted here
 * for good (its row in pop3_uidls kept, with no message, so the server's copy is not downloaded again)
 * or filed in another account (the row still names the message, which has no UIDL of this account). When
 * the server changes its UIDLs, that copy is listed under a new UIDL the store has never seen. Finds such
 * a row of the account with exactly these bytes (`hash`, migration 0014) whose UIDL this pass's listing no
 * longer has, and moves it to `uidl`: the new UIDL is known, so the copy stays deleted here (or filed
 * where it is) and is not downloaded again; what was recorded about the old UIDL's server copy no longer
 * applies, and the account's policy sees it afresh (under "when deleted here" its server copy is
 * deleted at the next pass, as the old UIDL's would have been). Returns whether there was one. Call
 * inside writeTransaction(), after rekeyUnlisted found no stored message.
 */
export function rekeyUnlistedRecord(listing: ListingHandle, uidl: string, hash: string): boolean {
  const { db, accountId, pass } = listing;
  const found = prepare<[string, string, number], { uidl: string }>(
    db,
    // INDEXED BY, as in rekeyUnlisted: one lookup per new UIDL, never a walk over the account's UIDLs.
    `SELECT u.uidl FROM pop3_uidls u INDEXED BY pop3_uidls_hash
      WHERE u.account_id = ? AND u.content_hash = ?
        AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.id = u.message_id AND m.account_id = u.account_id AND m.uidl = u.uidl)
        AND NOT EXISTS (SELECT 1 FROM temp.pop3_listing l INDEXED BY pop3_listing_uidl WHERE l.pass = ? AND l.uidl = u.uidl)
      LIMIT 1`,
  ).get(accountId, hash, pass);
  if (!found) return false;
  prepare<[string, string, string]>(
    db,
    'UPDATE pop3_uidls SET uidl = ?, dele_sent_at = NULL, server_gone_at = NULL WHERE account_id = ? AND uidl = ?',
  ).run(uidl, accountId, found.uidl);
  return true;
}

/** A listed message whose stored copy may be a server's wrapper rather than the server's bytes. */
export interface ListedWrapper extends ListedMessage {
  /** The stored message (in this account, or filed in another). */
  messageId: number;
}

/**
 * Listed messages (duplicates left out) whose stored copy, whole and not hidden, has this sender address
 * and subject: candidates for sync/pop3/courier-wrapper.ts, which checks their bytes.
 */
export function listedWithSubject(listing: ListingHandle, fromAddress: string, subject: string): ListedWrapper[] {
  return prepare<[string, number, string, string], ListedWrapper>(
    listing.db,
    `SELECT l.msgno, l.uidl, l.size, m.id AS messageId
       FROM temp.pop3_listing l
       JOIN pop3_uidls u ON u.account_id = ? AND u.uidl = l.uidl
       JOIN messages m ON m.id = u.message_id
      WHERE l.pass = ? AND l.duplicate = 0 AND m.from_address = ? AND m.subject = ? AND m.deleted_locally = 0 AND m.body_status = 'full'
      ORDER BY l.msgno DESC`,
  ).all(listing.accountId, listing.pass, fromAddress, subject);
}
