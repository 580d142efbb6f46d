import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseMessage } from '../../../../electron/mime/parse-message';
import { plainParserOutput } from '../../../../electron/mime/plain-message';
import { readMessageContent } from '../../../../electron/mime/read-message';
import { seededRandom, type SeededRandom } from '../../../helpers/seeded-random';

const direct = (bytes: Buffer) => parseMessage({ kind: 'buffer', bytes });
const viaMailparser = (bytes: Buffer) => parseMessage({ kind: 'buffer', bytes }, { readPlainDirectly: false });
/** What the reading pane and `homing show` get: every header line, the text, all recipients. */
const shownDirectly = (bytes: Buffer) => readMessageContent({ kind: 'buffer', bytes });
const shownViaMailparser = (bytes: Buffer) => readMessageContent({ kind: 'buffer', bytes }, { readPlainDirectly: false });

const WORDS = ['hello', 'Zoë', 'report', 'déjà', 'vu', '会議', 'Q3', 're:', 'a,b', 'x=y', 'tab\there', ''];
const b64 = (s: string) => Buffer.from(s).toString('base64');

function word(r: SeededRandom): string {
  return r.pick(WORDS.filter(Boolean));
}

/** Header text as mailers write it: plain words, encoded words, extra spaces, sometimes folded. */
function phrase(r: SeededRandom): string {
  const parts: string[] = [];
  for (let i = r.int(0, 4); i >= 0; i--) {
    const kind = r.next();
    if (kind < 0.15) parts.push(`=?utf-8?q?${encodeURIComponent(word(r)).replace(/%/g, '=')}?=`);
    else if (kind < 0.25) parts.push(`=?UTF-8?B?${b64(word(r))}?=`);
    else if (kind < 0.3) parts.push(`=?iso-8859-1?q?caf=E9?=`);
    else parts.push(word(r).replace(/[^\x20-\x7e]/g, 'e'));
  }
  return parts.join(r.pick([' ', ' ', '  ', '\r\n ', '\r\n\t']));
}

function address(r: SeededRandom): string {
  const spec = `${r.pick(['ann', 'bo.b', 'c+d', 'x_y'])}@${r.next() < 0.03 ? 'xn--bcher-kva.example' : r.pick(['example.org', 'mail.example.com', 'EXAMPLE.ORG'])}`;
  const kind = r.next();
  if (kind < 0.35) return spec;
  if (kind < 0.6) return `${phrase(r).replace(/[,<>"]/g, '')} <${spec}>`;
  if (kind < 0.75) return `"${r.pick(['Last, First', 'Zoe  Two', 'x <y>', ' padded '])}" <${spec}>`;
  if (kind < 0.8) return `<${spec}>`;
  if (kind < 0.85) return `"=?utf-8?q?Zo=C3=AB?=" <${spec}>`;
  if (kind < 0.9) return `=?utf-8?b?${b64('Zoë Ann')}?= <${spec}>`;
  if (kind < 0.93) return `${spec} (comment)`;
  if (kind < 0.96) return `undisclosed-recipients:;`;
  if (kind < 0.98) return `Name  With  Spaces <${spec}>`;
  return `broken <${spec}`;
}

function ids(r: SeededRandom): string {
  const list = Array.from({ length: r.int(1, 4) }, () => r.pick(['<a1@x.org>', 'b2@x.org', '<c3@x>', '']));
  return list.join(r.pick([' ', '\r\n ', ', ']));
}

function body(r: SeededRandom, eol: string): Buffer {
  const lines = Array.from({ length: r.int(0, 6) }, () => Array.from({ length: r.int(0, 8) }, () => r.pick(WORDS)).join(' '));
  let text = lines.join(eol) + r.pick(['', eol, eol + eol]);
  if (r.next() < 0.05) text += 'bare\rcr';
  const bytes = Buffer.from(text);
  return r.next() < 0.05 ? Buffer.concat([bytes, Buffer.from([0xff, 0xfe, 0x41])]) : bytes;
}

