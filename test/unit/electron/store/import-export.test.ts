import { mkdirSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportFolderToMbox, exportMessageToEml } from '../../../../electron/store/export-mail';
import { findFolderByPath } from '../../../../electron/store/folders';
import { importMail } from '../../../../electron/store/import-mail';
import { listMailboxIds } from '../../../../electron/store/message-list';
import { summariesByIds } from '../../../../electron/store/message-summaries';
import { searchMessages } from '../../../../electron/store/search';
import { tempStore } from '../../../helpers/store';

const fixtures = join(import.meta.dirname, '../../../fixtures/mime');
const fixture = (name: string) => readFileSync(join(fixtures, name));

/** A canonical mboxrd file: From_ line, quoted message, empty line; messages with body lines that need quoting. */
function sampleMbox(): Buffer {
  const parts: Buffer[] = [];
  const add = (fromLine: string, message: Buffer) => {
    parts.push(Buffer.from(`${fromLine}\n`), Buffer.from(message.toString('latin1').replace(/^(>*From )/gm, '>$1'), 'latin1'), Buffer.from('\n'));
  };
  add('From alice@example.org Mon Jan 15 09:30:00 2024', fixture('plain.eml'));
  add('From bob@example.net Mon Jan 15 11:00:00 2024', fixture('attachment-2231.eml'));
  add('From - Tue Jan 16 11:00:00 2024', fixture('html-inline.eml'));
  add('From ???@??? Wed Jan 17 00:00:00 2024', fixture('iso-2022-jp.eml'));
  add('From MAILER-DAEMON Fri Jan 19 09:00:00 2024', fixture('windows-1252.eml'));
  add(
    'From carol@example.com Sat Jan 20 10:00:00 2024',
    Buffer.from('From: carol@example.com\nSubject: quoting\n\nFrom the start of a line\n>From already quoted\n>>From twice\n\nFrom a@b Mon Jan  1 00:00:00 2024\nthat one looked like a separator\n'),
  );
  add('From dave@example.org Sun Jan 21 10:00:00 2024', Buffer.from('Subject: ends with an empty line\n\nbody\n\n'));
  return Buffer.concat(parts);
}

