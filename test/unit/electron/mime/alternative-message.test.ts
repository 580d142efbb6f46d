import { describe, expect, it } from 'vitest';
import { alternativeParserOutput } from '../../../../electron/mime/alternative-message';
import { parseMessage } from '../../../../electron/mime/parse-message';
import { seededRandom, type SeededRandom } from '../../../helpers/seeded-random';

const direct = (bytes: Buffer) => parseMessage({ kind: 'buffer', bytes });
/** The path these messages took before: the skeleton (HTML emptied) through mailparser. */
const viaMailparser = (bytes: Buffer) => parseMessage({ kind: 'buffer', bytes }, { readPlainDirectly: false });

const WORDS = ['hello', 'Zoë', 'report', 'déjà', 'vu', '会議', 'Q3', '📬', '--b', '--', 'x=y', 'tab\there', ''];

function lines(r: SeededRandom, count: number, eol: string): string {
  return Array.from({ length: count }, () => Array.from({ length: r.int(0, 8) }, () => r.pick(WORDS)).join(' ')).join(eol);
}

/** A multipart/alternative of random but realistic shape: most in the direct reader's reach, some just outside it. */
function randomAlternative(r: SeededRandom): Buffer {
  const eol = r.next() < 0.95 ? '\r\n' : '\n';
  const boundary = r.next() < 0.95 ? r.pick(['b1', '----=_Part_12_34.5678', 'Apple-Mail=_ABC-123', '000000000000abcdef']) : 'b1 x';
  const quoted = r.next() < 0.5;
  const head = [
    r.next() < 0.95 ? r.pick(['From: Ann <ann@example.org>', 'From: "Last, First" <f@example.org>', 'From: a@example.org']) : 'From: friends: a@example.org;',
    'To: bob@example.org',
    `Subject: ${r.next() < 0.95 ? r.pick(['plans', '=?utf-8?q?Caf=C3=A9?= plans']) : 'caf\u00e9 raw'}`,
    'Date: Tue, 3 Mar 2026 10:00:00 +0100',
    'Message-ID: <m1@example.org>',
    'MIME-Version: 1.0',
    `Content-Type: ${r.next() < 0.95 ? r.pick(['multipart/alternative', 'Multipart/Alternative']) : 'multipart/mixed'};${r.pick([' ', eol + '\t'])}boundary=${quoted ? `"${boundary}"` : boundary}`,
  ];
  if (r.next() < 0.1) head.push(`Content-Transfer-Encoding: ${r.pick(['7bit', '8bit', 'quoted-printable'])}`);
  if (r.next() < 0.05) head.push('Content-Disposition: inline');
  const plainType = r.next() < 0.9 ? r.pick(['text/plain; charset=utf-8', 'text/plain; charset="UTF-8"', 'text/plain; charset=us-ascii', 'text/plain']) : r.pick(['text/plain; charset=iso-8859-1', 'text/plain; format=flowed', 'text/html', '']);
  const plainHead = [plainType ? `Content-Type: ${plainType}` : 'X-Nothing: here'];
  const cte = r.next() < 0.85 ? r.pick(['', '', '7bit', '8bit', 'base64']) : 'quoted-printable';
  if (cte) plainHead.push(`Content-Transfer-Encoding: ${cte}`);
  if (r.next() < 0.05) plainHead.push('Content-Disposition: inline');
  if (r.next() < 0.05) plainHead.push('Content-ID: <p1@x>');
  let plain = r.next() < 0.05 ? r.pick(['', ' ', eol]) : lines(r, r.int(1, 12), eol) + r.pick(['', eol, eol + eol]);
  if (cte === 'base64') plain = Buffer.from(plain).toString('base64').replace(/.{76}/g, `$&${eol}`);
  const htmlBody = `<p>${lines(r, r.next() < 0.1 ? 2 : r.int(40, 120), `</p>${eol}<p>`)}</p>`;
  const htmlHead = [`Content-Type: ${r.next() < 0.95 ? r.pick(['text/html; charset=utf-8', 'text/html', 'text/html; charset="us-ascii"']) : 'text/enriched'}`];
  if (r.next() < 0.3) htmlHead.push(`Content-Transfer-Encoding: ${r.pick(['7bit', 'quoted-printable', '8bit'])}`);
  const dash = `--${boundary}`;
  const parts = [
    `${plainHead.join(eol)}${eol}${eol}${plain}`,
    `${htmlHead.join(eol)}${eol}${eol}${htmlBody}`,
    ...(r.next() < 0.05 ? [`Content-Type: text/plain${eol}${eol}third`] : []),
  ];
  if (r.next() < 0.05) parts.reverse();
  const preamble = r.pick(['', '', `This is a multi-part message in MIME format.${eol}`, `${eol}`]);
  const close = r.next() < 0.9 ? `${dash}--` : r.pick([`${dash}-- `, `${dash}`]);
  const epilogue = r.next() < 0.95 ? r.pick(['', eol, `${eol}epilogue${eol}`]) : `${eol}${dash}--${eol}`;
  const delimiter = r.next() < 0.03 ? `${dash} ` : dash;
  const body = `${preamble}${parts.map((p) => `${delimiter}${eol}${p}${eol}`).join('')}${close}${epilogue}`;
  return Buffer.from(`${head.join(eol)}${eol}${eol}${body}`);
}

