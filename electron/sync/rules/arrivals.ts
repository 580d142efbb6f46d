import { headerEnd } from '../../mime/header-words';
import type { ParsedMessage } from '../../mime/parse-message';
import { prepare, type WriteDb } from '../../store/db';
import { classifierReady, junkSettings } from '../../store/junk';
import type { MessageSource } from '../../store/message-source';
import { addArrivals, arrivalsInFolder, takeArrivals } from '../../store/rules';
import { type ChangeRecorder, writeTransaction } from '../../store/write-transaction';
import { rulesFor } from './compiled-rules';
import { arrivedMessage, type ArrivedMessage } from './message-facts';
import { processArrivals, type Processed } from './process-messages';

/** A message a sync just stored in an inbox, with what it still has in memory. */
export interface NewMessage {
  id: number;
  parsed: ParsedMessage | null;
  /** The header block, when in memory. */
  header: Buffer | null;
  /** Only the headers are stored and the body follows in this pass (IMAP): rules that read the text wait for it. */
  textComing: boolean;
}

/**
 * Mail rules and the junk filter for messages a sync stored in an inbox, run inside the transaction that
 * stored them (before its change event, so new-mail notifications see where the rules put the mail). A
 * message whose body follows later in the pass waits when a rule or the classifier would read its text
 * (rule_arrivals); bodyArrived and settleArrivals run it then. Returns what was done, or null when
 * nothing ran.
 */
export function rulesOnArrival(db: WriteDb, changes: ChangeRecorder, accountId: string, messages: readonly NewMessage[]): Processed | null {
  if (messages.length === 0) return null;
  const rules = rulesFor(db, accountId);
  const settings = junkSettings(db);
  const classify = settings.classifier && classifierReady(db);
  if (rules.length === 0 && !settings.honourServer && settings.subjectTag === '' && !classify) return null;
  const wantsText = classify || rules.some((r) => r.needsText);
  const now = Date.now();
  const waiting = wantsText ? messages.filter((m) => m.textComing) : [];
  if (waiting.length > 0) addArrivals(db, waiting.map((m) => ({ messageId: m.id, folderId: folderOf(db, m.id) })), now);
  const ready = messages.filter((m) => !(wantsText && m.textComing));
  return run(db, changes, rules, ready.map((m) => arrivedMessage(db, m.id, m.parsed, m.header)), now);
}

/** Messages whose body was just stored (same transaction): those waiting for their arrival rules get them now. */
export function bodyArrived(db: WriteDb, changes: ChangeRecorder, accountId: string, messages: ReadonlyArray<{ id: number; parsed: ParsedMessage; header: Buffer | null }>): Processed | null {
  const waiting = new Set(takeArrivals(db, messages.map((m) => m.id)));
  if (waiting.size === 0) return null;
  const rules = rulesFor(db, accountId);
  return run(db, changes, rules, messages.filter((m) => waiting.has(m.id)).map((m) => arrivedMessage(db, m.id, m.parsed, m.header)), Date.now());
}

/**
 * After a folder's bodies were fetched: messages still waiting (outside the offline scope, or whose body
 * could not be fetched) get their arrival rules with what is stored. Returns whether server work was queued.
 */
export function settleArrivals(db: WriteDb, accountId: string, folderId: number): boolean {
  const waiting = arrivalsInFolder(db, folderId);
  if (waiting.length === 0) return false;
  return writeTransaction(db, (changes) => {
    const ids = takeArrivals(db, waiting);
    const processed = run(db, changes, rulesFor(db, accountId), ids.map((id) => arrivedMessage(db, id, null, null)), Date.now());
    return (processed?.queuedFor.size ?? 0) > 0;
  });
}

function run(db: WriteDb, changes: ChangeRecorder, rules: ReturnType<typeof rulesFor>, messages: Array<ArrivedMessage | null>, now: number): Processed | null {
  const present = messages.filter((m): m is ArrivedMessage => m !== null);
  if (present.length === 0) return null;
  return processArrivals(db, changes, present, rules, now);
}

function folderOf(db: WriteDb, id: number): number {
  return prepare<[number], { folder_id: number }>(db, 'SELECT folder_id FROM messages WHERE id = ?').get(id)?.folder_id ?? 0;
}

/** The header block of an in-memory source (a file source is read from the store when needed). */
export function headerOf(source: MessageSource): Buffer | null {
  if (source.kind !== 'buffer') return null;
  const bytes = Buffer.isBuffer(source.bytes) ? source.bytes : Buffer.from(source.bytes);
  return bytes.subarray(0, headerEnd(bytes));
}
