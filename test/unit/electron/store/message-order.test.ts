import { join } from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { defaultAccountSettings } from '../../../../shared/contract/accounts';
import { type MessageSort, sortSchema } from '../../../../shared/contract/messages';
import { insertAccount } from '../../../../electron/store/accounts';
import type { ReadDb, WriteDb } from '../../../../electron/store/db';
import { renameFolder, upsertFolder } from '../../../../electron/store/folders';
import { copyMessageRow } from '../../../../electron/store/message-copy';
import { listMailboxIds, listMessagePage } from '../../../../electron/store/message-list';
import { messageOrder, orderBySql } from '../../../../electron/store/message-order';
import { migrations } from '../../../../electron/store/migrations/all';
import { up as sortKeys } from '../../../../electron/store/migrations/0008-sort-keys';
import { up as recipientKeys } from '../../../../electron/store/migrations/0015-recipient-sort-key';
import { up as outgoingRows } from '../../../../electron/store/migrations/0018-outgoing-rows';
import { openReadDb } from '../../../../electron/store/open';
import { writeTransaction } from '../../../../electron/store/write-transaction';
import { placeRow } from '../../../../electron/sync/actions/row-changes';
import type { ActionRow } from '../../../../electron/sync/engine';
import { eml, ingest, localFolder, tempDir, tempStore } from '../../../helpers/store';

const sorts = sortSchema.options;

/** The statements `run` executes on `read` (through the store's prepare cache), with their arguments. */
function queriesOf(read: ReadDb, run: (db: ReadDb) => void): Array<{ sql: string; args: unknown[] }> {
  const seen: Array<{ sql: string; args: unknown[] }> = [];
  const sqlite = new Proxy(read.sqlite, {
    get(target, name) {
      if (name !== 'prepare') return Reflect.get(target, name, target) as unknown;
      return (sql: string) => {
        const statement = target.prepare(sql);
        const recorded: object = new Proxy(statement, {
          get(st, method) {
            const value = Reflect.get(st, method, st) as unknown;
            if (typeof value !== 'function') return value;
            return (...args: unknown[]) => {
              if (method === 'all' || method === 'get' || method === 'iterate') seen.push({ sql, args });
              const result = (value as (...a: unknown[]) => unknown).apply(st, args);
              return result === st ? recorded : result;
            };
          },
        });
        return recorded;
      };
    },
  });
  run({ sqlite, path: read.path });
  return seen;
}

/** Messages chosen so every order differs: accents and case in names, "Re:" and list tags, equal keys. */
const mail = [
  { name: 'émile', from: 'Émile Zola <emile@example.fr>', subject: 'Re: Zeppelins', date: '2024-03-01', body: 60 },
  { name: 'bob-old', from: 'bob@example.org', subject: 'apples', date: '2024-01-01', body: 500 },
  { name: 'bob-new', from: 'Bob <bob@example.org>', subject: '[list] Bananas', date: '2024-02-01', body: 500 },
  { name: 'quoted', from: '"\'Carol\'" <carol@example.org>', subject: 'Fwd: apples', date: '2024-01-15', body: 10 },
  { name: 'nobody', from: '', subject: '', date: '2023-12-01', body: 3000 },
  { name: 'upper', from: 'ALICE <alice@example.org>', subject: 'Émeraude', date: '2024-04-01', body: 40 },
];

/** What a person expects each ascending order to be (the descending ones are these reversed). */
const expected: Record<'sender-asc' | 'subject-asc' | 'size-asc' | 'date-asc', string[]> = {
  // Blank sender first; Alice; the two Bobs newest first; Carol without her quotes; Émile with the Es.
  'sender-asc': ['nobody', 'upper', 'bob-new', 'bob-old', 'quoted', 'émile'],
  // Blank first; "apples" twice (newest first, prefixes ignored); bananas without the list tag; É with E.
  'subject-asc': ['nobody', 'quoted', 'bob-old', 'bob-new', 'upper', 'émile'],
  'size-asc': ['quoted', 'upper', 'émile', 'bob-old', 'bob-new', 'nobody'],
  'date-asc': ['nobody', 'bob-old', 'quoted', 'bob-new', 'émile', 'upper'],
};

