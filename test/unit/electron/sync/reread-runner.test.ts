import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseMessage, type ParsedMessage } from '../../../../electron/mime/parse-message';
import { PARSER_VERSION } from '../../../../electron/mime/parser-version';
import { commitMessage } from '../../../../electron/store/ingest';
import { summariesByIds } from '../../../../electron/store/message-summaries';
import { searchMessages } from '../../../../electron/store/search';
import { searchKeySql } from '../../../../electron/store/search-key';
import { onCommit, writeTransaction } from '../../../../electron/store/write-transaction';
import { ParsePool } from '../../../../electron/sync/parse-pool';
import { REREAD_BATCH_ROWS, REREAD_MAX_MESSAGE_BYTES, RereadRunner } from '../../../../electron/sync/reread-runner';
import type { WriteDb } from '../../../../electron/store/db';
import { eml, localFolder, tempStore } from '../../../helpers/store';

/**
 * Mail stored before a parser fix is read again from its stored bytes. Found syncing a message with
 * doubled line ends (\r\r\n) from Dovecot with a Homing before 7f7a0fd, then running the fixed one: the
 * new mail showed its text, the old stayed empty in the list and unfindable, as did Latin-1 subjects
 * stored before 41bac66 and uuencoded files stored before 251fbad.
 */
const doubled = Buffer.from(
  'From: Backup Script <backup@example.org>\r\nSubject: Nightly backup\r\nDate: Mon, 1 Jan 2024 03:00:00 +0000\r\nContent-Type: text/plain\r\r\n\r\r\n' +
    'The backup of the wombat share finished.\r\r\n',
);

/** Stores `bytes` as an older parser read them: `old` in place of what the parser reads now. */
async function storeAsOlderParser(db: WriteDb, folderId: number, bytes: Buffer, old: (now: ParsedMessage) => ParsedMessage, uid: number): Promise<number> {
  const source = { kind: 'buffer' as const, bytes };
  const parsed = old(await parseMessage(source));
  return writeTransaction(db, (changes) => commitMessage(db, changes, { accountId: 'local', folderId, key: { kind: 'imap', uidvalidity: 1, uid }, source, parsed })).messageId;
}

const scan = (db: WriteDb) => db.sqlite.prepare('SELECT parser_version, up_to, last_message_id FROM reread_scan').get();
const inline = () => new ParsePool(null, 1);

