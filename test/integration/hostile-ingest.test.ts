import { createHash } from 'node:crypto';
import { createReadStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseMessage } from '../../electron/mime/parse-message';
import type { WriteDb } from '../../electron/store/db';
import { importMail } from '../../electron/store/import-mail';
import { commitMessage } from '../../electron/store/ingest';
import { listMailboxIds } from '../../electron/store/message-list';
import { attachmentBytes, messageDetail } from '../../electron/store/message-detail';
import { readSource, sourceChunks } from '../../electron/store/message-sources';
import { summariesByIds } from '../../electron/store/message-summaries';
import { searchMessages } from '../../electron/store/search';
import { writeTransaction } from '../../electron/store/write-transaction';
import { BIG_ATTACHMENT_BYTES, type HostileFixture, hostileCorpus, writeHostileCorpus } from '../fixtures/hostile/corpus';
import { localFolder, tempStore } from '../helpers/store';

const MB = 1024 * 1024;

/**
 * The hostile corpus (test/fixtures/hostile) through the store's real ingest, as sync and import use it
 * (parse outside, commit inside one transaction): every message is stored with its exact bytes, listed,
 * given a sensible parse status, found by the words that can be read from it, and opened for the
 * reader, without a crash. The 50 MB attachment goes in as a file source (as a large IMAP download
 * does) and its peak RSS growth is printed; memory is asserted loosely, time never.
 */
