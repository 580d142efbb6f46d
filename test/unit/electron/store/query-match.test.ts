import { describe, expect, it } from 'vitest';
import { headerFields } from '../../../../electron/mime/header-fields';
import { parseMessage } from '../../../../electron/mime/parse-message';
import { readHeaderBlock } from '../../../../electron/store/message-sources';
import { QueryMatcher, type MessageFacts } from '../../../../electron/store/query-match';
import { searchTexts } from '../../../../electron/store/ingest';
import { matchingMessageIds } from '../../../../electron/store/search';
import { parseSearchQuery } from '../../../../electron/store/search-query';
import { eml, ingest, localFolder, tempStore } from '../../../helpers/store';
import { seededRandom } from '../../../helpers/seeded-random';

/**
 * Mail rules test a query on an arriving message in memory (query-match.ts); search runs it in SQLite.
 * Both must find the same: random queries over random messages, compared message by message.
 */

const VOCAB = ['invoice', 'Invoice', 'INVOICES', 'crème', 'creme', 'Müller', 'muller', 'naïve', 'straße', 'strasse', '東京', '京', 'µ-meter', 'ﬁle', 'file', 'e-mail', 'mail', 'o’brien', 'x2', '2024', 'weekly', 'deals', 'ǅemal', 'İstanbul', 'istanbul', 'Ⅻ', 'résumé'];
const SENDERS = ['Alice Müller <alice@example.org>', 'Shop <deals@shop.example>', 'Bob <bob@östlich.example>', 'noreply@bank.example'];