describe('RereadRunner', () => {
  it('reads mail stored before the current parser again: its text, preview, attachments and index words', async () => {
    const { db } = tempStore();
    const folder = localFolder(db, 'INBOX');
    const empty = await storeAsOlderParser(db, folder.id, doubled, (p) => ({ ...p, text: '', snippet: '' }), 1);
    const uu = eml({ From: 'old@example.org', Subject: 'Report' }, 'See the file.\r\n\r\nbegin 644 r.txt\r\n#86)C\r\n`\r\nend\r\n');
    const noFile = await storeAsOlderParser(db, folder.id, uu, (p) => ({ ...p, attachments: [], text: 'See the file.\n\nbegin 644 r.txt\n#86)C\n`\nend\n' }), 2);
    const fine = await storeAsOlderParser(db, folder.id, eml({ From: 'a@example.org', Subject: 'Fine' }), (p) => p, 3);
    expect(searchMessages(db, 'wombat', { limit: 10 }).total).toBe(0);
    const before = db.sqlite.prepare('SELECT id, subject FROM messages ORDER BY id').all();

    const runner = new RereadRunner(db, new AbortController().signal, inline());
    const progress = await runner.run();
    expect(progress).toEqual({ read: 3, rewritten: 2, skipped: 0 });
    const [a, b, c] = summariesByIds(db, [empty, noFile, fine]);
    expect(a!.snippet).toBe('The backup of the wombat share finished.');
    expect(searchMessages(db, 'wombat', { limit: 10 }).hits.map((h) => h.id)).toEqual([empty]);
    expect(b!.attachments).toMatchObject([{ filename: 'r.txt', size: 3 }]);
    expect(searchMessages(db, 'begin', { limit: 10 }).total).toBe(0);
    expect(c!.snippet).toBe('Hello.');
    expect(db.sqlite.prepare('SELECT id, subject FROM messages ORDER BY id').all()).toEqual(before);
    expect(db.sqlite.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(() => db.sqlite.prepare(`INSERT INTO message_search (message_search) VALUES ('integrity-check')`).run()).not.toThrow();
    expect(scan(db)).toEqual({ parser_version: PARSER_VERSION, up_to: fine, last_message_id: fine });

    // Once read, mail is not read again until the parser version rises; mail stored after the scan began never is.
    expect(await new RereadRunner(db, new AbortController().signal, inline()).run()).toEqual({ read: 0, rewritten: 0, skipped: 0 });
  });

  it('goes on where it stopped, a batch per transaction, and leaves mail stored after it began alone', async () => {
    const { db } = tempStore();
    const folder = localFolder(db, 'INBOX');
    const ids: number[] = [];
    for (let i = 0; i < REREAD_BATCH_ROWS + 20; i++) ids.push(await storeAsOlderParser(db, folder.id, doubled, (p) => ({ ...p, text: '', snippet: '' }), i + 1));
    const stop = new AbortController();
    const runner = new RereadRunner(db, stop.signal, inline());
    // Stopped after its first batch's commit (the app quitting).
    const unlisten = onCommit(db, () => stop.abort());
    expect((await runner.run()).read).toBe(REREAD_BATCH_ROWS);
    unlisten();
    expect(scan(db)).toMatchObject({ last_message_id: ids[REREAD_BATCH_ROWS - 1] });
    const later = await storeAsOlderParser(db, folder.id, doubled, (p) => ({ ...p, text: '', snippet: 'as stored' }), 1000);
    expect(await new RereadRunner(db, new AbortController().signal, inline()).run()).toEqual({ read: 20, rewritten: 20, skipped: 0 });
    expect(searchMessages(db, 'wombat', { limit: 200 }).total).toBe(REREAD_BATCH_ROWS + 20);
    expect(summariesByIds(db, [later])[0]!.snippet).toBe('as stored');
  });
});

describe('RereadRunner.start', () => {
  it('settles what it reads when the writer starts: mail a first sync stores meanwhile is not read again', async () => {
    const { db } = tempStore();
    const folder = localFolder(db, 'INBOX');
    const runner = new RereadRunner(db, new AbortController().signal, inline());
    runner.start(60_000);
    const id = await storeAsOlderParser(db, folder.id, doubled, (p) => ({ ...p, snippet: 'as stored' }), 1);
    runner.dispose();
    expect(scan(db)).toEqual({ parser_version: PARSER_VERSION, up_to: 0, last_message_id: 0 });
    expect(await new RereadRunner(db, new AbortController().signal, inline()).run()).toEqual({ read: 0, rewritten: 0, skipped: 0 });
    expect(summariesByIds(db, [id])[0]!.snippet).toBe('as stored');
  });

  it('reads the date again, its index row moved to the new key, and a message over 16 MB from a temp file', async () => {
    const { db } = tempStore();
    const folder = localFolder(db, 'INBOX');
    // An older parser read 'Mon, 1 Jan 2024' wrong (as dateHeaderValue once read year 0049 as 2049).
    const dated = await storeAsOlderParser(db, folder.id, doubled, (p) => ({ ...p, date: new Date('2049-12-07T00:00:00Z') }), 1);
    const file = Buffer.alloc(13 * 1024 * 1024, 7).toString('base64').replace(/.{76}/g, '$&\r\n');
    const big = Buffer.from(
      'From: ledger@example.org\r\nSubject: Ledger\r\nDate: Tue, 2 Jan 2024 09:00:00 +0000\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=L\r\n\r\n' +
        `--L\r\nContent-Type: text/plain\r\n\r\nThe bilby ledger is attached.\r\n--L\r\nContent-Type: application/octet-stream; name=ledger.bin\r\nContent-Transfer-Encoding: base64\r\n\r\n${file}\r\n--L--\r\n`,
    );
    expect(big.length).toBeGreaterThan(REREAD_MAX_MESSAGE_BYTES);
    const large = await storeAsOlderParser(db, folder.id, big, (p) => ({ ...p, text: '', snippet: '', attachments: [] }), 2);

    const progress = await new RereadRunner(db, new AbortController().signal, inline()).run();
    expect(progress).toEqual({ read: 2, rewritten: 2, skipped: 0 });
    const [a, b] = summariesByIds(db, [dated, large]);
    expect(a!.date).toBe('2024-01-01T03:00:00.000Z');
    expect(b!.snippet).toBe('The bilby ledger is attached.');
    expect(b!.attachments).toMatchObject([{ filename: 'ledger.bin', size: 13 * 1024 * 1024 }]);
    expect(searchMessages(db, 'bilby', { limit: 10 }).hits.map((h) => h.id)).toEqual([large]);
    // Each full-text row under its message's key (date, id): a stale key would leave the old row unfound.
    const keyed = db.sqlite.prepare(`SELECT count(*) AS n FROM messages m JOIN message_search s ON s.rowid = ${searchKeySql('m.date', 'm.id')}`).get() as { n: number };
    expect(keyed.n).toBe(2);
    expect(searchMessages(db, 'wombat before:2025-01-01', { limit: 10 }).hits.map((h) => h.id)).toEqual([dated]);
    expect(db.sqlite.prepare('SELECT last_date FROM threads t JOIN messages m ON m.thread_id = t.id WHERE m.id = ?').get(dated)).toEqual({ last_date: Date.parse('2024-01-01T03:00:00Z') });
    expect(db.sqlite.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(() => db.sqlite.prepare(`INSERT INTO message_search (message_search) VALUES ('integrity-check')`).run()).not.toThrow();
    expect(readdirSync(join(dirname(db.path), 'tmp')).filter((n) => n.startsWith('reread-'))).toEqual([]);
  });
});
