import { defaultJunkSettings, type JunkSettings, junkSettingsSchema, type JunkStatus } from '../../shared/contract/rules';
import { prepare, type ReadDb, type WriteDb } from './db';

/**
 * The local junk classifier: token counts kept in SQLite (migration 0011), trained by the user's "Junk" and
 * "Not junk", scored with Gary Robinson's method as SpamBayes does it: each token's spam probability
 * f(w) = (s·x + n·p(w)) / (s + n), adjusted towards x = 0.5 with strength s = 0.45 by how often it was
 * seen (n), the most telling tokens combined with Fisher's chi-square test both ways, the score
 * (1 + H − S) / 2 in 0..1. A message is junk from the user's threshold up (0.9 by default).
 */

const STRENGTH = 0.45;
const NEUTRAL = 0.5;
/** Tokens at least this far from 0.5 count; at most MAX_CLUES of the farthest. */
const MIN_DISTANCE = 0.1;
const MAX_CLUES = 150;
/** The classifier says nothing until it learnt from this many messages of each kind. */
export const MIN_TRAINED_EACH = 5;

interface TokenCounts {
  ham: number;
  spam: number;
}

interface Model {
  tokens: Map<string, TokenCounts>;
  ham: number;
  spam: number;
}

/**
 * The counts, read once per connection and kept: scoring a message then costs map lookups, not a query
 * per token. Training drops it (training is a person clicking; scoring is every arriving message).
 */
const models = new WeakMap<ReadDb['sqlite'], Model>();

function model(db: ReadDb): Model {
  let m = models.get(db.sqlite);
  if (!m) {
    const state = prepare<[], { ham_messages: number; spam_messages: number }>(db, 'SELECT ham_messages, spam_messages FROM junk_state WHERE id = 1').get();
    const tokens = new Map<string, TokenCounts>();
    for (const row of prepare<[], { token: string; ham: number; spam: number }>(db, 'SELECT token, ham, spam FROM junk_tokens').iterate()) {
      tokens.set(row.token, { ham: row.ham, spam: row.spam });
    }
    m = { tokens, ham: state?.ham_messages ?? 0, spam: state?.spam_messages ?? 0 };
    models.set(db.sqlite, m);
  }
  return m;
}

/** Whether enough was learnt for the score to mean anything. */
export function classifierReady(db: ReadDb): boolean {
  const m = model(db);
  return m.ham >= MIN_TRAINED_EACH && m.spam >= MIN_TRAINED_EACH;
}

/** The junk score of a message's tokens (mime/junk-tokens.ts): 0 surely not junk, 1 surely junk. */
export function junkScore(db: ReadDb, tokens: readonly string[]): number {
  const m = model(db);
  const clues: number[] = [];
  const hamTotal = Math.max(m.ham, 1);
  const spamTotal = Math.max(m.spam, 1);
  for (const token of tokens) {
    const counts = m.tokens.get(token);
    const hamRatio = (counts?.ham ?? 0) / hamTotal;
    const spamRatio = (counts?.spam ?? 0) / spamTotal;
    const n = (counts?.ham ?? 0) + (counts?.spam ?? 0);
    const p = hamRatio + spamRatio === 0 ? NEUTRAL : spamRatio / (hamRatio + spamRatio);
    const f = (STRENGTH * NEUTRAL + n * p) / (STRENGTH + n);
    if (Math.abs(f - NEUTRAL) >= MIN_DISTANCE) clues.push(f);
  }
  if (clues.length === 0) return NEUTRAL;
  clues.sort((a, b) => Math.abs(b - NEUTRAL) - Math.abs(a - NEUTRAL));
  const used = clues.slice(0, MAX_CLUES);
  let hamLog = 0;
  let spamLog = 0;
  for (const f of used) {
    spamLog += Math.log(Math.max(1 - f, 1e-200));
    hamLog += Math.log(Math.max(f, 1e-200));
  }
  const s = 1 - chi2Q(-2 * spamLog, 2 * used.length);
  const h = 1 - chi2Q(-2 * hamLog, 2 * used.length);
  return (1 + s - h) / 2;
}

/** The probability that chi-square with `freedom` (even) degrees of freedom exceeds `x2` (SpamBayes' chi2Q). */
function chi2Q(x2: number, freedom: number): number {
  const m = x2 / 2;
  let sum = Math.exp(-m);
  let term = sum;
  for (let i = 1; i < freedom / 2; i++) {
    term *= m / i;
    sum += term;
  }
  return Math.min(sum, 1);
}

/**
 * Learns a message as junk or not junk from the user's mark. A message marked before is untrained first
 * (the user changed their mind, or marked it twice): each message counts once, the way it was marked last.
 */
