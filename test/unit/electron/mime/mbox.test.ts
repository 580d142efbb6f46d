import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fromLineFor, MboxQuoter, readMbox, type MboxMessage } from '../../../../electron/mime/mbox';
import { maildirFlags } from '../../../../electron/mime/mail-files';
import { tempDir } from '../../../helpers/store';

async function read(content: string | Buffer): Promise<Array<{ from: string; text: string; kind?: string; separator: string }>> {
  const dir = tempDir('homing-mbox-');
  const path = join(dir, 'in.mbox');
  writeFileSync(path, content);
  const out: MboxMessage[] = [];
  for await (const m of readMbox(path, dir)) out.push(m);
  return out.map((m) => ({
    from: m.framing.fromLine,
    separator: m.framing.separator,
    text: (m.source.kind === 'buffer' ? m.source.bytes : readFileSync(m.source.path)).toString('latin1'),
    ...(m.source.kind === 'file' ? { kind: 'file' } : {}),
  }));
}

describe('readMbox', () => {
  it('splits at From_ lines after an empty line and drops that empty line', async () => {
    const messages = await read(
      'From alice@example.org Mon Jan  1 00:00:00 2024\nSubject: one\n\nbody one\n\nFrom bob@example.org Tue Jan  2 00:00:00 2024\nSubject: two\n\nbody two\n\n',
    );
    expect(messages).toEqual([
      { from: 'From alice@example.org Mon Jan  1 00:00:00 2024\n', text: 'Subject: one\n\nbody one\n', separator: '\n' },
      { from: 'From bob@example.org Tue Jan  2 00:00:00 2024\n', text: 'Subject: two\n\nbody two\n', separator: '\n' },
    ]);
  });

  it('undoes mboxrd quoting (one > less) and leaves other lines alone', async () => {
    const [m] = await read('From - Mon Jan  1 00:00:00 2024\nSubject: q\n\n>From here\n>>From there\n> From not quoted\nFrom the desk of nobody\n');
    expect(m!.text).toBe('Subject: q\n\nFrom here\n>From there\n> From not quoted\nFrom the desk of nobody\n');
  });

  it('does not split at a body line that starts with "From " but is no From_ line (mboxo writers forget to quote)', async () => {
    const messages = await read('From a@b Mon Jan  1 00:00:00 2024\nSubject: x\n\nHello\n\nFrom my point of view, yes.\n');
    expect(messages).toHaveLength(1);
    expect(messages[0]!.text).toContain('From my point of view, yes.');
  });

  it('keeps CRLF line ends and Eudora/Thunderbird separators', async () => {
    const messages = await read('From ???@??? Sun Sep 22 13:45:12 2002\r\nSubject: a\r\n\r\nx\r\n\r\nFrom - Sat Jan 03 12:00:00 2009\r\nSubject: b\r\n\r\ny\r\n');
    expect(messages.map((m) => m.text)).toEqual(['Subject: a\r\n\r\nx\r\n', 'Subject: b\r\n\r\ny\r\n']);
    expect(messages.map((m) => [m.from, m.separator])).toEqual([
      ['From ???@??? Sun Sep 22 13:45:12 2002\r\n', '\r\n'],
      ['From - Sat Jan 03 12:00:00 2009\r\n', ''],
    ]);
  });

  it('gives the same messages however the file is cut into read chunks', async () => {
    // 1 MB reads: put separators, quoted lines and CRLF blank lines right at the boundary.
    const filler = `${'a'.repeat(79)}\n`.repeat(13107); // 1,048,560 bytes
    for (const pad of [0, 1, 2, 3, 5, 8, 13, 16, 17, 20]) {
      const head = `From a@b Mon Jan  1 00:00:00 2024\r\nSubject: a\r\n\r\n${filler}${'b'.repeat(pad)}\r\n`;
      const text = `${head}\r\n>From quoted\r\n\r\nFrom c@d Mon Jan  1 00:00:00 2024\r\nSubject: c\r\n\r\nlast\r\n\r\n`;
      const messages = await read(text);
      expect(messages.map((m) => m.text.length), String(pad)).toEqual([head.length - 35 + '\r\nFrom quoted\r\n'.length, 'Subject: c\r\n\r\nlast\r\n'.length]);
      expect(messages[0]!.text.endsWith(`${'b'.repeat(pad)}\r\n\r\nFrom quoted\r\n`)).toBe(true);
    }
  });

  it('reads a file with no trailing newline and an empty file', async () => {
    expect(await read('From a@b Mon Jan  1 00:00:00 2024\nSubject: a\n\nno newline')).toEqual([
      { from: 'From a@b Mon Jan  1 00:00:00 2024\n', text: 'Subject: a\n\nno newline', separator: '' },
    ]);
    expect(await read('')).toEqual([]);
  });

  it('spills a message larger than the memory limit to a file, bytes intact', async () => {
    const body = `${'y'.repeat(99)}\n`.repeat(100_000); // 10 MB
    const messages = await read(`From a@b Mon Jan  1 00:00:00 2024\nSubject: big\n\n${body}\nFrom c@d Mon Jan  1 00:00:00 2024\nSubject: small\n\nz\n`);
    expect(messages.map((m) => m.text.length)).toEqual([`Subject: big\n\n${body}`.length, 'Subject: small\n\nz\n'.length]);
    expect(messages[0]!.text).toBe(`Subject: big\n\n${body}`);
    expect(messages.map((m) => m.kind)).toEqual(['file', undefined]);
  });
});

describe('MboxQuoter', () => {
  const quote = (chunks: string[]) => {
    const q = new MboxQuoter();
    const out = chunks.flatMap((c) => q.push(Buffer.from(c)));
    out.push(...q.end());
    return Buffer.concat(out).toString();
  };

  it('adds one > to lines matching >*From , also across chunk boundaries', () => {
    const text = 'From start\nSubject: x\n\nFrom here\n>From there\nFromage\n>>From deep\nnot From\n';
    const expected = '>From start\nSubject: x\n\n>From here\n>>From there\nFromage\n>>>From deep\nnot From\n';
    expect(quote([text])).toBe(expected);
    for (let split = 1; split < text.length; split++) expect(quote([text.slice(0, split), text.slice(split)])).toBe(expected);
    expect(quote(['Fr', 'o', 'm', ' x'])).toBe('>From x');
    expect(quote(['>', '>', 'Fro'])).toBe('>>Fro');
  });
});

describe('From_ lines and Maildir flags', () => {
  it('writes a ctime date in UTC and MAILER-DAEMON for a missing sender', () => {
    expect(fromLineFor('alice@example.org', new Date('2024-01-05T07:08:09Z'))).toBe('From alice@example.org Fri Jan  5 07:08:09 2024');
    expect(fromLineFor(null, new Date('2024-11-15T00:00:00Z'))).toBe('From MAILER-DAEMON Fri Nov 15 00:00:00 2024');
  });

  it('reads flags from the info part of a Maildir name', () => {
    expect(maildirFlags('1700000000.M1P2.host:2,FRS', false)).toEqual(['\\Seen', '\\Answered', '\\Flagged']);
    expect(maildirFlags('1700000000.M1P2.host:2,DT', false)).toEqual(['\\Draft']);
    expect(maildirFlags('1700000000.M1P2.host', true)).toEqual([]);
  });
});
