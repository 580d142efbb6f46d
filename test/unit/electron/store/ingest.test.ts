import { createWriteStream, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseMessage } from '../../../../electron/mime/parse-message';
import { commitMessage } from '../../../../electron/store/ingest';
import { readSource, sourceChunks } from '../../../../electron/store/message-sources';
import { findFolderById } from '../../../../electron/store/folders';
import { writeTransaction } from '../../../../electron/store/write-transaction';
import { searchMessages } from '../../../../electron/store/search';
import { summariesByIds } from '../../../../electron/store/message-summaries';
import { HomingError } from '../../../../shared/errors';
import { eml, ingest, localFolder, tempStore } from '../../../helpers/store';

const count = (db: ReturnType<typeof tempStore>['db'], sql: string) => (db.sqlite.prepare(sql).get() as { n: number }).n;

describe('commitMessage', () => {
  it('stores a message once per IMAP key and keeps its exact bytes', async () => {
    const { db } = tempStore();
    const folder = localFolder(db, 'INBOX');
    const bytes = eml({ From: 'Alice <alice@example.org>', Subject: 'Hi', 'Message-ID': '<1@x>', Date: 'Tue, 2 Jan 2024 10:00:00 +0000' });
    const key = { kind: 'imap' as const, uidvalidity: 7, uid: 1 };
    const first = await ingest(db, bytes, { accountId: 'local', folderId: folder.id, key });
    const again = await ingest(db, bytes, { accountId: 'local', folderId: folder.id, key });
    expect(first).toMatchObject({ inserted: true });
    expect(again).toEqual({ messageId: first.messageId, inserted: false, upgraded: false });
    expect(count(db, 'SELECT count(*) AS n FROM messages')).toBe(1);
    expect(count(db, 'SELECT count(*) AS n FROM message_search')).toBe(1);
    expect(readSource(db, first.messageId).equals(bytes)).toBe(true);
    // Same bytes under another UID are another message (IMAP may hold copies).
    expect(await ingest(db, bytes, { accountId: 'local', folderId: folder.id, key: { ...key, uid: 2 } })).toMatchObject({ inserted: true });
  });

  it('finds the words of a forwarded message behind a text longer than the index keeps', async () => {
    const { db } = tempStore();
    const folder = localFolder(db, 'INBOX');
    const log = 'log line with nothing to find here\r\n'.repeat(40_000); // 1.4M characters, past the index's bound
    const forwarded = 'From: Carol <carol@example.org>\r\nSubject: Quarterly\r\n\r\nThe word is aardwolf.\r\n';
    const bytes = Buffer.from(
      'From: a@example.org\r\nSubject: Fwd with log\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="b"\r\n\r\n' +
        `--b\r\nContent-Type: text/plain\r\n\r\n${log}\r\n--b\r\nContent-Type: message/rfc822\r\n\r\n${forwarded}\r\n--b--\r\n`,
    );
    const stored = await ingest(db, bytes, { accountId: 'local', folderId: folder.id, key: { kind: 'local' } });
    expect(searchMessages(db, 'aardwolf', { limit: 10 }).hits.map((h) => h.id)).toEqual([stored.messageId]);
    expect(searchMessages(db, 'nothing', { limit: 10 }).total).toBe(1);
  }, 90_000); // parsing and indexing 1.4M characters: ~5 s alone, over 20 s on a loaded machine

  it('a hit whose body is a long log gets no body fragment (snippet() grows with the square of the matches); a letter does', async () => {
    const { db } = tempStore();
    const folder = localFolder(db, 'INBOX');
    const letter = await ingest(db, eml({ Subject: 'cron', 'Message-ID': '<l@x>' }, 'The backup failed again last night.\r\n'), { accountId: 'local', folderId: folder.id, key: { kind: 'local' } });
    const log = await ingest(db, eml({ Subject: 'cron', 'Message-ID': '<g@x>' }, 'backup failed for /var/www/site\r\n'.repeat(1_700)), { accountId: 'local', folderId: folder.id, key: { kind: 'local' } });
    const { hits, total } = searchMessages(db, 'failed', { limit: 10 });
    expect(total).toBe(2);
    const fragments = new Map(hits.map((h) => [h.id, h.highlights.map((x) => x.field)]));
    expect(fragments.get(letter.messageId)).toEqual(['body']);
    expect(fragments.get(log.messageId)).toEqual([]);
  });

  it('keys POP3 messages by (account, UIDL) and local ones by content within the folder', async () => {
    const { db } = tempStore();
    const a = localFolder(db, 'A');
    const b = localFolder(db, 'B');
    const one = eml({ Subject: 'one' });
    const two = eml({ Subject: 'two' });
    expect((await ingest(db, one, { accountId: 'local', folderId: a.id, key: { kind: 'pop3', uidl: 'u1' } })).inserted).toBe(true);
    expect((await ingest(db, two, { accountId: 'local', folderId: a.id, key: { kind: 'pop3', uidl: 'u1' } })).inserted).toBe(false);
    expect((await ingest(db, one, { accountId: 'local', folderId: b.id, key: { kind: 'local' } })).inserted).toBe(true);
    expect((await ingest(db, one, { accountId: 'local', folderId: b.id, key: { kind: 'local' } })).inserted).toBe(false);
    expect((await ingest(db, two, { accountId: 'local', folderId: b.id, key: { kind: 'local' } })).inserted).toBe(true);
    expect(count(db, 'SELECT count(*) AS n FROM messages')).toBe(3);
  });

  it('replaces a headers-only copy with the full source, once', async () => {
    const { db } = tempStore();
    const folder = localFolder(db, 'INBOX');
    const full = eml({ From: 'a@b.c', Subject: 'Big one', Date: 'Tue, 2 Jan 2024 10:00:00 +0000' }, 'the whole body with a walrus\r\n');
    const headers = full.subarray(0, full.indexOf('\r\n\r\n') + 4);
    const key = { kind: 'imap' as const, uidvalidity: 1, uid: 5 };
    const first = await ingest(db, headers, { accountId: 'local', folderId: folder.id, key, bodyStatus: 'headers' });
    expect(findFolderById(db, folder.id)).toMatchObject({ total: 1, offline: 0 });
    expect(searchMessages(db, 'walrus', { limit: 10 }).total).toBe(0);
    const upgraded = await ingest(db, full, { accountId: 'local', folderId: folder.id, key });
    expect(upgraded).toEqual({ messageId: first.messageId, inserted: false, upgraded: true });
    expect(readSource(db, first.messageId).equals(full)).toBe(true);
    expect(summariesByIds(db, [first.messageId])[0]).toMatchObject({ bodyStatus: 'full', size: full.length });
    expect(findFolderById(db, folder.id)).toMatchObject({ total: 1, offline: 1 });
    expect(searchMessages(db, 'walrus', { limit: 10 }).total).toBe(1);
    expect(await ingest(db, full, { accountId: 'local', folderId: folder.id, key })).toMatchObject({ inserted: false, upgraded: false });
    expect(count(db, 'SELECT count(*) AS n FROM message_search')).toBe(1);
  });

  it('stores a header row with the server\'s size; completing it rewrites what the full parse reads differently, sort keys and size included', async () => {
    const { db } = tempStore();
    const folder = localFolder(db, 'INBOX');
    const full = eml(
      { From: 'Zoë <zoe@example.org>', To: 'Bob <bob@example.org>', Subject: 'Re: Minutes', Date: 'Tue, 2 Jan 2024 10:00:00 +0000', 'MIME-Version': '1.0', 'Content-Type': 'multipart/mixed; boundary="b"' },
      '--b\r\nContent-Type: text/plain\r\n\r\nSee attached.\r\n--b\r\nContent-Type: application/pdf; name="m.pdf"\r\nContent-Disposition: attachment; filename="m.pdf"\r\n\r\n%PDF\r\n--b--\r\n',
    );
    const same = eml({ From: 'Amy <amy@example.org>', To: 'Carl <carl@example.org>', Subject: 'Lunch', Date: 'Wed, 3 Jan 2024 10:00:00 +0000' }, 'At noon.\r\n');
    const header = (bytes: Buffer) => bytes.subarray(0, bytes.indexOf('\r\n\r\n') + 4);
    const row = (id: number) => db.sqlite.prepare('SELECT size, has_attachments, sender_key, subject_key, recipient_key, subject, from_address FROM messages WHERE id = ?').get(id);
    // What the server's ENVELOPE said (the IMAP header phase): another sender, subject and recipient than the full parse finds.
    const envelope = { ...(await parseMessage({ kind: 'buffer', bytes: header(full) })), subject: 'Minutes (draft)', from: { name: 'Ann', address: 'ann@example.org' }, to: [] };
    const sameEnvelope = await parseMessage({ kind: 'buffer', bytes: header(same) });
    const key = (uid: number) => ({ kind: 'imap' as const, uidvalidity: 1, uid });
    const first = writeTransaction(db, (changes) =>
      commitMessage(db, changes, { accountId: 'local', folderId: folder.id, key: key(1), source: { kind: 'buffer', bytes: header(full) }, parsed: envelope, bodyStatus: 'headers', size: 54_321 }),
    );
    const second = writeTransaction(db, (changes) =>
      commitMessage(db, changes, { accountId: 'local', folderId: folder.id, key: key(2), source: { kind: 'buffer', bytes: header(same) }, parsed: sameEnvelope, bodyStatus: 'headers', size: same.length }),
    );
    expect(row(first.messageId)).toMatchObject({ size: 54_321, has_attachments: 0, sender_key: 'ann', subject_key: 'minutes (draft)', recipient_key: '' });
    await ingest(db, full, { accountId: 'local', folderId: folder.id, key: key(1) });
    expect(row(first.messageId)).toEqual({ size: full.length, has_attachments: 1, sender_key: 'zoe', subject_key: 'minutes', recipient_key: 'bob', subject: 'Re: Minutes', from_address: 'zoe@example.org' });
    // The second's header row already had what the full parse finds: no indexed column changes.
    await ingest(db, same, { accountId: 'local', folderId: folder.id, key: key(2) });
    expect(row(second.messageId)).toEqual({ size: same.length, has_attachments: 0, sender_key: 'amy', subject_key: 'lunch', recipient_key: 'carl', subject: 'Lunch', from_address: 'amy@example.org' });
    // And the indexes hold what the rows do.
    expect(db.sqlite.pragma('integrity_check', { simple: true })).toBe('ok');
    const bySender = db.sqlite.prepare('SELECT id FROM messages INDEXED BY messages_folder_sender WHERE folder_id = ? AND deleted_locally = 0 ORDER BY sender_key').pluck().all(folder.id);
    expect(bySender).toEqual([second.messageId, first.messageId]);
  });

  it('counts a hidden message completed by ingest only once it is shown again', async () => {
    const { db } = tempStore();
    const folder = localFolder(db, 'INBOX');
    const full = eml({ Subject: 'Hidden' }, 'body\r\n');
    const key = { kind: 'imap' as const, uidvalidity: 1, uid: 7 };
    const first = await ingest(db, full.subarray(0, full.indexOf('\r\n\r\n') + 4), { accountId: 'local', folderId: folder.id, key, bodyStatus: 'headers' });
    db.sqlite.prepare('UPDATE messages SET deleted_locally = 1 WHERE id = ?').run(first.messageId);
    expect(findFolderById(db, folder.id)).toMatchObject({ total: 0, unread: 0, offline: 0 });
    await ingest(db, full, { accountId: 'local', folderId: folder.id, key });
    expect(findFolderById(db, folder.id)).toMatchObject({ total: 0, unread: 0, offline: 0 });
    db.sqlite.prepare('UPDATE messages SET deleted_locally = 0 WHERE id = ?').run(first.messageId);
    expect(findFolderById(db, folder.id)).toMatchObject({ total: 1, unread: 1, offline: 1 });
  });

  it('stores a message mailparser refuses: raw bytes kept, parse status failed, listed and searchable by its headers', async () => {
    const { db } = tempStore();
    const folder = localFolder(db, 'INBOX');
    // A header block past mailparser's 1 MB maxHeadSize makes it give up: 20,000 short lines (its splitter counts
    // at least 64 bytes a line). One field of a megabyte no longer does (it is cut for parsing: header-bound.ts).
    const bytes = Buffer.from(
      `Subject: Unparsable zebra message\r\nFrom: Mallory <mallory@example.com>\r\nDate: Wed, 3 Jan 2024 10:00:00 +0000\r\n${'X-Junk: x\r\n'.repeat(20_000)}\r\nThe body mentions a xylophone.\r\n`,
    );
    const parsed = await parseMessage({ kind: 'buffer', bytes });
    expect(parsed).toMatchObject({ parseStatus: 'failed', subject: 'Unparsable zebra message', from: { name: 'Mallory', address: 'mallory@example.com' } });
    const stored = await ingest(db, bytes, { accountId: 'local', folderId: folder.id, key: { kind: 'local' } });
    expect(readSource(db, stored.messageId).equals(bytes)).toBe(true);
    expect(summariesByIds(db, [stored.messageId])[0]).toMatchObject({ parseStatus: 'failed', subject: 'Unparsable zebra message', date: '2024-01-03T10:00:00.000Z' });
    expect(searchMessages(db, 'zebra', { limit: 10 }).hits.map((h) => h.id)).toEqual([stored.messageId]);
    expect(searchMessages(db, 'from:mallory', { limit: 10 }).total).toBe(1);
  });

  it('stores a 30 MB message from a file source in 1 MB chunks, byte for byte', async () => {
    const { db, dir } = tempStore();
    const folder = localFolder(db, 'INBOX');
    const path = join(dir, 'big.eml');
    const out = createWriteStream(path);
    out.write('From: big@example.org\r\nSubject: Large attachment\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="b"\r\n\r\n');
    out.write('--b\r\nContent-Type: text/plain\r\n\r\nSee the archive.\r\n--b\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename="data.bin"\r\nContent-Transfer-Encoding: base64\r\n\r\n');
    const line = `${Buffer.alloc(57, 7).toString('base64')}\r\n`;
    for (let i = 0; i < 400_000; i++) out.write(line);
    out.write('--b--\r\n');
    await new Promise((resolve) => out.end(resolve));
    const size = statSync(path).size;
    const source = { kind: 'file' as const, path, size };
    const parsed = await parseMessage(source);
    expect(parsed.attachments).toEqual([expect.objectContaining({ filename: 'data.bin', size: 57 * 400_000 })]);
    const stored = writeTransaction(db, (changes) => commitMessage(db, changes, { accountId: 'local', folderId: folder.id, key: { kind: 'local' }, source, parsed }));
    expect(count(db, `SELECT count(*) AS n FROM message_sources WHERE message_id = ${stored.messageId}`)).toBe(Math.ceil(size / (1024 * 1024)));
    let offset = 0;
    const { readFileSync } = await import('node:fs');
    const original = readFileSync(path);
    for (const chunk of sourceChunks(db, stored.messageId)) {
      expect(chunk.equals(original.subarray(offset, offset + chunk.length))).toBe(true);
      offset += chunk.length;
    }
    expect(offset).toBe(size);
  });

  it('keeps folder counts right through inserts, flag changes, hiding, moves and deletes', async () => {
    const { db } = tempStore();
    const a = localFolder(db, 'A');
    const b = localFolder(db, 'B');
    const m1 = await ingest(db, eml({ Subject: '1' }), { accountId: 'local', folderId: a.id, key: { kind: 'local' } });
    await ingest(db, eml({ Subject: '2' }), { accountId: 'local', folderId: a.id, key: { kind: 'local' }, flags: ['\\Seen'] });
    expect(findFolderById(db, a.id)).toMatchObject({ total: 2, unread: 1 });
    db.sqlite.prepare('UPDATE messages SET seen = 1 WHERE id = ?').run(m1.messageId);
    expect(findFolderById(db, a.id)).toMatchObject({ total: 2, unread: 0 });
    db.sqlite.prepare('UPDATE messages SET deleted_locally = 1, seen = 0 WHERE id = ?').run(m1.messageId);
    expect(findFolderById(db, a.id)).toMatchObject({ total: 1, unread: 0 });
    db.sqlite.prepare('UPDATE messages SET deleted_locally = 0, folder_id = ? WHERE id = ?').run(b.id, m1.messageId);
    expect(findFolderById(db, a.id)).toMatchObject({ total: 1, unread: 0 });
    expect(findFolderById(db, b.id)).toMatchObject({ total: 1, unread: 1 });
    db.sqlite.prepare('DELETE FROM messages WHERE id = ?').run(m1.messageId);
    expect(findFolderById(db, b.id)).toMatchObject({ total: 0, unread: 0 });
    expect(count(db, 'SELECT count(*) AS n FROM message_search')).toBe(1);
    expect(count(db, 'SELECT count(*) AS n FROM message_sources')).toBe(1);
  });

  it('writes the full-text terms of a batch to disk once, at commit (no statement savepoint per message)', async () => {
    const { db } = tempStore();
    const folder = localFolder(db, 'INBOX');
    const batch: Array<{ bytes: Buffer; parsed: Awaited<ReturnType<typeof parseMessage>> }> = [];
    for (let i = 0; i < 40; i++) {
      const bytes = eml({ Subject: `word${i} hello`, 'Message-ID': `<${i}@x>` }, `body text number ${i} unique${i}`);
      batch.push({ bytes, parsed: await parseMessage({ kind: 'buffer', bytes }) });
    }
    writeTransaction(db, (changes) => {
      for (const m of batch) {
        commitMessage(db, changes, { accountId: 'local', folderId: folder.id, key: { kind: 'local' }, source: { kind: 'buffer', bytes: m.bytes }, parsed: m.parsed });
      }
    });
    // FTS5 keeps a transaction's terms in memory and flushes them as one segment at commit, unless a
    // statement savepoint opens meanwhile (a trigger on messages opens one per statement): then each
    // message became a segment of its own. Rows with id <= 10 are FTS5's structure and averages records.
    expect(count(db, 'SELECT count(*) AS n FROM message_search_data WHERE id > 10')).toBe(1);
    expect(findFolderById(db, folder.id)).toMatchObject({ total: 40, unread: 40, offline: 40 });
  });

  it('reports a full disk as DISK_FULL and leaves nothing half-written', async () => {
    const { db } = tempStore();
    const folder = localFolder(db, 'INBOX');
    await ingest(db, eml({ Subject: 'small' }), { accountId: 'local', folderId: folder.id, key: { kind: 'local' } });
    const before = count(db, 'SELECT count(*) AS n FROM messages');
    const pages = db.sqlite.pragma('page_count', { simple: true }) as number;
    db.sqlite.pragma(`max_page_count = ${pages + 2}`);
    // Random bytes do not compress: far more than two pages.
    const { randomBytes } = await import('node:crypto');
    const big = eml({ Subject: 'too big for the disk', From: 'x@y.z' }, `${randomBytes(300_000).toString('base64')}\r\n`);
    let error: unknown;
    try {
      await ingest(db, big, { accountId: 'local', folderId: folder.id, key: { kind: 'local' } });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(HomingError);
    expect((error as HomingError).code).toBe('DISK_FULL');
    expect(count(db, 'SELECT count(*) AS n FROM messages')).toBe(before);
    expect(count(db, 'SELECT count(*) AS n FROM message_sources')).toBe(before);
    expect(count(db, 'SELECT count(*) AS n FROM message_search')).toBe(before);
    expect(count(db, 'SELECT count(*) AS n FROM threads')).toBe(before);
    expect(findFolderById(db, folder.id)).toMatchObject({ total: before });
    expect(db.sqlite.pragma('integrity_check', { simple: true })).toBe('ok');
    db.sqlite.pragma('max_page_count = 1073741823');
    expect((await ingest(db, big, { accountId: 'local', folderId: folder.id, key: { kind: 'local' } })).inserted).toBe(true);
  });
});

describe('threads', () => {
  const msg = (id: string, subject: string, date: string, headers: Record<string, string> = {}) =>
    eml({ 'Message-ID': `<${id}>`, Subject: subject, Date: date, From: 'x@example.org', ...headers });

  it('joins replies by In-Reply-To and References, whatever order they arrive in', async () => {
    const { db } = tempStore();
    const folder = localFolder(db, 'INBOX');
    const target = { accountId: 'local', folderId: folder.id, key: { kind: 'local' as const } };
    // The grandchild first, then an unrelated message, then the root, then the child.
    const c = await ingest(db, msg('c', 'Re: plan', 'Wed, 3 Jan 2024 10:00:00 +0000', { 'In-Reply-To': '<b>', References: '<a> <b>' }), target);
    const other = await ingest(db, msg('z', 'Something else', 'Wed, 3 Jan 2024 11:00:00 +0000'), target);
    const a = await ingest(db, msg('a', 'plan', 'Mon, 1 Jan 2024 10:00:00 +0000'), target);
    const b = await ingest(db, msg('b', 'Re: plan', 'Tue, 2 Jan 2024 10:00:00 +0000', { 'In-Reply-To': '<a>' }), target);
    const rows = summariesByIds(db, [a.messageId, b.messageId, c.messageId, other.messageId]);
    expect(new Set(rows.slice(0, 3).map((r) => r.threadId)).size).toBe(1);
    expect(rows[3]!.threadId).not.toBe(rows[0]!.threadId);
    expect(rows.map((r) => r.threadCount)).toEqual([3, 3, 3, 1]);
  });

  it('merges two threads when a message links them', async () => {
    const { db } = tempStore();
    const folder = localFolder(db, 'INBOX');
    const target = { accountId: 'local', folderId: folder.id, key: { kind: 'local' as const } };
    const x = await ingest(db, msg('x', 'left', 'Mon, 1 Jan 2024 10:00:00 +0000'), target);
    const y = await ingest(db, msg('y', 'right', 'Mon, 1 Jan 2024 11:00:00 +0000'), target);
    const z = await ingest(db, msg('z', 'both', 'Mon, 1 Jan 2024 12:00:00 +0000', { References: '<x> <y>' }), target);
    const rows = summariesByIds(db, [x.messageId, y.messageId, z.messageId]);
    expect(new Set(rows.map((r) => r.threadId)).size).toBe(1);
    expect(count(db, 'SELECT count(*) AS n FROM threads')).toBe(1);
  });

  it('falls back to the normalised subject for replies without references, within a time window', async () => {
    const { db } = tempStore();
    const folder = localFolder(db, 'INBOX');
    const target = { accountId: 'local', folderId: folder.id, key: { kind: 'local' as const } };
    const root = await ingest(db, msg('r', 'Budget  2024', 'Mon, 1 Jan 2024 10:00:00 +0000'), target);
    const reply = await ingest(db, msg('r2', 'AW: Re: [team] budget 2024', 'Tue, 2 Jan 2024 10:00:00 +0000'), target);
    const sameSubjectNotReply = await ingest(db, msg('r3', 'Budget 2024', 'Wed, 3 Jan 2024 10:00:00 +0000'), target);
    const lateReply = await ingest(db, msg('r4', 'Re: Budget 2024', 'Mon, 1 Jul 2024 10:00:00 +0000'), target);
    const [r, re, same, late] = summariesByIds(db, [root.messageId, reply.messageId, sameSubjectNotReply.messageId, lateReply.messageId]);
    expect(re!.threadId).toBe(r!.threadId);
    expect(same!.threadId).not.toBe(r!.threadId);
    expect(late!.threadId).not.toBe(r!.threadId);
  });
});
