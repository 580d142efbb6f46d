import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli';
import { corpusMbox } from '../helpers/mail-corpus';

const fixtures = join(import.meta.dirname, '..', 'fixtures', 'mime');

describe('the store through the homing CLI', () => {
  const dir = mkdtempSync(join(tmpdir(), 'homing-store-cli-'));
  const dataDir = join(dir, 'data');
  const cli = (...args: string[]) => runCli(['--data-dir', dataDir, ...args]);
  const mbox = join(dir, 'in.mbox');

  beforeAll(async () => {
    writeFileSync(mbox, corpusMbox(120));
    const imported = await cli('import', mbox, '--folder', 'Archive/Old', '--json');
    expect(imported.stderr).toBe('');
    expect(JSON.parse(imported.stdout)).toEqual({ imported: 120, duplicates: 0, unparsable: 0 });
    const eml = await cli('import', join(fixtures, 'html-inline.eml'), '--folder', 'INBOX', '--account', 'local', '--json');
    expect(JSON.parse(eml.stdout)).toEqual({ imported: 1, duplicates: 0, unparsable: 0 });
  });

  it('lists folders as docs/cli.md says', async () => {
    const result = await cli('folders', '--json');
    expect(result.status).toBe(0);
    const folders = JSON.parse(result.stdout) as Array<Record<string, unknown>>;
    expect(folders).toEqual([
      expect.objectContaining({ accountId: 'local', path: 'INBOX', name: 'INBOX', specialUse: 'inbox', total: 1, unread: 1 }),
      expect.objectContaining({ id: expect.any(Number), accountId: 'local', path: 'Archive/Old', name: 'Old', specialUse: null, total: 120, unread: 120 }),
    ]);
  });

  it('lists every message of a folder, newest first, with the documented fields', async () => {
    const result = await cli('list', '--folder', 'Archive/Old', '--json');
    expect(result.status).toBe(0);
    const rows = JSON.parse(result.stdout) as Array<Record<string, unknown>>;
    expect(rows).toHaveLength(120);
    const dates = rows.map((r) => r.date as string);
    expect(dates).toEqual([...dates].sort().reverse());
    for (const key of ['id', 'accountId', 'folder', 'uid', 'uidl', 'messageId', 'subject', 'from', 'to', 'date', 'flags', 'seen', 'flagged', 'size', 'attachments']) {
      expect(rows[0]).toHaveProperty(key);
    }
    expect(rows.find((r) => r.messageId === '<m7@example.org>')).toMatchObject({
      accountId: 'local', folder: 'Archive/Old', uid: null, uidl: null, subject: 'Message number 7 about dunes',
      from: { name: 'Sender 7', address: 'sender7@example.org' }, to: [{ name: '', address: 'reader@example.net' }],
      flags: [], seen: false, flagged: false, attachments: [],
    });
  });

  it('shows a message raw (exact bytes), as text, as HTML and as JSON', async () => {
    const rows = JSON.parse((await cli('list', '--folder', 'INBOX', '--json')).stdout) as Array<{ id: number }>;
    const id = String(rows[0]!.id);
    const raw = await runCli(['--data-dir', dataDir, 'show', id, '--raw'], {});
    expect(Buffer.from(raw.stdout, 'utf8').equals(readFileSync(join(fixtures, 'html-inline.eml')))).toBe(true);
    expect((await cli('show', id, '--text')).stdout).toContain('Schöne Grüße vom Oktoberfest.');
    expect((await cli('show', id, '--html')).stdout).toContain('<img src="cid:logo@example.de">');
    const json = JSON.parse((await cli('show', id, '--json')).stdout) as Record<string, unknown>;
    expect(json).toMatchObject({ subject: 'Grüße aus München', attachmentList: [expect.objectContaining({ filename: 'logo.png', contentId: 'logo@example.de' })] });
    const missing = await cli('show', '99999');
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/^homing: NOT_FOUND: /);
  });

  it('searches with the query language and reports bad queries as INVALID_QUERY', async () => {
    const hits = JSON.parse((await cli('search', 'from:sender7@example.org', 'boats', '--json')).stdout) as Array<{ subject: string }>;
    // sender7 wrote messages 7, 44, 81 and 118 (i % 37); only 81 is about boats.
    expect(hits.map((h) => h.subject)).toEqual(['Message number 81 about boats']);
    const phrase = JSON.parse((await cli('search', '"message number 42"', '--json')).stdout) as Array<{ subject: string; highlights: Array<{ field: string; text: string }> }>;
    expect(phrase.map((h) => h.subject)).toEqual(['Message number 42 about clouds']);
    expect(phrase[0]!.highlights[0]).toEqual({ field: 'subject', text: '\u0002Message number 42\u0003 about clouds' });
    const folder = JSON.parse((await cli('search', 'in:INBOX', 'oktoberfest', '--json')).stdout) as unknown[];
    expect(folder).toHaveLength(1);
    for (const query of ['', 'is:nonsense', 'before:someday']) {
      const bad = await cli('search', query);
      expect(bad.status, query).toBe(1);
      expect(bad.stderr, query).toMatch(/^homing: INVALID_QUERY: /);
    }
  });

  it('searches with OR and by size, and names an operator it does not know', async () => {
    const either = JSON.parse((await cli('search', 'from:sender7@example.org', 'boats', 'OR', '"message number 42"', '--json')).stdout) as Array<{ subject: string }>;
    expect(either.map((h) => h.subject).sort()).toEqual(['Message number 42 about clouds', 'Message number 81 about boats']);
    const grouped = JSON.parse((await cli('search', '(boats OR clouds) from:sender7@example.org', '--json')).stdout) as Array<{ subject: string }>;
    expect(grouped.map((h) => h.subject).sort()).toEqual(['Message number 118 about clouds', 'Message number 81 about boats']);
    // The corpus messages are about 300 bytes; the HTML fixture in INBOX is 946.
    expect(JSON.parse((await cli('search', 'larger:600', '--json')).stdout)).toEqual([expect.objectContaining({ subject: 'Grüße aus München' })]);
    expect(JSON.parse((await cli('search', 'smaller:0.5K', 'in:INBOX', '--json')).stdout)).toEqual([]);
    expect(JSON.parse((await cli('search', 'smaller:1K', 'in:INBOX', '--json')).stdout)).toHaveLength(1);
    for (const [query, operator] of [['frobnicate:yes', 'frobnicate'], ['size:>1M', 'size']]) {
      const bad = await cli('search', query!);
      expect(bad.status, query).toBe(1);
      expect(bad.stderr, query).toMatch(new RegExp(`^homing: INVALID_QUERY: “${operator}:” is not a search operator`));
    }
  });

  it('exports the folder to an mbox identical to the one imported, and a message to its exact .eml', async () => {
    const out = join(dir, 'out.mbox');
    const result = await cli('export', '--account', 'local', '--folder', 'Archive/Old', '--mbox', out);
    expect(result.status).toBe(0);
    expect(result.stderr).toBe('exported 120 messages\n');
    expect(readFileSync(out).equals(readFileSync(mbox))).toBe(true);
    const rows = JSON.parse((await cli('list', '--folder', 'INBOX', '--json')).stdout) as Array<{ id: number }>;
    const eml = join(dir, 'out.eml');
    expect((await cli('export', '--message', String(rows[0]!.id), '--eml', eml)).status).toBe(0);
    expect(readFileSync(eml).equals(readFileSync(join(fixtures, 'html-inline.eml')))).toBe(true);
  });

  it('imports the same mbox again without duplicating anything', async () => {
    const again = await cli('import', mbox, '--folder', 'Archive/Old', '--json');
    expect(JSON.parse(again.stdout)).toEqual({ imported: 0, duplicates: 120, unparsable: 0 });
  });
});