describe('import and export', () => {
  it('imports an mbox into a new local folder and exports it back byte for byte', async () => {
    const { db, dir } = tempStore();
    const input = join(dir, 'in.mbox');
    const original = sampleMbox();
    writeFileSync(input, original);
    expect(await importMail(db, { path: input, accountId: 'local', folderPath: 'Old/Eudora' })).toEqual({ imported: 7, duplicates: 0, unparsable: 0 });
    const folder = findFolderByPath(db, 'local', 'Old/Eudora')!;
    expect(folder).toMatchObject({ name: 'Eudora', parentPath: 'Old', total: 7 });
    const quoting = searchMessages(db, 'subject:quoting', { limit: 5 }).hits[0]!;
    expect(quoting).toBeDefined();
    const output = join(dir, 'out.mbox');
    expect(await exportFolderToMbox(db, 'local', 'Old/Eudora', output)).toBe(7);
    expect(readFileSync(output).equals(original)).toBe(true);
    // Running the import again adds nothing.
    expect(await importMail(db, { path: input, accountId: 'local', folderPath: 'Old/Eudora' })).toEqual({ imported: 0, duplicates: 7, unparsable: 0 });
    expect(findFolderByPath(db, 'local', 'Old/Eudora')).toMatchObject({ total: 7 });
  });

  it('exports a folder of several batches in the order its messages were stored, other folders and hidden rows left out', async () => {
    const { db, dir } = tempStore();
    const message = (name: string) => Buffer.from(`From a@example.org Mon Jan 15 09:30:00 2024\nSubject: ${name}\nMessage-ID: <${name}@x>\n\nbody of ${name}\n\n`);
    const mbox = (file: string, names: string[]) => {
      writeFileSync(join(dir, file), Buffer.concat(names.map(message)));
      return join(dir, file);
    };
    const first = Array.from({ length: 450 }, (_, i) => `a${i}`);
    const between = Array.from({ length: 20 }, (_, i) => `b${i}`);
    const last = Array.from({ length: 30 }, (_, i) => `c${i}`);
    await importMail(db, { path: mbox('1.mbox', first), accountId: 'local', folderPath: 'Big' });
    await importMail(db, { path: mbox('2.mbox', between), accountId: 'local', folderPath: 'Other' });
    await importMail(db, { path: mbox('3.mbox', last), accountId: 'local', folderPath: 'Big' });
    db.sqlite.prepare(`UPDATE messages SET deleted_locally = 1 WHERE message_id = '<a7@x>'`).run();
    const output = join(dir, 'out.mbox');
    expect(await exportFolderToMbox(db, 'local', 'Big', output)).toBe(479);
    const expected = Buffer.concat([...first, ...last].filter((name) => name !== 'a7').map(message));
    expect(readFileSync(output).equals(expected)).toBe(true);
  });

  it('exports a folder of large messages without piling up listeners on the file (one per message that filled its buffer)', async () => {
    // Found exporting a 33 MB IMAP folder with the CLI: Node warned "MaxListenersExceededWarning: 11 error
    // listeners added to [WriteStream]"; every write that waited for 'drain' left its 'error' listener.
    const { db, dir } = tempStore();
    const input = join(dir, 'big.mbox');
    const body = `${'x'.repeat(76)}\n`.repeat(1_500);
    writeFileSync(input, Array.from({ length: 30 }, (_, i) => `From a@b Mon Jan  1 00:00:00 2024\nSubject: big ${i}\nMessage-ID: <big${i}@example.org>\n\n${body}\n`).join(''));
    expect(await importMail(db, { path: input, accountId: 'local', folderPath: 'Big' })).toMatchObject({ imported: 30 });
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on('warning', onWarning);
    try {
      const output = join(dir, 'out.mbox');
      expect(await exportFolderToMbox(db, 'local', 'Big', output)).toBe(30);
      await new Promise((r) => setImmediate(r));
      expect(readFileSync(output).equals(readFileSync(input))).toBe(true);
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings.map((w) => w.name)).not.toContain('MaxListenersExceededWarning');
  });

  it('round-trips mbox files with CRLF framing, LF separators around CRLF mail, and no final empty line', async () => {
    const { db, dir } = tempStore();
    const files = {
      crlf: 'From a@b Mon Jan  1 00:00:00 2024\r\nSubject: a\r\n\r\n>From x\r\n\r\nFrom c@d Mon Jan  1 00:00:00 2024\r\nSubject: c\r\n\r\ny\r\n\r\n',
      mixed: `From a@b Mon Jan  1 00:00:00 2024\n${fixture('plain.eml').toString('latin1')}\nFrom c@d Mon Jan  1 00:00:00 2024\nSubject: c\n\nz\n`,
      unterminated: 'From a@b Mon Jan  1 00:00:00 2024\nSubject: a\n\nlast line without end',
    };
    for (const [name, content] of Object.entries(files)) {
      const input = join(dir, `${name}.mbox`);
      writeFileSync(input, content, 'latin1');
      await importMail(db, { path: input, accountId: 'local', folderPath: name });
      const output = join(dir, `${name}.out`);
      await exportFolderToMbox(db, 'local', name, output);
      expect(readFileSync(output, 'latin1'), name).toBe(content);
    }
  });

  it('stores each message without its mbox quoting, so .eml export gives the original message', async () => {
    const { db, dir } = tempStore();
    const input = join(dir, 'in.mbox');
    writeFileSync(input, sampleMbox());
    await importMail(db, { path: input, accountId: 'local', folderPath: 'In' });
    const folder = findFolderByPath(db, 'local', 'In')!;
    const ids = listMailboxIds(db, { folderId: folder.id }, 'date-asc');
    const out = join(dir, 'one.eml');
    const windows = summariesByIds(db, ids).find((m) => m.subject === 'Crème brûlée')!;
    await exportMessageToEml(db, windows.id, out);
    expect(readFileSync(out).equals(fixture('windows-1252.eml'))).toBe(true);
    const quoting = summariesByIds(db, ids).find((m) => m.subject === 'quoting')!;
    await exportMessageToEml(db, quoting.id, out);
    expect(readFileSync(out).toString()).toContain('\n\nFrom the start of a line\n>From already quoted\n>>From twice\n');
  });

  it('exports messages that came without a From_ line with one made from sender and date, and re-imports them unchanged', async () => {
    const { db, dir } = tempStore();
    const emls = join(dir, 'emls');
    mkdirSync(emls);
    for (const name of ['plain.eml', 'koi8-r.eml', 'html-inline.eml']) writeFileSync(join(emls, name), fixture(name));
    expect(await importMail(db, { path: emls, accountId: 'local', folderPath: 'Emls' })).toEqual({ imported: 3, duplicates: 0, unparsable: 0 });
    const mbox = join(dir, 'out.mbox');
    await exportFolderToMbox(db, 'local', 'Emls', mbox);
    expect(readFileSync(mbox, 'latin1')).toMatch(/^From juergen@example\.de Tue Jan 16 11:00:00 2024\n/);
    await importMail(db, { path: mbox, accountId: 'local', folderPath: 'Again' });
    const again = findFolderByPath(db, 'local', 'Again')!;
    const out = join(dir, 'x.eml');
    const sources = [];
    for (const id of listMailboxIds(db, { folderId: again.id }, 'date-asc')) {
      await exportMessageToEml(db, id, out);
      sources.push(readFileSync(out));
    }
    expect(sources.map((s) => s.toString('latin1')).sort()).toEqual(['plain.eml', 'koi8-r.eml', 'html-inline.eml'].map((n) => fixture(n).toString('latin1')).sort());
  });

  it('exports messages dated past 9999 or before 1000 with From_ lines that re-import as separate messages', async () => {
    // Found by feeding odd mail through homing import/export: a Date of year 10000 gave the From_ line
    // "From future@example.com Thu Dec  7 10:00:00 10000", which no mbox reader takes as a separator, so
    // on re-import that message silently became part of the one before it.
    const { db, dir } = tempStore();
    const emls = join(dir, 'emls');
    mkdirSync(emls);
    const names = ['plain.eml', 'date-year-10000.eml', 'koi8-r.eml', 'date-year-0999.eml', 'html-inline.eml'];
    for (const name of names) writeFileSync(join(emls, name), fixture(name));
    expect(await importMail(db, { path: emls, accountId: 'local', folderPath: 'Emls' })).toEqual({ imported: 5, duplicates: 0, unparsable: 0 });
    const mbox = join(dir, 'out.mbox');
    await exportFolderToMbox(db, 'local', 'Emls', mbox);
    for (const line of readFileSync(mbox, 'latin1').split('\n').filter((l) => l.startsWith('From '))) expect(line).toMatch(/ \d\d:\d\d:\d\d \d{4}$/);
    expect(await importMail(db, { path: mbox, accountId: 'local', folderPath: 'Again' })).toEqual({ imported: 5, duplicates: 0, unparsable: 0 });
    const again = findFolderByPath(db, 'local', 'Again')!;
    const out = join(dir, 'x.eml');
    const sources = [];
    for (const id of listMailboxIds(db, { folderId: again.id }, 'date-asc')) {
      await exportMessageToEml(db, id, out);
      sources.push(readFileSync(out).toString('latin1'));
    }
    expect(sources.sort()).toEqual(names.map((n) => fixture(n).toString('latin1')).sort());
  });

  it('finds calendar invitations and forwarded messages by the words inside their attachments', async () => {
    const { db, dir } = tempStore();
    const emls = join(dir, 'emls');
    mkdirSync(emls);
    for (const name of ['calendar-invite-only.eml', 'forwarded-as-attachment.eml', 'plain.eml']) writeFileSync(join(emls, name), fixture(name));
    await importMail(db, { path: emls, accountId: 'local', folderPath: 'Emls' });
    const subjects = (query: string) => searchMessages(db, query, { limit: 5 }).hits.map((h) => h.subject);
    expect(subjects('Quartalsplanung')).toEqual(['Quarterly planning']);
    expect(subjects('Gebäude')).toEqual(['Quarterly planning']);
    expect(subjects('zeppelin')).toEqual(['Fwd: look at this']);
    expect(subjects('Gewinnspiel')).toEqual(['Fwd: look at this']);
  });

  it('imports a Maildir with its flags, oldest first', async () => {
    const { db, dir } = tempStore();
    const maildir = join(dir, 'Maildir');
    for (const sub of ['cur', 'new', 'tmp']) mkdirSync(join(maildir, sub), { recursive: true });
    writeFileSync(join(maildir, 'cur', '1700000001.M1P1.host:2,FS'), fixture('plain.eml'));
    writeFileSync(join(maildir, 'cur', '1700000002.M2P1.host:2,R'), fixture('attachment-2231.eml'));
    writeFileSync(join(maildir, 'new', '1700000003.M3P1.host'), fixture('koi8-r.eml'));
    writeFileSync(join(maildir, 'tmp', '1700000004.M4P1.host'), 'half-delivered');
    utimesSync(join(maildir, 'cur', '1700000001.M1P1.host:2,FS'), 1700000001, 1700000001);
    utimesSync(join(maildir, 'cur', '1700000002.M2P1.host:2,R'), 1700000002, 1700000002);
    utimesSync(join(maildir, 'new', '1700000003.M3P1.host'), 1700000003, 1700000003);
    expect(await importMail(db, { path: maildir, accountId: 'local', folderPath: 'Maildir' })).toEqual({ imported: 3, duplicates: 0, unparsable: 0 });
    const folder = findFolderByPath(db, 'local', 'Maildir')!;
    expect(folder).toMatchObject({ total: 3, unread: 2 });
    const rows = summariesByIds(db, listMailboxIds(db, { folderId: folder.id }, 'date-asc'));
    expect(rows.map((r) => [r.subject, r.flags])).toEqual([
      ['Quarterly report', ['\\Seen', '\\Flagged']],
      ['Re: Quarterly report', ['\\Answered']],
      ['Привет из Москвы', []],
    ]);
  });

  it('imports a single .eml file and counts unparsable messages (kept raw)', async () => {
    const { db, dir } = tempStore();
    const single = join(dir, 'one.eml');
    writeFileSync(single, fixture('plain.eml'));
    expect(await importMail(db, { path: single, accountId: 'local', folderPath: 'One' })).toEqual({ imported: 1, duplicates: 0, unparsable: 0 });
    const emls = join(dir, 'emls');
    mkdirSync(emls);
    writeFileSync(join(emls, 'bad.eml'), fixture('no-header-garbage.eml'));
    writeFileSync(join(emls, 'good.eml'), fixture('plain.eml'));
    expect(await importMail(db, { path: emls, accountId: 'local', folderPath: 'One' })).toEqual({ imported: 1, duplicates: 1, unparsable: 1 });
    expect(searchMessages(db, 'quokka', { limit: 5 }).hits.map((h) => h.parseStatus)).toEqual(['failed']);
  });

  it('refuses what it cannot import with a clear code and changes nothing', async () => {
    const { db, dir } = tempStore();
    const binary = join(dir, 'photo.jpg');
    writeFileSync(binary, Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46]));
    await expect(importMail(db, { path: binary, accountId: 'local', folderPath: 'X' })).rejects.toMatchObject({ code: 'UNSUPPORTED_FORMAT' });
    const emptyDir = join(dir, 'empty');
    mkdirSync(emptyDir);
    await expect(importMail(db, { path: emptyDir, accountId: 'local', folderPath: 'X' })).rejects.toMatchObject({ code: 'UNSUPPORTED_FORMAT' });
    await expect(importMail(db, { path: join(dir, 'missing.mbox'), accountId: 'local', folderPath: 'X' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(importMail(db, { path: binary, accountId: 'nobody', folderPath: 'X' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(exportFolderToMbox(db, 'local', 'Nope', join(dir, 'o.mbox'))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(findFolderByPath(db, 'local', 'X')).toBeNull();
    const eml = join(dir, 'ok.eml');
    writeFileSync(eml, fixture('plain.eml'));
    await importMail(db, { path: eml, accountId: 'local', folderPath: 'X' });
    await expect(exportFolderToMbox(db, 'local', 'X', join(dir, 'no-such-dir', 'o.mbox'))).rejects.toMatchObject({ code: 'IO_ERROR' });
    expect(readdirSync(dir).filter((f) => f.includes('partial'))).toEqual([]);
  });
});