describe('alternativeParserOutput', () => {
  it('gives the same parse as mailparser for 2,000 random multipart/alternative messages, reading many of them itself', async () => {
    const r = seededRandom(2626);
    let readDirectly = 0;
    for (let i = 0; i < 2000; i++) {
      const bytes = randomAlternative(r);
      if (alternativeParserOutput(bytes)) readDirectly++;
      expect(await direct(bytes), bytes.toString('latin1')).toEqual(await viaMailparser(bytes));
    }
    // Enough of them took the direct path for the comparison to mean something.
    expect(readDirectly).toBeGreaterThan(200);
  }, 120_000);

  it('reads a typical alternative itself: the plain text, line ends made LF, and no HTML', () => {
    const html = `<p>${'word '.repeat(600)}</p>`;
    const bytes = Buffer.from(
      `From: Ann <ann@example.org>\r\nSubject: s\r\nContent-Type: multipart/alternative; boundary="b1"\r\n\r\n--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nLine one\r\nZoë 会議\r\n\r\n--b1\r\nContent-Type: text/html; charset=utf-8\r\n\r\n${html}\r\n--b1--\r\n`,
    );
    const output = alternativeParserOutput(bytes);
    expect(output?.text).toBe('Line one\nZoë 会議\n');
    expect(output?.html).toBeNull();
    expect(output?.attachments).toEqual([]);
  });

  it('leaves to mailparser a small HTML part, a blank plain text, a third part, a delimiter with trailing blanks, an unclosed body', () => {
    const message = (plain: string, html: string, tail = '--b1--\r\n', extra = '') =>
      Buffer.from(
        `From: a@example.org\r\nContent-Type: multipart/alternative; boundary=b1\r\n\r\n--b1\r\nContent-Type: text/plain\r\n\r\n${plain}\r\n${extra}--b1\r\nContent-Type: text/html\r\n\r\n${html}\r\n${tail}`,
      );
    const big = 'x'.repeat(3000);
    expect(alternativeParserOutput(message('text', big))).not.toBeNull();
    expect(alternativeParserOutput(message('text', '<p>small</p>'))).toBeNull();
    expect(alternativeParserOutput(message(' \r\n', big))).toBeNull();
    expect(alternativeParserOutput(message('text', big, '--b1\r\nContent-Type: text/plain\r\n\r\nthird\r\n--b1--\r\n'))).toBeNull();
    expect(alternativeParserOutput(message('text', big, '--b1-- \r\n'))).toBeNull();
    expect(alternativeParserOutput(message('text', big, ''))).toBeNull();
    expect(alternativeParserOutput(message('text', big, '--b1--\r\n', '--b1x\r\n'))).toBeNull();
  });
});
