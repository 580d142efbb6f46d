import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { MethodHandlers, QueryName } from '../../../../shared/contract';
import type { WriteDb } from '../../../../electron/store/db';
import { upsertFolder } from '../../../../electron/store/folders';
import { insertAccount } from '../../../../electron/store/accounts';
import { defaultAccountSettings } from '../../../../shared/contract/accounts';
import { openReadDb } from '../../../../electron/store/open';
import { writeTransaction } from '../../../../electron/store/write-transaction';
import { createMessageQueries } from '../../../../electron/service/message-queries';
import { eml, ingest, localFolder, tempStore } from '../../../helpers/store';

const fixture = (name: string) => readFileSync(join(import.meta.dirname, '../../../fixtures/mime', name));

type Queries = Pick<MethodHandlers<QueryName>, 'listFolders' | 'listMessages' | 'listMessageIds' | 'getMessageSummaries' | 'getMessage' | 'getMessageSource' | 'getAttachment' | 'getThread' | 'search'>;

describe('message queries on a small mailbox', () => {
  let db: WriteDb;
  let q: Queries;
  let inbox: number;
  let archive: number;
  let imapInbox: number;
  const ids: Record<string, number> = {};

  beforeAll(async () => {
    const store = tempStore();
    db = store.db;
    inbox = localFolder(db, 'INBOX').id;
    archive = localFolder(db, 'Archive/2024').id;
    const account = writeTransaction(db, (changes) =>
      insertAccount(db, changes, {
        name: 'Work', email: 'me@work.example', protocol: 'imap', host: '127.0.0.1', port: 993, security: 'tls', username: 'me',
        trustedFingerprint: null, settings: defaultAccountSettings,
      }),
    );
    imapInbox = writeTransaction(db, (changes) =>
      upsertFolder(db, changes, account.id, { path: 'INBOX', name: 'INBOX', parentPath: null, delimiter: '/', specialUse: 'inbox', subscribed: true }),
    ).id;
    const local = { accountId: 'local', key: { kind: 'local' as const } };
    for (const name of ['plain.eml', 'attachment-2231.eml', 'html-inline.eml', 'iso-2022-jp.eml', 'koi8-r.eml', 'windows-1252.eml', 'no-header-garbage.eml']) {
      ids[name] = (await ingest(db, fixture(name), { ...local, folderId: inbox, flags: name === 'plain.eml' ? ['\\Seen'] : [] })).messageId;
    }
    ids.archived = (await ingest(db, eml({ From: 'dave@example.org', Subject: 'Old zeppelin notes', Date: 'Sun, 1 Jan 2023 10:00:00 +0000' }, 'zeppelin\r\n'), { ...local, folderId: archive })).messageId;
    ids.imap = (
      await ingest(db, eml({ From: 'erin@work.example', Subject: 'Work zeppelin', Date: 'Sat, 20 Jan 2024 10:00:00 +0000', 'Message-ID': '<w1@work>' }), {
        accountId: account.id, folderId: imapInbox, key: { kind: 'imap', uidvalidity: 1, uid: 10 }, flags: ['\\Flagged', '$Important'],
      })
    ).messageId;
    ids.hidden = (
      await ingest(db, eml({ From: 'erin@work.example', Subject: 'Hidden zeppelin', Date: 'Sun, 21 Jan 2024 10:00:00 +0000' }), {
        accountId: account.id, folderId: imapInbox, key: { kind: 'imap', uidvalidity: 1, uid: 11 },
      })
    ).messageId;
    // What the IMAP helper does for a queued delete: the row stays, hidden.
    db.sqlite.prepare('UPDATE messages SET deleted_locally = 1 WHERE id = ?').run(ids.hidden);
    db.sqlite.prepare("INSERT INTO addresses (address, allow_remote_content) VALUES ('juergen@example.de', 1) ON CONFLICT (address) DO UPDATE SET allow_remote_content = 1").run();
    q = createMessageQueries({ db: openReadDb(store.path) } as never);
  });

  it('lists folders with total and unread counts that leave hidden messages out', async () => {
    const folders = await q.listFolders({});
    expect(folders.find((f) => f.id === inbox)).toMatchObject({ path: 'INBOX', specialUse: 'inbox', total: 7, unread: 6, offline: 7 });
    expect(folders.find((f) => f.id === archive)).toMatchObject({ path: 'Archive/2024', name: '2024', parentPath: 'Archive', total: 1 });
    expect(folders.find((f) => f.id === imapInbox)).toMatchObject({ total: 1, unread: 1 });
    expect(await q.listFolders({ accountId: 'local' })).toHaveLength(2);
    await expect(q.listFolders({ accountId: 'nope' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('pages a folder newest first by keyset, without skipping or repeating', async () => {
    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const page = await q.listMessages({ mailbox: { folderId: inbox }, sort: 'date-desc', cursor, limit: 2 });
      expect(page.messages.length).toBeLessThanOrEqual(2);
      seen.push(...page.messages.map((m) => m.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(await q.listMessageIds({ mailbox: { folderId: inbox }, sort: 'date-desc' }));
    expect(new Set(seen).size).toBe(7);
    const dated = (await q.getMessageSummaries({ ids: seen })).filter((m) => m.date !== null).map((m) => m.date!);
    expect(dated).toEqual([...dated].sort().reverse());
    const ascending = await q.listMessageIds({ mailbox: { folderId: inbox }, sort: 'date-asc' });
    expect(ascending).toEqual([...seen].reverse());
  });

  it('refuses a cursor it did not hand out', async () => {
    await expect(q.listMessages({ mailbox: { folderId: inbox }, sort: 'date-desc', cursor: 'bogus', limit: 2 })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
    await expect(q.listMessages({ mailbox: { folderId: 999 }, sort: 'date-desc', cursor: null, limit: 2 })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('merges every INBOX into the unified inbox, hidden messages left out', async () => {
    const page = await q.listMessages({ mailbox: { unified: 'inbox' }, sort: 'date-desc', cursor: null, limit: 100 });
    const got = page.messages.map((m) => m.id);
    expect(got).toContain(ids.imap);
    expect(got).toContain(ids['plain.eml']);
    expect(got).not.toContain(ids.hidden);
    expect(got).not.toContain(ids.archived);
    expect(got).toHaveLength(8);
    expect(page.nextCursor).toBeNull();
    const paged: number[] = [];
    let cursor: string | null = null;
    do {
      const next = await q.listMessages({ mailbox: { unified: 'inbox' }, sort: 'date-desc', cursor, limit: 3 });
      paged.push(...next.messages.map((m) => m.id));
      cursor = next.nextCursor;
    } while (cursor);
    expect(paged).toEqual(got);
    expect(await q.listMessageIds({ mailbox: { unified: 'inbox' }, sort: 'date-desc' })).toEqual(got);
  });

  it('gives list rows the fields the list and the CLI need', async () => {
    const [row] = await q.getMessageSummaries({ ids: [ids.imap!] });
    expect(row).toMatchObject({
      id: ids.imap,
      folder: 'INBOX',
      uid: 10,
      uidl: null,
      messageId: '<w1@work>',
      subject: 'Work zeppelin',
      from: { name: '', address: 'erin@work.example' },
      date: '2024-01-20T10:00:00.000Z',
      flags: ['\\Flagged', '$Important'],
      seen: false,
      flagged: true,
      threadCount: 1,
      parseStatus: 'ok',
      bodyStatus: 'full',
      pendingState: null,
    });
    const [attached] = await q.getMessageSummaries({ ids: [ids['attachment-2231.eml']!] });
    expect(attached!.attachments).toEqual([{ filename: 'Bilanz Übersicht 2024.xls', contentType: 'application/vnd.ms-excel', size: 21 }]);
    // An inline cid: image is a part of the HTML, not an attachment in the list.
    const [html] = await q.getMessageSummaries({ ids: [ids['html-inline.eml']!] });
    expect(html!.attachments).toEqual([]);
    expect(await q.getMessageSummaries({ ids: [ids.hidden!] })).toEqual([]);
  });

  it('threads a reply with its parent by References', async () => {
    const [parent] = await q.getMessageSummaries({ ids: [ids['plain.eml']!] });
    expect(parent!.threadCount).toBe(2);
    const thread = await q.getThread({ threadId: parent!.threadId! });
    expect(thread.map((m) => m.id)).toEqual([ids['plain.eml'], ids['attachment-2231.eml']]);
  });

  it('returns a message with HTML as sent, inline parts with their Content-ID, and the sender’s remote-content choice', async () => {
    const message = await q.getMessage({ id: ids['html-inline.eml']! });
    expect(message.subject).toBe('Grüße aus München');
    expect(message.from).toEqual({ name: 'Jürgen Müller', address: 'juergen@example.de' });
    expect(message.cc).toEqual([{ name: 'Carol', address: 'carol@example.com' }]);
    expect(message.html).toContain('src="cid:logo@example.de"');
    expect(message.html).toContain('https://tracker.example/pixel.gif');
    expect(message.text).toContain('Schöne Grüße vom Oktoberfest.');
    expect(message.headers[0]).toEqual(['From', 'Jürgen Müller <juergen@example.de>']);
    expect(message.attachmentList).toEqual([
      { id: expect.any(Number), filename: 'logo.png', contentType: 'image/png', size: 68, contentId: 'logo@example.de', inline: true },
    ]);
    expect(message.remoteContentAllowed).toBe(true);
    expect((await q.getMessage({ id: ids['plain.eml']! })).remoteContentAllowed).toBe(false);
    const image = await q.getAttachment({ messageId: message.id, attachmentId: message.attachmentList[0]!.id });
    expect(Buffer.from(image.base64, 'base64').subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
    await expect(q.getAttachment({ messageId: ids['plain.eml']!, attachmentId: message.attachmentList[0]!.id })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('decodes charsets: ISO-2022-JP, KOI8-R, windows-1252 bodies and raw 8-bit headers', async () => {
    expect((await q.getMessage({ id: ids['iso-2022-jp.eml']! })).text).toContain('東京都の会議は明日です。');
    expect((await q.getMessage({ id: ids['koi8-r.eml']! })).subject).toBe('Привет из Москвы');
    const french = await q.getMessage({ id: ids['windows-1252.eml']! });
    expect(french.subject).toBe('Crème brûlée');
    expect(french.from?.name).toBe('François');
    expect(french.text).toContain('L’été – naïve résumé €100');
  });

  it('gives the exact stored bytes back', async () => {
    const source = await q.getMessageSource({ id: ids['windows-1252.eml']!, part: 'stored' });
    expect(Buffer.from(source.base64, 'base64').equals(fixture('windows-1252.eml'))).toBe(true);
    await expect(q.getMessageSource({ id: ids.hidden!, part: 'stored' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('shows a message that could not be parsed as its raw text', async () => {
    const message = await q.getMessage({ id: ids['no-header-garbage.eml']! });
    expect(message.parseStatus).toBe('failed');
    expect(message.html).toBeNull();
    expect(message.text).toContain('quokka bytes');
  });

  describe('search', () => {
    const hitIds = async (query: string, accountId?: string) => (await q.search({ query, limit: 200, ...(accountId ? { accountId } : {}) })).hits.map((h) => h.id);

    it('finds words in subject and body, with diacritics folded, newest first', async () => {
      expect(await hitIds('quarterly')).toEqual([ids['attachment-2231.eml'], ids['plain.eml']]);
      expect(await hitIds('creme')).toEqual([ids['windows-1252.eml'], ids['plain.eml']]);
      expect(await hitIds('MOSKVY')).toEqual([]);
      expect(await hitIds('москвы')).toEqual([ids['koi8-r.eml']]);
    });

    it('finds phrases only as phrases', async () => {
      expect(await hitIds('"numbers are attached"')).toEqual([ids['plain.eml']]);
      expect(await hitIds('"attached numbers"')).toEqual([]);
    });

    it('finds CJK words inside unspaced text, as phrases of characters', async () => {
      expect(await hitIds('会議')).toEqual([ids['iso-2022-jp.eml']]);
      expect(await hitIds('明日')).toEqual([ids['iso-2022-jp.eml']]);
      expect(await hitIds('議会')).toEqual([]);
      const [hit] = (await q.search({ query: '東京', limit: 10 })).hits;
      expect(hit!.highlights.map((h) => h.text)).toContain('\u0002東京\u0003都の会議');
    });

    it('limits by sender, recipient and subject', async () => {
      expect(await hitIds('from:alice')).toEqual([ids['plain.eml']]);
      expect(await hitIds('from:alice@example.org')).toEqual([ids['plain.eml']]);
      expect(await hitIds('to:alice')).not.toContain(ids['plain.eml']);
      expect(await hitIds('to:carol')).toEqual([ids['html-inline.eml']]);
      expect(await hitIds('subject:report')).toEqual([ids['attachment-2231.eml'], ids['plain.eml']]);
      expect(await hitIds('subject:wiki')).toEqual([]);
      expect(await hitIds('from:"Alice Example"')).toEqual([ids['plain.eml']]);
    });

    it('filters by attachment, read state, dates and folder', async () => {
      expect(await hitIds('has:attachment')).toEqual([ids['attachment-2231.eml']]);
      expect(await hitIds('is:unread quarterly')).toEqual([ids['attachment-2231.eml']]);
      expect(await hitIds('is:read')).toEqual([ids['plain.eml']]);
      expect(await hitIds('is:flagged')).toEqual([ids.imap]);
      expect(await hitIds('zeppelin before:2024-01-01')).toEqual([ids.archived]);
      expect(await hitIds('zeppelin after:2024-01-01')).toEqual([ids.imap]);
      expect(await hitIds('zeppelin in:Archive/2024')).toEqual([ids.archived]);
      expect(await hitIds('zeppelin in:inbox')).toEqual([ids.imap]);
      expect(await hitIds('zeppelin in:nosuchfolder')).toEqual([]);
      expect(await hitIds('zeppelin', 'local')).toEqual([ids.archived]);
      // The same filters combined with words (a semi-join of the index with key sets).
      expect(await hitIds('quarterly is:read')).toEqual([ids['plain.eml']]);
      expect(await hitIds('quarterly -has:attachment')).toEqual([ids['plain.eml']]);
      expect(await hitIds('quarterly has:attachment')).toEqual([ids['attachment-2231.eml']]);
      expect(await hitIds('zeppelin is:flagged')).toEqual([ids.imap]);
      expect(await hitIds('zeppelin is:unflagged')).toEqual([ids.archived]);
      expect(await hitIds('zeppelin is:unread', 'local')).toEqual([ids.archived]);
      expect(await hitIds('zeppelin in:inbox in:Archive/2024')).toEqual([ids.imap, ids.archived]);
    });

    it('finds attachment names and excludes words with -', async () => {
      expect(await hitIds('ubersicht')).toEqual([ids['attachment-2231.eml']]);
      expect(await hitIds('quarterly -spreadsheet')).toEqual([ids['plain.eml']]);
      expect(await hitIds('zeppelin*')).toEqual([ids.imap, ids.archived]);
      expect(await hitIds('zepp*')).toEqual([ids.imap, ids.archived]);
    });

    it('never returns hidden messages', async () => {
      expect(await hitIds('hidden')).toEqual([]);
      expect(await hitIds('zeppelin')).not.toContain(ids.hidden);
      expect((await q.search({ query: 'from:erin', limit: 10 })).total).toBe(1);
      // A page shorter than the matches: the total is counted, still without the hidden one.
      expect(await q.search({ query: 'zeppelin', limit: 1 })).toMatchObject({ total: 2, hits: [{ id: ids.imap }] });
      expect(await q.search({ query: 'zeppelin is:flagged', limit: 1 })).toMatchObject({ total: 1 });
      expect(await q.search({ query: 'zeppelin -work', limit: 1 })).toMatchObject({ total: 1, hits: [{ id: ids.archived }] });
    });

    it('finds a message that could not be parsed by what could be read', async () => {
      expect(await hitIds('quokka')).toEqual([ids['no-header-garbage.eml']]);
    });

    it('marks matches in highlights with \\u0002…\\u0003', async () => {
      const { hits, total } = await q.search({ query: 'quarterly', limit: 1 });
      expect(total).toBe(2);
      expect(hits).toHaveLength(1);
      expect(hits[0]!.highlights).toEqual([{ field: 'subject', text: 'Re: \u0002Quarterly\u0003 report' }]);
    });

    it('leaves the highlights out when asked (highlights: false, the CLI without --json), the hits and total unchanged', async () => {
      const withThem = await q.search({ query: 'quarterly', limit: 10 });
      const without = await q.search({ query: 'quarterly', limit: 10, highlights: false });
      expect(without.total).toBe(withThem.total);
      expect(without.hits).toEqual(withThem.hits.map((hit) => ({ ...hit, highlights: [] })));
    });

    it('names the field of each highlight, so the list can show a match in the text rather than the sender', async () => {
      const [hit] = (await q.search({ query: 'alice', limit: 10 })).hits.filter((h) => h.id === ids['plain.eml']);
      expect(hit!.highlights.map((h) => h.field)).toContain('from');
      for (const h of hit!.highlights) expect(h.text).toContain('\u0002');
    });

    it('answers an empty or invalid query with INVALID_QUERY, and FTS syntax as plain words', async () => {
      for (const query of ['', '   ', '"', '*', 'is:bogus', 'has:kittens', 'before:yesterday', 'after:2024-13-45', 'AND', 'OR quarterly', 'quarterly OR', 'a AND', 'NOT', '(quarterly', 'col:x', 'larger:huge']) {
        await expect(q.search({ query, limit: 10 }), query).rejects.toMatchObject({ code: 'INVALID_QUERY' });
      }
      for (const query of ['NEAR(a b)', 'subject:(x', '"unterminated phrase', 'a"b', "'; DROP TABLE messages; --", '^x', '{subject}: x', 'or quarterly', '"OR" quarterly', 'smile :)', 'x)', 'https://example.org/a']) {
        const result = await q.search({ query, limit: 10 });
        expect(result.total, query).toBeGreaterThanOrEqual(0);
      }
      expect(await hitIds('or quarterly')).toEqual([]);
    });

    it('names an operator it does not know, and says how to write sizes', async () => {
      for (const [query, operator] of [['frobnicate:yes', 'frobnicate'], ['size:>1M', 'size'], ['quarterly Foo:bar', 'Foo']] as const) {
        await expect(q.search({ query, limit: 10 }), query).rejects.toMatchObject({ code: 'INVALID_QUERY', message: expect.stringContaining(`“${operator}:” is not a search operator`), detail: { operator } });
      }
      await expect(q.search({ query: 'size:>1M', limit: 10 })).rejects.toMatchObject({ message: expect.stringContaining('larger:1M or smaller:10K') });
      // Quoted, the same text is words to find.
      expect((await q.search({ query: '"frobnicate:yes"', limit: 10 })).total).toBe(0);
    });

    it('finds either side of OR, alone or beside other terms, and groups with parentheses', async () => {
      expect(await hitIds('from:alice OR from:erin')).toEqual([ids.imap, ids['plain.eml']]);
      expect(await hitIds('quarterly OR zeppelin')).toEqual([ids.imap, ids['attachment-2231.eml'], ids['plain.eml'], ids.archived]);
      expect(await hitIds('(quarterly OR zeppelin) is:unread')).toEqual([ids.imap, ids['attachment-2231.eml'], ids.archived]);
      expect(await hitIds('zeppelin (in:inbox OR is:flagged)')).toEqual([ids.imap]);
      // A filter on one side: the messages table answers, still newest first, hidden ones left out.
      expect(await hitIds('is:flagged OR has:attachment')).toEqual([ids.imap, ids['attachment-2231.eml']]);
      expect(await hitIds('from:alice OR is:flagged')).toEqual([ids.imap, ids['plain.eml']]);
      expect(await hitIds('zeppelin OR hidden')).not.toContain(ids.hidden);
      // NOT and - are the same; a group can be excluded.
      expect(await hitIds('zeppelin NOT work')).toEqual([ids.archived]);
      expect(await hitIds('zeppelin -(work OR notes)')).toEqual([]);
      expect(await hitIds('quarterly AND spreadsheet')).toEqual([ids['attachment-2231.eml']]);
      // Highlights mark either side's words.
      const { hits } = await q.search({ query: 'from:alice OR subject:zeppelin', limit: 10 });
      expect(hits.find((h) => h.id === ids.archived)!.highlights).toContainEqual({ field: 'subject', text: 'Old \u0002zeppelin\u0003 notes' });
    });

    it('filters by size with larger: and smaller: (K, M, G in 1,024s)', async () => {
      const all = (await q.getMessageSummaries({ ids: Object.values(ids) })).filter((m) => m.id !== ids.hidden);
      const plain = all.find((m) => m.id === ids['plain.eml'])!.size;
      const bigger = all.filter((m) => m.size > plain).map((m) => m.id).sort();
      const smaller = all.filter((m) => m.size < plain).map((m) => m.id).sort();
      expect(bigger.length).toBeGreaterThan(0);
      expect(smaller.length).toBeGreaterThan(0);
      expect((await hitIds(`larger:${plain}`)).sort()).toEqual(bigger);
      expect((await hitIds(`smaller:${plain}`)).sort()).toEqual(smaller);
      expect((await hitIds(`-larger:${plain} -smaller:${plain}`))).toEqual([ids['plain.eml']]);
      expect(await hitIds('larger:1M')).toEqual([]);
      expect(await hitIds('smaller:1G zeppelin')).toEqual([ids.imap, ids.archived]);
      expect(await hitIds('zeppelin larger:1K')).toEqual([]);
      expect(await hitIds('quarterly smaller:0.5MB')).toEqual([ids['attachment-2231.eml'], ids['plain.eml']]);
    });
  });
});
