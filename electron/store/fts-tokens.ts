import Database from 'better-sqlite3';

/**
 * Splits text into the tokens the full-text index holds (`unicode61 remove_diacritics 2`, migration 0001),
 * so a mail rule tested on a message in memory (query-match.ts) finds what a search finds. unicode61 reads
 * text one code point at a time: each is a separator, or part of a token and folded to zero or more
 * characters (case, diacritics). Its tables are SQLite's own (an older Unicode than JavaScript's, with
 * its own folding), so they are not copied here: each code point beyond ASCII letters and digits is asked
 * of SQLite itself once, through a private in-memory FTS5 table, and remembered. Mail uses a few hundred
 * distinct characters, so that costs little; ASCII is answered without asking.
 */

/** What one code point becomes: null for a separator, else its folded text ('' for a dropped diacritic). */
const folds = new Map<number, string | null>();
let probe: { insert: Database.Statement<[string]>; read: Database.Statement<[], { term: string; offset: number }>; clear: Database.Statement<[]> } | null = null;

function probeOf(codePoint: number): string | null {
  if (!probe) {
    const db = new Database(':memory:');
    db.exec(`CREATE VIRTUAL TABLE t USING fts5 (x, tokenize = 'unicode61 remove_diacritics 2');
             CREATE VIRTUAL TABLE v USING fts5vocab (t, instance);`);
    probe = {
      insert: db.prepare('INSERT INTO t (rowid, x) VALUES (1, ?)'),
      read: db.prepare('SELECT term, offset FROM v ORDER BY offset'),
      clear: db.prepare('DELETE FROM t'),
    };
  }
  // Between two letters: one token "b?b" says it is part of a token (folded to "?"), two say a separator.
  probe.insert.run(`b${String.fromCodePoint(codePoint)}b`);
  const terms = probe.read.all();
  probe.clear.run();
  if (terms.length !== 1) return null;
  return terms[0]!.term.slice(1, -1);
}

function foldOf(codePoint: number): string | null {
  let fold = folds.get(codePoint);
  if (fold === undefined) {
    fold = probeOf(codePoint);
    folds.set(codePoint, fold);
  }
  return fold;
}

/** ASCII characters other than letters and digits: separators to unicode61. Everything else is looked at. */
// eslint-disable-next-line no-control-regex -- every ASCII character that is not a letter or digit, controls included
const ASCII_SEPARATORS = /[\x00-\x2f\x3a-\x40\x5b-\x60\x7b-\x7f]+/;
const NON_ASCII = /[\u0080-\u{10ffff}]/u;

/** The index's tokens of `text` (already CJK-split where the index splits it), in order. */
export function ftsTokens(text: string): string[] {
  const tokens: string[] = [];
  for (const run of text.split(ASCII_SEPARATORS)) {
    if (run === '') continue;
    if (!NON_ASCII.test(run)) {
      tokens.push(run.toLowerCase());
      continue;
    }
    let token = '';
    let open = false;
    for (const char of run) {
      const code = char.codePointAt(0)!;
      const fold = code < 0x80 ? char.toLowerCase() : foldOf(code);
      if (fold === null) {
        if (open && token !== '') tokens.push(token);
        token = '';
        open = false;
        continue;
      }
      token += fold;
      open = true;
    }
    if (open && token !== '') tokens.push(token);
  }
  return tokens;
}