describe('hostile mail corpus: stored raw, listed, searchable, readable', () => {
  let workDir: string;
  let fixtures: HostileFixture[];
  let db: WriteDb;
  let folderId: number;
  const stored = new Map<string, number>();
  const counts = { messages: 0, bytes: 0, parsedOk: 0, keptRaw: 0, searches: 0, opened: 0 };

  beforeAll(async () => {
    workDir = mkdtempSync(join(tmpdir(), 'homing-hostile-'));
    fixtures = await hostileCorpus({ bigDir: workDir });
    ({ db } = tempStore());
    folderId = localFolder(db, 'Hostile').id;
  });

  afterAll(() => {
    console.log(
      `hostile ingest: ${counts.messages} messages checked (${(counts.bytes / MB).toFixed(1)} MB), ${counts.parsedOk} parsed, ${counts.keptRaw} kept raw (parse failed), ${counts.searches} searches, ${counts.opened} opened for the reader`,
    );
    rmSync(workDir, { recursive: true, force: true });
  });

  it('has every kind of fixture the README lists', () => {
    const names = fixtures.map((f) => f.name);
    expect(names.filter((n) => n.startsWith('m')).length).toBeGreaterThanOrEqual(24);
    expect(names.filter((n) => n.startsWith('h')).length).toBeGreaterThanOrEqual(29);
    const readme = readFileSync(join(import.meta.dirname, '..', 'fixtures', 'hostile', 'README.md'), 'utf8');
    for (const name of names) expect(readme, `README lists ${name}`).toContain(name);
    expect(fixtures.find((f) => f.name === 'm13-empty.eml')?.source).toMatchObject({ kind: 'buffer', bytes: Buffer.alloc(0) });
  });

  it('stores every message with its exact bytes and a sensible parse status', async () => {
    for (const fixture of fixtures) {
      if (fixture.source.kind === 'file') continue; // the 50 MB one has its own test below
      const source = fixture.source;
      const parsed = await parseMessage(source);
      const result = writeTransaction(db, (changes) => commitMessage(db, changes, { accountId: 'local', folderId, key: { kind: 'local' }, source, parsed }));
      expect(result.inserted, fixture.name).toBe(true);
      stored.set(fixture.name, result.messageId);
      expect(readSource(db, result.messageId).equals(source.bytes), `${fixture.name} read back byte for byte`).toBe(true);
      const [summary] = summariesByIds(db, [result.messageId]);
      expect(summary?.parseStatus, `${fixture.name} parse status`).toBe(fixture.parse);
      expect(summary?.size, fixture.name).toBe(source.bytes.length);
      count(fixture, source.bytes.length);
    }
  });

  it('stores the 50 MB attachment from a file with bounded memory, and reads it back exactly', async () => {
    const fixture = fixtures.find((f) => f.name === 'm12-attachment-50mb.eml')!;
    const source = fixture.source;
    if (source.kind !== 'file') throw new Error('the 50 MB fixture is written to a file');
    expect(source.size).toBeGreaterThan(BIG_ATTACHMENT_BYTES);
    global.gc?.();
    const rssBefore = process.memoryUsage().rss;
    const peakBefore = process.resourceUsage().maxRSS * 1024;
    const parsed = await parseMessage(source);
    const result = writeTransaction(db, (changes) => commitMessage(db, changes, { accountId: 'local', folderId, key: { kind: 'local' }, source, parsed }));
    const peakGrowth = Math.max(0, process.resourceUsage().maxRSS * 1024 - Math.max(peakBefore, rssBefore));
    console.log(
      `hostile ingest: ${(source.size / MB).toFixed(1)} MB message (50 MB attachment) stored; peak RSS grew by ${(peakGrowth / MB).toFixed(1)} MB (RSS before ${(rssBefore / MB).toFixed(0)} MB)`,
    );
    // Streaming parse and 1 MB source chunks: far less than the message itself (a whole-message buffer
    // plus its decoded attachment would be over 110 MB).
    expect(peakGrowth).toBeLessThan(source.size);
    stored.set(fixture.name, result.messageId);
    expect(parsed.parseStatus).toBe('ok');
    expect(parsed.attachments).toMatchObject([{ filename: 'huge.bin', size: expect.any(Number) }]);
    expect(parsed.attachments[0]!.size).toBeGreaterThanOrEqual(BIG_ATTACHMENT_BYTES);

    const fileHash = createHash('sha256');
    for await (const chunk of createReadStream(source.path)) fileHash.update(chunk as Buffer);
    const storedHash = createHash('sha256');
    let storedSize = 0;
    for (const chunk of sourceChunks(db, result.messageId)) {
      storedHash.update(chunk);
      storedSize += chunk.length;
    }
    expect(storedSize).toBe(source.size);
    expect(storedHash.digest('hex')).toBe(fileHash.digest('hex'));
    count(fixture, source.size);
  });

  it('lists every message, finds each by what could be read, and opens each for the reader', async () => {
    const listed = new Set(listMailboxIds(db, { folderId }, 'date-desc'));
    expect(listed.size).toBe(fixtures.length);
    for (const fixture of fixtures) {
      const id = stored.get(fixture.name)!;
      expect(listed.has(id), `${fixture.name} listed`).toBe(true);
      for (const word of fixture.words) {
        const hits = searchMessages(db, word, { limit: 50 }).hits.map((h) => h.id);
        expect(hits, `${fixture.name}: search "${word}"`).toContain(id);
        counts.searches++;
      }
      const detail = await messageDetail(db, id);
      expect(detail.id).toBe(id);
      if (fixture.parse === 'failed') expect(detail.html, `${fixture.name}: an unparsable message is never shown as HTML`).toBeNull();
      counts.opened++;
    }
    // The reader lists the big attachment; saving it streams the stored source (decoded size checked).
    const big = await messageDetail(db, stored.get('m12-attachment-50mb.eml')!);
    const file = big.attachmentList.find((a) => a.filename === 'huge.bin')!;
    expect((await attachmentBytes(db, big.id, file.id)).bytes.length).toBe(file.size);
  });

  it('imports the same corpus as a folder of .eml files (the `homing import` path): all stored, nothing refused', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'homing-hostile-eml-'));
    try {
      const written = await writeHostileCorpus(dir, 'http://127.0.0.1:9', { big: true });
      const { db: other } = tempStore();
      const result = await importMail(other, { path: dir, accountId: 'local', folderPath: 'Hostile' });
      // Two fixtures can hold the same bytes only by mistake: every one must be a new message.
      expect(result).toEqual({ imported: written.length, duplicates: 0, unparsable: written.filter((f) => f.parse === 'failed').length });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  function count(fixture: HostileFixture, size: number) {
    counts.messages++;
    counts.bytes += size;
    if (fixture.parse === 'ok') counts.parsedOk++;
    else counts.keptRaw++;
  }
});
