import { describe, expect, it } from 'vitest';
import { lazyHeaderFields, headerFields } from '../../../../../electron/mime/header-fields';
import { parseMessage } from '../../../../../electron/mime/parse-message';
import { openWriteDb } from '../../../../../electron/store/open';
import { removeRule, saveRule } from '../../../../../electron/store/rules';
import { writeTransaction } from '../../../../../electron/store/write-transaction';
import { rulesOnArrival } from '../../../../../electron/sync/rules/arrivals';
import { rulesFor } from '../../../../../electron/sync/rules/compiled-rules';
import { eml, ingest, localFolder, tempStore } from '../../../../helpers/store';

describe('rules as the sync reads them (compiled once per rule text)', () => {
  it('a rule added, edited, reordered, disabled or removed, from this connection or another, counts for the next arriving batch', async () => {
    const { db, path } = tempStore();
    const other = openWriteDb(path); // the CLI, or the app's other side, writing the same file
    try {
      const inbox = localFolder(db, 'INBOX');
      let n = 0;
      /** One message arriving in the inbox, with the rules run as the sync runs them; returns its keywords. */
      const arrive = async (subject: string): Promise<string[]> => {
        const bytes = eml({ From: 'ann@example.org', Subject: subject, 'Message-ID': `<c${n++}@x>` }, 'Hello.\r\n');
        const stored = await ingest(db, bytes, { accountId: 'local', folderId: inbox.id, key: { kind: 'local' } });
        const parsed = await parseMessage({ kind: 'buffer', bytes });
        writeTransaction(db, (changes) => rulesOnArrival(db, changes, 'local', [{ id: stored.messageId, parsed, header: null, textComing: false }]));
        return JSON.parse(db.sqlite.prepare('SELECT keywords FROM messages WHERE id = ?').pluck().get(stored.messageId) as string) as string[];
      };
      const save = (conn: typeof db, input: { id?: number; query: string; tag: string; enabled?: boolean }) =>
        writeTransaction(conn, (changes) =>
          saveRule(conn, changes, { id: input.id, name: input.tag, query: input.query, actions: [{ kind: 'tag', tag: input.tag }], accountId: null, enabled: input.enabled ?? true }, 1),
        );

      expect(await arrive('invoice 1')).toEqual([]);
      // Added by another connection: the next batch runs it.
      const bills = save(other, { query: 'subject:invoice', tag: 'bills' });
      expect(await arrive('invoice 2')).toEqual(['bills']);
      // Edited there (same id, another query): the old query no longer matches, the new one does.
      save(other, { id: bills.id, query: 'subject:receipt', tag: 'bills' });
      expect(await arrive('invoice 3')).toEqual([]);
      expect(await arrive('receipt 4')).toEqual(['bills']);
      // Edited here, with another action.
      save(db, { id: bills.id, query: 'subject:receipt', tag: 'paid' });
      expect(await arrive('receipt 5')).toEqual(['paid']);
      // Disabled there, then enabled again.
      save(other, { id: bills.id, query: 'subject:receipt', tag: 'paid', enabled: false });
      expect(await arrive('receipt 6')).toEqual([]);
      save(other, { id: bills.id, query: 'subject:receipt', tag: 'paid' });
      expect(await arrive('receipt 7')).toEqual(['paid']);
      // A second rule, then the order swapped from the other connection: the compiled list follows.
      const later = save(db, { query: 'subject:receipt', tag: 'later' });
      expect(rulesFor(db, 'local').map((r) => r.rule.id)).toEqual([bills.id, later.id]);
      other.sqlite.prepare('UPDATE rules SET position = CASE id WHEN ? THEN 2 ELSE 1 END').run(bills.id);
      expect(rulesFor(db, 'local').map((r) => r.rule.id)).toEqual([later.id, bills.id]);
      // Removed there: the next batch no longer runs it.
      writeTransaction(other, (changes) => removeRule(other, changes, bills.id));
      expect(await arrive('receipt 8')).toEqual(['later']);
      // A change rolled back leaves nothing behind: the rule reads as it was before.
      expect(() =>
        writeTransaction(db, (changes) => {
          saveRule(db, changes, { id: later.id, name: 'later', query: 'subject:nothing', actions: [{ kind: 'flag' }], accountId: null, enabled: true }, 1);
          expect(rulesFor(db, 'local')[0]!.rule.query).toBe('subject:nothing');
          throw new Error('rolled back');
        }),
      ).toThrow('rolled back');
      expect(await arrive('receipt 9')).toEqual(['later']);
    } finally {
      other.sqlite.close();
      db.sqlite.close();
    }
  });

  it('an unchanged set of rules is not compiled again: the same compiled rules come back, in order', () => {
    const { db } = tempStore();
    try {
      const saved = writeTransaction(db, (changes) =>
        ['subject:a', 'from:b', 'c OR d'].map((query, i) => saveRule(db, changes, { name: `r${i}`, query, actions: [{ kind: 'read' }], accountId: null, enabled: true }, 1)),
      );
      const first = rulesFor(db, 'local');
      expect(first.map((r) => r.rule.id)).toEqual(saved.map((r) => r.id));
      const again = rulesFor(db, 'local');
      again.forEach((compiled, i) => expect(compiled).toBe(first[i]));
      // One rule edited: only it is compiled again.
      writeTransaction(db, (changes) => saveRule(db, changes, { id: saved[1]!.id, name: 'r1', query: 'from:e', actions: [{ kind: 'read' }], accountId: null, enabled: true }, 2));
      const edited = rulesFor(db, 'local');
      expect(edited[0]).toBe(first[0]);
      expect(edited[1]!.rule.query).toBe('from:e');
      expect(edited[2]).toBe(first[2]);
    } finally {
      db.sqlite.close();
    }
  });

  it('reads header fields lazily, the same as decoding them all', () => {
    const block = Buffer.from(
      'Received: from a\r\n by b\r\nSubject: =?UTF-8?B?w6l0w6k=?= and  more\r\nX-Spam-Flag: YES\r\nreceived: second\r\nBad line\r\nX-Empty:\r\n\r\nbody: not a field\r\n',
    );
    const eager = headerFields(block);
    const lazy = lazyHeaderFields(block);
    expect(lazy.get('subject')).toEqual(['été and more']);
    expect(lazy.get('nothing')).toBeUndefined();
    expect(lazy.has('received')).toBe(true);
    expect(lazy.size).toBe(eager.size);
    expect(new Map(lazy)).toEqual(eager);
    expect([...lazy.keys()]).toEqual([...eager.keys()]);
    expect([...lazy.values()]).toEqual([...eager.values()]);
  });
});