/** A single-part message of random but realistic shape: most are in the direct path's reach, some not. */
function randomMessage(r: SeededRandom): Buffer {
  const eol = r.next() < 0.8 ? '\r\n' : '\n';
  const fields: string[] = [];
  const maybe = (p: number, field: () => string) => {
    if (r.next() < p) fields.push(field());
  };
  maybe(0.9, () => `From: ${address(r)}`);
  maybe(0.8, () => `To: ${Array.from({ length: r.int(1, 4) }, () => address(r)).join(r.pick([', ', ',\r\n\t', ','])).replace(/\r\n/g, eol)}`);
  maybe(0.3, () => `Cc: ${address(r)}, ${address(r)}`);
  maybe(0.1, () => `Bcc: ${address(r)}`);
  maybe(0.1, () => `Reply-To: ${address(r)}`);
  maybe(0.9, () => `Subject: ${phrase(r).replace(/\r\n/g, eol)}`);
  maybe(0.05, () => `Subject: second subject`);
  maybe(0.8, () => `Date: ${r.pick(['Tue, 3 Mar 2026 10:00:00 +0100', 'not a date', '3 Mar 2026 10:00 GMT'])}`);
  maybe(0.8, () => `Message-ID: ${r.pick(['<m1@example.org>', 'm2@example.org', '', ' <m3@x> '])}`);
  maybe(0.3, () => `In-Reply-To: ${ids(r).replace(/\r\n/g, eol)}`);
  maybe(0.3, () => `References: ${ids(r).replace(/\r\n/g, eol)}`);
  maybe(0.3, () => `Received: from a by b;${eol}\tTue, 3 Mar 2026 10:00:00 +0100`);
  maybe(0.2, () => `X-Mailer: ${phrase(r).replace(/\r\n/g, eol)}`);
  maybe(0.6, () => 'MIME-Version: 1.0');
  maybe(0.7, () =>
    `Content-Type: ${
      r.next() < 0.8
        ? r.pick(['text/plain', 'text/plain; charset=utf-8', 'text/plain; charset="UTF-8"', 'TEXT/PLAIN; charset=us-ascii'])
        : r.pick(['text/plain; charset=iso-8859-1', 'text/plain; format=flowed', 'text/plain; charset=utf-8 (comment)', 'text/html; charset=utf-8'])
    }`,
  );
  const encoding = r.next() < 0.85 ? r.pick(['', '', '7bit', '8bit', 'base64', 'BASE64 ', 'binary']) : 'quoted-printable';
  if (encoding) fields.push(`Content-Transfer-Encoding: ${encoding}`);
  maybe(0.03, () => 'Content-Disposition: inline');
  maybe(0.02, () => 'Xx-Bad-Header');
  maybe(0.02, () => 'Subject: caf\u00e9 raw 8-bit');
  const content = body(r, eol);
  const encoded = encoding.trim().toLowerCase() === 'base64' ? Buffer.from(content.toString('base64').replace(/.{76}/g, `$&${eol}`) + eol) : content;
  return Buffer.concat([Buffer.from(fields.join(eol) + eol + eol, 'latin1'), encoded]);
}