describe('rules in memory find what search finds', () => {
  it('agrees with the index on random queries over random messages', async () => {
    const rng = seededRandom(23);
    const random = rng.next;
    const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
    const words = (n: number) => Array.from({ length: n }, () => pick(VOCAB)).join(pick([' ', ', ', '-', ' / ']));
    const { db } = tempStore();
    const folder = localFolder(db, 'Work');
    const facts = new Map<number, MessageFacts>();
    for (let i = 0; i < 60; i++) {
      const raw = eml(
        {
          From: pick(SENDERS),
          To: `${pick(SENDERS)}, carol@example.org`,
          Subject: words(3),
          'Message-ID': `<q${i}@t>`,
          Date: `Mon, ${1 + (i % 28)} Jan 2024 10:00:00 +0000`,
          ...(random() < 0.5 ? { 'X-Mailer': pick(['Bulk Sender 2.0', 'Thunderbird 115', 'Apple Mail']) } : {}),
        },
        `${words(12)}\r\n`,
      );
      const parsed = await parseMessage({ kind: 'buffer', bytes: raw });
      const stored = await ingest(db, raw, { accountId: 'local', folderId: folder.id, key: { kind: 'local' }, flags: random() < 0.5 ? ['\\Seen'] : [] });
      const row = db.sqlite.prepare('SELECT seen, flagged, answered, date, size, has_attachments FROM messages WHERE id = ?').get(stored.messageId) as Record<string, number>;
      facts.set(stored.messageId, {
        folderId: folder.id,
        text: searchTexts(parsed),
        hasAttachments: row.has_attachments === 1,
        seen: row.seen === 1,
        flagged: row.flagged === 1,
        answered: row.answered === 1,
        date: row.date!,
        size: row.size!,
        keywords: [],
        headers: () => headerFields(readHeaderBlock(db, stored.messageId)),
      });
    }
    const term = (): string => {
      const r = random();
      if (r < 0.3) return pick(VOCAB);
      if (r < 0.4) return `${pick(VOCAB).slice(0, 3)}*`;
      if (r < 0.5) return `"${words(2)}"`;
      if (r < 0.6) return `from:${pick(['alice', 'müller', 'muller', 'shop.example', 'deals@shop.example', 'östlich'])}`;
      if (r < 0.7) return `subject:${pick(VOCAB)}`;
      if (r < 0.75) return pick(['is:unread', 'is:read', 'after:2024-01-15', 'before:2024-01-10', 'larger:400', 'smaller:400', 'in:Work']);
      if (r < 0.85) return `header:X-Mailer:${pick(['bulk', '"Bulk Sender"', 'thunderbird', 'apple mail'])}`;
      if (r < 0.9) return 'header:X-Mailer';
      return `to:${pick(['carol', 'alice', 'deals'])}`;
    };
    const query = (depth = 0): string => {
      const r = random();
      if (depth < 2 && r < 0.2) return `(${query(depth + 1)} OR ${query(depth + 1)})`;
      if (depth < 2 && r < 0.3) return `-${term()}`;
      if (depth < 2 && r < 0.5) return `${query(depth + 1)} ${term()}`;
      return term();
    };
    const folders = (name: string) => new Set(name.toLowerCase() === 'work' ? [folder.id] : []);
    let compared = 0;
    for (let q = 0; q < 300; q++) {
      const text = query();
      let tree;
      try {
        tree = parseSearchQuery(text);
      } catch {
        continue;
      }
      const sql = new Set(matchingMessageIds(db, tree, { limit: 1_000 }).ids);
      const memory = new Set([...facts].filter(([, f]) => new QueryMatcher(f).matches(tree, folders)).map(([id]) => id));
      expect([...memory].sort(), text).toEqual([...sql].sort());
      compared++;
    }
    expect(compared).toBeGreaterThan(250);
  });

  it('finds an ASCII word in text beyond ASCII as the index does: written as itself, or folded from accents, ligatures and other cases', async () => {
    const rng = seededRandom(2324);
    // ASCII words next to characters that fold into ASCII tokens (é, a combining accent, ﬁ, the Kelvin sign,
    // long s, dotted I), that join a token (letters of other scripts), or that separate (CJK, no-break space,
    // dashes, underscore, an astral symbol).
    const pieces = ['cafe', 'café', 'cafe\u0301', 'CAFE', 'ﬁle', 'file', 'files', '\u212aelvin', 'kelvin', 'ſun', 'sun', 'İd', 'id', 'caféx', 'жcafe', 'cafe東', '東京', 'a\u00a0b', 'x—y', 'snake_case', 'x', '🙂', '𝐀b', 'ab'];
    const seps = [' ', '', '-', ', ', '\u00a0', '_'];
    const { db } = tempStore();
    const folder = localFolder(db, 'Mixed');
    const facts = new Map<number, MessageFacts>();
    for (let i = 0; i < 50; i++) {
      const body = Array.from({ length: 6 }, () => rng.pick(pieces) + rng.pick(seps)).join('') + 'é';
      const raw = eml({ From: 'ann@example.org', Subject: 'mixed', 'Message-ID': `<w${i}@t>`, 'Content-Type': 'text/plain; charset=utf-8' }, `${body}\r\n`);
      const parsed = await parseMessage({ kind: 'buffer', bytes: raw });
      const stored = await ingest(db, raw, { accountId: 'local', folderId: folder.id, key: { kind: 'local' } });
      facts.set(stored.messageId, {
        folderId: folder.id,
        text: searchTexts(parsed),
        hasAttachments: false,
        seen: false,
        flagged: false,
        answered: false,
        date: 0,
        size: raw.length,
        keywords: [],
        headers: () => new Map(),
      });
    }
    const none = () => new Set<number>();
    for (const word of ['cafe', 'file', 'fil', 'kelvin', 'sun', 'id', 'caf', 'x', 'y', 'a', 'b', 'ab', 'snake', 'case', 'cafex', 'files']) {
      for (const text of [`body:${word}`, `body:${word}*`, word]) {
        const tree = parseSearchQuery(text);
        const sql = new Set(matchingMessageIds(db, tree, { limit: 1_000 }).ids);
        const memory = [...facts].filter(([, f]) => new QueryMatcher(f).matches(tree, none)).map(([id]) => id);
        expect(memory.sort(), text).toEqual([...sql].sort());
      }
    }
  });
});