export function trainJunk(db: WriteDb, messageId: number, verdict: 'junk' | 'not-junk', tokens: readonly string[], now: number): void {
  const previous = prepare<[number], { verdict: 'junk' | 'not-junk'; tokens: string }>(db, 'SELECT verdict, tokens FROM junk_trained WHERE message_id = ?').get(messageId);
  if (previous) {
    if (previous.verdict === verdict) return;
    count(db, previous.verdict, parseTokens(previous.tokens), -1);
  }
  count(db, verdict, tokens, 1);
  prepare(db, 'INSERT OR REPLACE INTO junk_trained (message_id, verdict, tokens, at) VALUES (?, ?, ?, ?)').run(messageId, verdict, JSON.stringify(tokens), now);
  models.delete(db.sqlite);
}

/** What the filter learnt from a message, or null when it was never marked. */
export function trainedVerdict(db: ReadDb, messageId: number): 'junk' | 'not-junk' | null {
  return prepare<[number], { verdict: 'junk' | 'not-junk' }>(db, 'SELECT verdict FROM junk_trained WHERE message_id = ?').get(messageId)?.verdict ?? null;
}

/**
 * Takes a lesson back (an undone Junk or Not junk): the message counts as it did before (`before`, null
 * for not at all), from the tokens kept with the lesson. Only when the lesson is still `lesson`: a mark
 * made since then is the user's word now and stays.
 */
export function untrainJunk(db: WriteDb, messageId: number, lesson: 'junk' | 'not-junk', before: 'junk' | 'not-junk' | null): void {
  const current = prepare<[number], { verdict: 'junk' | 'not-junk'; tokens: string }>(db, 'SELECT verdict, tokens FROM junk_trained WHERE message_id = ?').get(messageId);
  if (!current || current.verdict !== lesson || before === lesson) return;
  const tokens = parseTokens(current.tokens);
  count(db, lesson, tokens, -1);
  if (before === null) prepare(db, 'DELETE FROM junk_trained WHERE message_id = ?').run(messageId);
  else {
    count(db, before, tokens, 1);
    prepare(db, 'UPDATE junk_trained SET verdict = ? WHERE message_id = ?').run(before, messageId);
  }
  models.delete(db.sqlite);
}

function count(db: WriteDb, verdict: 'junk' | 'not-junk', tokens: readonly string[], delta: 1 | -1): void {
  const column = verdict === 'junk' ? 'spam' : 'ham';
  const upsert = prepare<[string, number, number]>(
    db,
    `INSERT INTO junk_tokens (token, ham, spam) VALUES (?, ?, ?)
     ON CONFLICT (token) DO UPDATE SET ham = max(0, ham + excluded.ham), spam = max(0, spam + excluded.spam)`,
  );
  for (const token of tokens) upsert.run(token, column === 'ham' ? delta : 0, column === 'spam' ? delta : 0);
  prepare(db, `UPDATE junk_state SET ${column}_messages = max(0, ${column}_messages + ?) WHERE id = 1`).run(delta);
  if (delta < 0) prepare(db, 'DELETE FROM junk_tokens WHERE ham = 0 AND spam = 0').run();
}

function parseTokens(text: string): string[] {
  try {
    const list: unknown = JSON.parse(text);
    return Array.isArray(list) ? list.filter((t): t is string => typeof t === 'string') : [];
  } catch {
    return [];
  }
}

/**
 * Built once: zod compiles a schema's checks the first time it parses (0.5–0.8 ms for this one here), and
 * the sync reads the settings twice in every commit that stores mail.
 */
const storedJunkSettings = junkSettingsSchema.partial();
/** The last settings text read and what it gave (the text is the key: a change is seen at once). */
let lastRead: { text: string; settings: JunkSettings } | null = null;

export function junkSettings(db: ReadDb): JunkSettings {
  const text = prepare<[], { settings: string }>(db, 'SELECT settings FROM junk_state WHERE id = 1').get()?.settings ?? '{}';
  if (lastRead?.text !== text) {
    const parsed = storedJunkSettings.safeParse(safeJson(text));
    lastRead = { text, settings: { ...defaultJunkSettings, ...(parsed.success ? parsed.data : {}) } };
  }
  return { ...lastRead.settings };
}

export function setJunkSettings(db: WriteDb, change: Partial<JunkSettings>): JunkSettings {
  const next = { ...junkSettings(db), ...change };
  prepare(db, 'UPDATE junk_state SET settings = ? WHERE id = 1').run(JSON.stringify(next));
  return next;
}

export function junkStatus(db: ReadDb): JunkStatus {
  const state = prepare<[], { ham_messages: number; spam_messages: number }>(db, 'SELECT ham_messages, spam_messages FROM junk_state WHERE id = 1').get();
  return { settings: junkSettings(db), trainedJunk: state?.spam_messages ?? 0, trainedNotJunk: state?.ham_messages ?? 0 };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