describe('the header lines shown (reading pane, homing show --json headers)', () => {
  // Found with homing show --json on mail synced from Courier and Cyrus: a raw UTF-8 header (RFC 6532)
  // showed as 'Ã©tÃ©', because the lines were shown one character per byte.
  it.each([
    ['directly', shownDirectly],
    ['through mailparser', shownViaMailparser],
  ])('reads raw UTF-8 fields as UTF-8 and a Latin-1 field beside them as Latin-1 (%s)', async (_how, shown) => {
    const latin1 = Buffer.from([0x58, 0x2d, 0x4c, 0x3a, 0x20, 0x63, 0x61, 0x66, 0xe9, 0x0d, 0x0a]); // "X-L: caf\xe9"
    const mixed = Buffer.concat([Buffer.from('From: a@example.org\r\nSubject: été\r\nX-Two: Zoë 会議\r\n'), latin1, Buffer.from('\r\nbody\r\n')]);
    expect((await shown(mixed)).headers).toEqual([
      ['From', 'a@example.org'],
      ['Subject', 'été'],
      ['X-Two', 'Zoë 会議'],
      ['X-L', 'café'],
    ]);
    expect((await shown(Buffer.from('Subject: =?utf-8?q?d=C3=A9j=C3=A0?= vu\r\n\r\nbody\r\n'))).headers).toEqual([['Subject', 'déjà vu']]);
  });
});

describe('plainParserOutput', () => {
  it('gives the same parse as mailparser for 3,000 random single-part messages, reading most of them itself', async () => {
    const r = seededRandom(4242);
    let readDirectly = 0;
    for (let i = 0; i < 3000; i++) {
      const bytes = randomMessage(r);
      if (plainParserOutput(bytes)) readDirectly++;
      expect(await direct(bytes), bytes.toString('latin1')).toEqual(await viaMailparser(bytes));
      expect(await shownDirectly(bytes), bytes.toString('latin1')).toEqual(await shownViaMailparser(bytes));
    }
    // Enough of them took the direct path for the comparison to mean something.
    expect(readDirectly).toBeGreaterThan(750);
  }, 120_000);

  it('gives the same parse as mailparser for every fixture and hostile message', async () => {
    const dirs = ['../../../fixtures/mime', '../../../fixtures/hostile/mime', '../../../fixtures/hostile/html'].map((d) => join(import.meta.dirname, d));
    let checked = 0;
    for (const dir of dirs) {
      for (const name of readdirSync(dir).filter((n) => n.endsWith('.eml'))) {
        const bytes = readFileSync(join(dir, name));
        expect(await direct(bytes), name).toEqual(await viaMailparser(bytes));
        expect(await shownDirectly(bytes), name).toEqual(await shownViaMailparser(bytes));
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(40);
  });

  it('reads a typical plain-text message itself, text with line ends made LF', () => {
    const bytes = Buffer.from(
      'From: Ann <ann@example.org>\r\nTo: "Last, First" <f@example.org>, bob@example.org\r\nSubject: =?utf-8?q?Caf=C3=A9?= plans\r\nMessage-ID: <1@x>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nLine one\r\nLine two\r\n',
    );
    const output = plainParserOutput(bytes);
    expect(output?.text).toBe('Line one\nLine two\n');
    expect(output?.headers.get('subject')).toBe('Café plans');
  });

  it('leaves to mailparser what it does not read the same: multipart, HTML, quoted-printable, groups, 8-bit headers, repeated fields, no body, a huge header', () => {
    const base = 'From: a@example.org\r\nSubject: s\r\n';
    for (const head of [
      'Content-Type: multipart/mixed; boundary=b\r\n',
      'Content-Type: text/html\r\n',
      'Content-Transfer-Encoding: quoted-printable\r\n',
      'To: friends: a@example.org;\r\n',
      'Subject: caf\u00e9\r\n',
      'From: b@example.org\r\n',
      'Content-Type: text/plain; charset=iso-8859-1\r\n',
      'Content-Type: text/plain; charset = utf-8\r\n',
      'Content-Type: text/plain; charset*=utf-8\'\'x\r\n',
    ]) {
      expect(plainParserOutput(Buffer.from(`${base}${head}\r\nbody\r\n`, 'latin1')), head).toBeNull();
    }
    expect(plainParserOutput(Buffer.from(`${base}\r\n`))).toBeNull();
    // A header block past mailparser's limit must still fail as it fails there.
    expect(plainParserOutput(Buffer.from(`${base}X-Pad: ${'p'.repeat(100_000)}\r\n\r\nbody`))).toBeNull();
  });
});