describe('sorting a list by date, sender, subject and size', () => {
  let db: WriteDb;
  let read: ReadDb;
  let inbox: number;
  let otherInbox: number;
  const names = new Map<number, string>();

  beforeAll(async () => {
    const store = tempStore();
    db = store.db;
    inbox = localFolder(db, 'Sorting').id;
    const account = writeTransaction(db, (changes) =>
      insertAccount(db, changes, {
        name: 'Work', email: 'me@work.example', protocol: 'imap', host: '127.0.0.1', port: 993, security: 'tls', username: 'me',
        trustedFingerprint: null, settings: defaultAccountSettings,
      }),
    );
    otherInbox = writeTransaction(db, (changes) =>
      upsertFolder(db, changes, account.id, { path: 'INBOX', name: 'INBOX', parentPath: null, delimiter: '/', specialUse: 'inbox', subscribed: true }),
    ).id;
    const localInbox = localFolder(db, 'INBOX').id;
    db.sqlite.prepare("UPDATE folders SET special_use = 'inbox' WHERE id = ?").run(localInbox);
    for (const [i, m] of mail.entries()) {
      const headers = { From: m.from, Subject: m.subject, Date: new Date(`${m.date}T10:00:00Z`).toUTCString(), 'Message-ID': `<${i}@sort>` };
      const bytes = eml(headers, `${'x'.repeat(m.body)}\r\n`);
      names.set((await ingest(db, bytes, { accountId: 'local', folderId: inbox, key: { kind: 'local' } })).messageId, m.name);
      // The unified inbox: the same mail split between two accounts' inboxes.
      const where = i % 2 === 0 ? { accountId: 'local', folderId: localInbox, key: { kind: 'local' as const } } : { accountId: account.id, folderId: otherInbox, key: { kind: 'imap' as const, uidvalidity: 1, uid: i + 1 } };
      names.set((await ingest(db, bytes, where)).messageId, m.name);
    }
    read = openReadDb(store.path);
  });

  const namesOf = (ids: number[]) => ids.map((id) => names.get(id));

  it.each(Object.keys(expected) as Array<keyof typeof expected>)('lists a folder in %s order, and its reverse the other way', (sort) => {
    expect(namesOf(listMailboxIds(read, { folderId: inbox }, sort))).toEqual(expected[sort]);
    const reverse = sort.replace('-asc', '-desc') as MessageSort;
    expect(namesOf(listMailboxIds(read, { folderId: inbox }, reverse))).toEqual([...expected[sort]].reverse());
  });

  it.each(sorts)('pages a folder and the unified inbox in %s order by keyset, never skipping or repeating', (sort) => {
    for (const mailbox of [{ folderId: inbox }, { unified: 'inbox' as const }]) {
      for (const limit of [1, 2, 4]) {
        const paged: number[] = [];
        let cursor: string | null = null;
        do {
          const page = listMessagePage(read, mailbox, sort, cursor, limit);
          expect(page.messages.length).toBeLessThanOrEqual(limit);
          paged.push(...page.messages.map((m) => m.id));
          cursor = page.nextCursor;
        } while (cursor);
        const all = listMailboxIds(read, mailbox, sort);
        expect(paged).toEqual(all);
        expect(all).toHaveLength(mail.length);
      }
    }
    // The unified inbox interleaves both accounts in the same order as one folder.
    expect(namesOf(listMailboxIds(read, { unified: 'inbox' }, sort))).toEqual(namesOf(listMailboxIds(read, { folderId: inbox }, sort)));
  });

  it('refuses a cursor of another order, or one it did not hand out', () => {
    const bySender = listMessagePage(read, { folderId: inbox }, 'sender-asc', null, 2).nextCursor!;
    const byDate = listMessagePage(read, { folderId: inbox }, 'date-desc', null, 2).nextCursor!;
    expect(() => listMessagePage(read, { folderId: inbox }, 'date-desc', bySender, 2)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => listMessagePage(read, { folderId: inbox }, 'size-asc', bySender, 2)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => listMessagePage(read, { folderId: inbox }, 'subject-asc', byDate, 2)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => listMessagePage(read, { folderId: inbox }, 'subject-asc', 'bogus', 2)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });

  it.each(sorts)('reads a folder in %s order from its index alone: no sort step, no table rows', (sort) => {
    const plan = (sql: string, ...params: unknown[]) =>
      (db.sqlite.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as Array<{ detail: string }>).map((r) => r.detail).join(' | ');
    const ids = plan(`SELECT id FROM messages WHERE folder_id = ? AND deleted_locally = 0 ORDER BY ${orderBySql(messageOrder(sort), '')}`, inbox);
    expect(ids).toMatch(/USING COVERING INDEX messages_folder_/);
    expect(ids).not.toMatch(/TEMP B-TREE/);
    const page = plan(
      `SELECT m.id FROM messages m JOIN folders f ON f.id = m.folder_id WHERE m.folder_id = ? AND m.deleted_locally = 0 ORDER BY ${orderBySql(messageOrder(sort), 'm.')} LIMIT 100`,
      inbox,
    );
    expect(page).not.toMatch(/TEMP B-TREE/);
  });

  it('fills the sort keys of the messages an earlier version stored (migration 0008)', () => {
    const path = join(tempDir(), 'old.sqlite');
    const old = new Database(path);
    for (const m of migrations.filter((m) => m.version < 8)) m.up(old);
    const folder = Number(old.prepare("INSERT INTO folders (account_id, path, name) VALUES ('local', 'Old', 'Old')").run().lastInsertRowid);
    const insert = old.prepare(
      `INSERT INTO messages (account_id, folder_id, subject, from_name, from_address, date, size, added_at) VALUES ('local', ?, ?, ?, ?, ?, ?, 0)`,
    );
    insert.run(folder, 'Re: Über alles', 'Ünal', 'u@example.org', 1, 10);
    insert.run(folder, 'hello', null, 'Zed@Example.org', 2, 20);
    sortKeys(old);
    expect(old.prepare('SELECT sender_key, subject_key FROM messages ORDER BY id').all()).toEqual([
      { sender_key: 'unal', subject_key: 'uber alles' },
      { sender_key: 'zed@example.org', subject_key: 'hello' },
    ]);
    old.close();
  });

  describe('in Sent and Drafts, whose rows name the recipients', () => {
    // Every message is the user's own; the rows read "To: …", so "Sender" sorts by what they show.
    const sent = [
      { name: 'to-zoe', to: 'Zoë Young <zoe@example.org>', date: '2024-01-01' },
      { name: 'to-carol-bob', to: '"Carol" <carol@example.org>, bob@example.org', date: '2024-02-01' },
      { name: 'to-nobody', to: '', date: '2024-03-01' },
      { name: 'to-bob', to: 'bob@example.org', date: '2024-04-01' },
      { name: 'to-emile', to: 'Émile <emile@example.fr>', date: '2024-05-01' },
    ];
    const byRecipient = ['to-nobody', 'to-bob', 'to-carol-bob', 'to-emile', 'to-zoe'];
    let sentFolder: number;
    let draftsFolder: number;

    beforeAll(async () => {
      sentFolder = localFolder(db, 'Sent').id;
      draftsFolder = localFolder(db, 'Drafts').id;
      db.sqlite.prepare("UPDATE folders SET special_use = 'sent' WHERE id = ?").run(sentFolder);
      db.sqlite.prepare("UPDATE folders SET special_use = 'drafts' WHERE id = ?").run(draftsFolder);
      for (const [i, m] of sent.entries()) {
        const headers: Record<string, string> = { From: 'Me <me@work.example>', Subject: 'x', Date: new Date(`${m.date}T10:00:00Z`).toUTCString(), 'Message-ID': `<s${i}@sort>` };
        if (m.to) headers.To = m.to;
        for (const folderId of [sentFolder, draftsFolder]) {
          names.set((await ingest(db, eml(headers, 'hi\r\n'), { accountId: 'local', folderId, key: { kind: 'local' } })).messageId, m.name);
        }
      }
    });

    it('sorts Sender, A to Z by the recipients shown, not by the user; Z to A the reverse', () => {
      for (const folderId of [sentFolder, draftsFolder]) {
        expect(namesOf(listMailboxIds(read, { folderId }, 'sender-asc'))).toEqual(byRecipient);
        expect(namesOf(listMailboxIds(read, { folderId }, 'sender-desc'))).toEqual([...byRecipient].reverse());
        for (const sort of ['sender-asc', 'sender-desc'] as const) {
          for (const limit of [1, 2, 3]) {
            const paged: number[] = [];
            let cursor: string | null = null;
            do {
              const page = listMessagePage(read, { folderId }, sort, cursor, limit);
              paged.push(...page.messages.map((m) => m.id));
              cursor = page.nextCursor;
            } while (cursor);
            expect(paged).toEqual(listMailboxIds(read, { folderId }, sort));
          }
        }
      }
    });

    it('reads Sent in that order from its index alone, and only the rows of Sent and Drafts enter that index', () => {
      const queries = queriesOf(read, (recorded) => {
        listMailboxIds(recorded, { folderId: sentFolder }, 'sender-asc');
        const first = listMessagePage(recorded, { folderId: sentFolder }, 'sender-desc', null, 2);
        listMessagePage(recorded, { folderId: sentFolder }, 'sender-desc', first.nextCursor, 2);
      });
      expect(queries.length).toBeGreaterThan(3);
      for (const query of queries.filter((q) => /FROM messages/.test(q.sql) && /ORDER BY/.test(q.sql))) {
        const detail = (read.sqlite.prepare(`EXPLAIN QUERY PLAN ${query.sql}`).all(...query.args) as Array<{ detail: string }>).map((r) => r.detail).join(' | ');
        expect(detail, query.sql).toMatch(/USING (COVERING )?INDEX messages_folder_recipient/);
        expect(detail, query.sql).not.toMatch(/TEMP B-TREE/);
      }
      const indexed = (folderId: number) =>
        db.sqlite.prepare('SELECT count(*) FROM messages INDEXED BY messages_folder_recipient WHERE folder_id = ? AND deleted_locally = 0 AND outgoing_folder = 1').pluck().get(folderId);
      expect(indexed(sentFolder)).toBe(sent.length);
      expect(indexed(inbox)).toBe(0);
    });

    it('keeps that order whole as messages move or are copied into and out of Sent, and as a folder becomes Sent or Drafts or stops being one', async () => {
      const elsewhere = localFolder(db, 'Elsewhere').id;
      const outgoingSet = new Set<number>();
      const moved: number[] = [];
      for (const [i, to] of ['Yann <yann@example.org>', 'aaron@example.org', 'Maud <maud@example.org>'].entries()) {
        const bytes = eml({ From: 'Me <me@work.example>', To: to, Subject: 'y', Date: new Date(Date.UTC(2024, 6, i + 1)).toUTCString(), 'Message-ID': `<m${i}@move>` });
        moved.push((await ingest(db, bytes, { accountId: 'local', folderId: elsewhere, key: { kind: 'local' } })).messageId);
      }
      const [yann, aaron, maud] = moved as [number, number, number];
      const recipientsOf = (folderId: number) => listMailboxIds(read, { folderId }, 'sender-asc');
      const keyOf = (id: number) => db.sqlite.prepare('SELECT recipient_key FROM messages WHERE id = ?').pluck().get(id) as string;
      /** Every row of the folder in the recipients' order, as listed whole and page by page. */
      const expectWhole = (folderId: number) => {
        const all = listMailboxIds(read, { folderId }, 'date-desc');
        const ids = recipientsOf(folderId);
        expect(new Set(ids)).toEqual(new Set(all));
        expect(ids).toHaveLength(all.length);
        if (outgoingSet.has(folderId)) expect(ids.map(keyOf)).toEqual(ids.map(keyOf).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b))));
        for (const sort of ['sender-asc', 'sender-desc'] as const) {
          const paged: number[] = [];
          let cursor: string | null = null;
          do {
            const page = listMessagePage(read, { folderId }, sort, cursor, 2);
            paged.push(...page.messages.map((m) => m.id));
            cursor = page.nextCursor;
          } while (cursor);
          expect(paged).toEqual(listMailboxIds(read, { folderId }, sort));
        }
      };
      outgoingSet.add(sentFolder).add(draftsFolder);

      // Moved into Sent (a move of the user's, or one the server reported): listed, among the recipients.
      db.sqlite.prepare('UPDATE messages SET folder_id = ? WHERE id = ?').run(sentFolder, aaron);
      writeTransaction(db, (changes) => placeRow(db, changes, { id: maud, accountId: 'local', folderId: elsewhere } as ActionRow, draftsFolder, null));
      expect(recipientsOf(sentFolder)[1]).toBe(aaron);
      expect(recipientsOf(draftsFolder)).toContain(maud);
      expectWhole(sentFolder);
      expectWhole(draftsFolder);
      // Copied into Sent.
      const copy = writeTransaction(db, (changes) => copyMessageRow(db, changes, { id: yann, accountId: 'local' }, sentFolder));
      expect(recipientsOf(sentFolder)).toContain(copy);
      expectWhole(sentFolder);
      // Moved back out: gone from Sent, listed where it went.
      db.sqlite.prepare('UPDATE messages SET folder_id = ? WHERE id IN (?, ?)').run(elsewhere, aaron, copy);
      expect(recipientsOf(sentFolder)).not.toContain(aaron);
      expectWhole(sentFolder);
      expectWhole(elsewhere);
      expect(recipientsOf(elsewhere)).toEqual(expect.arrayContaining([yann, aaron, copy]));

      // The folder becomes the account's Sent (a server's listing, a rename): its rows are sorted by recipient...
      const asFolder = (specialUse: 'sent' | 'drafts' | null) =>
        writeTransaction(db, (changes) => renameFolder(db, changes, elsewhere, { path: 'Elsewhere', name: 'Elsewhere', parentPath: null, delimiter: '/', specialUse, subscribed: true }));
      asFolder('sent');
      outgoingSet.add(elsewhere);
      expect(recipientsOf(elsewhere).map(keyOf)).toEqual(['aaron@example.org', 'yann', 'yann']);
      expectWhole(elsewhere);
      asFolder('drafts');
      expectWhole(elsewhere);
      // ...and by sender again, every row still there, once it is not.
      asFolder(null);
      outgoingSet.delete(elsewhere);
      expectWhole(elsewhere);
      expect(db.sqlite.prepare('SELECT count(*) FROM messages WHERE folder_id = ? AND outgoing_folder = 1').pluck().get(elsewhere)).toBe(0);
      // Through the folder listing's upsert too.
      writeTransaction(db, (changes) => upsertFolder(db, changes, 'local', { path: 'Elsewhere', name: 'Elsewhere', parentPath: null, delimiter: '/', specialUse: 'sent', subscribed: true }));
      outgoingSet.add(elsewhere);
      expect(recipientsOf(elsewhere).map(keyOf)).toEqual(['aaron@example.org', 'yann', 'yann']);
      expectWhole(elsewhere);
      // Nowhere does a row's mark disagree with its folder.
      expect(
        db.sqlite.prepare("SELECT count(*) FROM messages m JOIN folders f ON f.id = m.folder_id WHERE m.outgoing_folder != coalesce(f.special_use IN ('sent', 'drafts'), 0)").pluck().get(),
      ).toBe(0);
    });

    it('fills the recipients\' key of the messages an earlier version stored (migration 0015)', () => {
      const path = join(tempDir(), 'old15.sqlite');
      const old = new Database(path);
      for (const m of migrations.filter((m) => m.version < 15)) m.up(old);
      const folder = Number(old.prepare("INSERT INTO folders (account_id, path, name) VALUES ('local', 'Old', 'Old')").run().lastInsertRowid);
      const insert = old.prepare(`INSERT INTO messages (account_id, folder_id, subject, to_json, date, size, added_at) VALUES ('local', ?, 's', ?, 1, 1, 0)`);
      insert.run(folder, JSON.stringify([{ name: 'Ünal', address: 'u@example.org' }, { name: '', address: 'Zed@Example.org' }]));
      insert.run(folder, '[]');
      insert.run(folder, 'not json');
      recipientKeys(old);
      expect(old.prepare('SELECT recipient_key FROM messages ORDER BY id').pluck().all()).toEqual(['unal, zed@example.org', '', '']);
      old.close();
    });

    it('marks the rows an earlier version stored in Sent and Drafts, and indexes only those (migration 0018)', () => {
      const path = join(tempDir(), 'old18.sqlite');
      const old = new Database(path);
      for (const m of migrations.filter((m) => m.version < 18)) m.up(old);
      old.prepare("INSERT INTO accounts (id, name, email, protocol, created_at) VALUES ('a', 'a', 'a@example.org', 'imap', 0)").run();
      const folder = (path: string, use: string | null) =>
        Number(old.prepare("INSERT INTO folders (account_id, path, name, special_use) VALUES ('a', ?, ?, ?)").run(path, path, use).lastInsertRowid);
      const folders = [folder('INBOX', 'inbox'), folder('Sent', 'sent'), folder('Drafts', 'drafts'), folder('Other', null)];
      const insert = old.prepare("INSERT INTO messages (account_id, folder_id, date, size, added_at, recipient_key) VALUES ('a', ?, ?, 1, 0, ?)");
      for (const folderId of folders) for (const key of ['b', 'a', 'c']) insert.run(folderId, key.charCodeAt(0), key);
      outgoingRows(old);
      expect(old.prepare('SELECT folder_id, outgoing_folder FROM messages GROUP BY folder_id ORDER BY folder_id').raw().all()).toEqual(
        folders.map((id, i) => [id, i === 1 || i === 2 ? 1 : 0]),
      );
      expect(old.prepare('SELECT count(*) FROM messages INDEXED BY messages_folder_recipient WHERE outgoing_folder = 1 AND deleted_locally = 0').pluck().get()).toBe(6);
      old.close();
    });
  });
});
