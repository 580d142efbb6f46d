import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { htmlToText } from '../../../../electron/mime/html-text';
import { MAX_HTML_TO_TEXT_CHARS } from '../../../../electron/mime/limits';
import { parseMessage } from '../../../../electron/mime/parse-message';
import { readMessageContent } from '../../../../electron/mime/read-message';
import { hasCjk, splitCjk, unsplitCjk } from '../../../../electron/mime/search-text';
import { isReplySubject, subjectKey } from '../../../../electron/mime/subject-key';
import { tempDir } from '../../../helpers/store';

const fixture = (name: string) => readFileSync(join(import.meta.dirname, '../../../fixtures/mime', name));
const parse = (bytes: Buffer | string) => parseMessage({ kind: 'buffer', bytes: Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes) });

/** Text in a legacy charset as an old mailer writes it (from Python's codecs). */
const LEGACY: Record<string, Record<string, string>> = {
  'windows-1251': { 'Привет мир': 'cff0e8e2e5f220ece8f0', 'Иван Петров': 'c8e2e0ed20cfe5f2f0eee2' },
  'koi8-r': { 'Привет мир': 'f0d2c9d7c5d420cdc9d2', 'Иван Петров': 'e9d7c1ce20f0c5d4d2cfd7' },
  shift_jis: { '日本語の件名': '93fa967b8cea82cc8c8f96bc', '山田 太郎': '8e5293632091be9859' },
  GB18030: { '中文主题': 'd6d0cec4d6f7cce2', '张伟': 'd5c5ceb0' },
};
const encodeIn = (charset: string, text: string) => Buffer.from(LEGACY[charset]![text]!, 'hex');

describe('parseMessage', () => {
  it('reads headers, RFC 2047 words, RFC 2231 file names and attachment sizes', async () => {
    const parsed = await parse(fixture('attachment-2231.eml'));
    expect(parsed).toMatchObject({
      messageId: '<reply-1@example.net>',
      inReplyTo: '<plain-1@example.org>',
      references: ['<plain-1@example.org>'],
      subject: 'Re: Quarterly report',
      from: { name: '', address: 'bob@example.net' },
      text: 'Thanks, see the spreadsheet.',
      parseStatus: 'ok',
      attachments: [{ filename: 'Bilanz Übersicht 2024.xls', contentType: 'application/vnd.ms-excel', size: 21, contentId: null, inline: false }],
    });
    expect(parsed.date?.toISOString()).toBe('2024-01-15T11:00:00.000Z');
    const html = await parse(fixture('html-inline.eml'));
    expect(html.from).toEqual({ name: 'Jürgen Müller', address: 'juergen@example.de' });
    expect(html.subject).toBe('Grüße aus München');
    expect(html.attachments).toEqual([{ filename: 'logo.png', contentType: 'image/png', size: 68, contentId: 'logo@example.de', inline: true }]);
  });

  it('decodes legacy charsets in bodies and subjects', async () => {
    expect((await parse(fixture('iso-2022-jp.eml'))).subject).toBe('東京都の会議');
    expect((await parse(fixture('iso-2022-jp.eml'))).text).toContain('東京都の会議は明日です。');
    expect((await parse(fixture('koi8-r.eml'))).text).toContain('Встреча в четверг.');
  });

  it('reads 8-bit text labelled us-ascii (or unlabelled) as UTF-8 when it is, else windows-1252', async () => {
    // Found importing mail from an old mailer: Latin-1 bytes under charset=us-ascii were shown and
    // indexed as U+FFFD ('caf\uFFFD r\uFFFDsum\uFFFD'), so the reader showed garbage and `résumé` found nothing.
    const plain = await parse(fixture('us-ascii-latin1.eml'));
    expect(plain.text).toBe('Le café naïve, mon résumé – € 5.\n');
    const direct = await parseMessage({ kind: 'buffer', bytes: fixture('us-ascii-latin1.eml') }, { readPlainDirectly: false });
    expect(direct.text).toBe(plain.text);
    const multipart = await parse(fixture('us-ascii-latin1-multipart.eml'));
    expect(multipart.text).toBe('Le café naïve, mon résumé.');
    expect(multipart.html).toBe('<p>Grüße, größer</p>');
    // A part labelled UTF-8 stays UTF-8, and valid UTF-8 under us-ascii is read as UTF-8.
    expect((await parse('Subject: x\nContent-Type: text/plain; charset=us-ascii\n\nGrüße\n')).text).toBe('Grüße\n');
    expect((await parse(Buffer.from('Subject: x\nContent-Type: text/plain; charset=utf-8\n\ncaf\xe9\n', 'latin1'))).text).toBe('caf\uFFFD\n');
    // Raw 8-bit header bytes read as windows-1252 keep its euro sign and dashes (Node's own decoder gave U+0080, U+0096).
    expect((await parse(Buffer.from('Subject: 5 \x80 \x96 caf\xe9\n\nx\n', 'latin1'))).subject).toBe('5 € – café');
  });

  it('gives the words of calendar invitations and forwarded messages for search', async () => {
    // Found importing such mail: `homing search` found nothing of an invitation sent as text/calendar
    // alone (base64, as Exchange sends it), nor of a message forwarded as an attachment.
    const invite = await parse(fixture('calendar-invite-only.eml'));
    expect(invite.attachments).toMatchObject([{ contentType: 'text/calendar' }]);
    expect(invite.attachedText).toBe('Müller, Jörg joerg@example.de\nQuartalsplanung Rückblick\nRaum 4, Gebäude Nord\nAgenda:\n1. Zahlen\n2. Ausblick auf den Haushalt die Tagesordnung folgt');
    const forward = await parse(fixture('forwarded-as-attachment.eml'));
    expect(forward.text).toBe('See the attached message.');
    expect(forward.attachedText).toBe('Gewinnspiel für Sie\nDodgy Sender <dodgy@spam.example>\nYou won a zeppelin, claim it now.');
    expect((await parse(fixture('plain.eml'))).attachedText).toBeUndefined();
  });

  it('takes a four-digit year 0000-0099 for no date rather than for 2000-2049 or 1950-1999', async () => {
    // Found importing mail with impossible dates: 'Sat, 07 Dec 0049' was listed as 2049-12-07 (above all
    // real mail until then) and 'Mon, 01 Jan 0000' as 2000-01-01.
    const dated = async (date: string) => (await parse(`From: a@example.com\nSubject: d\nDate: ${date}\n\nbody\n`)).date?.toISOString() ?? null;
    expect(await dated('Sat, 07 Dec 0049 10:00:00 +0000')).toBeNull();
    expect(await dated('Mon, 01 Jan 0000 00:00:00 +0000')).toBeNull();
    expect(await dated('7 Dec 0099 10:00 -0000')).toBeNull();
    expect(await dated('Sat, 07 Dec 0999 10:00:00 +0000')).toBe('0999-12-07T10:00:00.000Z');
    expect(await dated('Mon, 07 Dec 2026 00:00:00 +0000')).toBe('2026-12-07T00:00:00.000Z');
    expect(await dated('07 Dec 26 10:00 EST')).toBe('2026-12-07T15:00:00.000Z');
    expect(await dated('Mon, 7 Dec 2026 10:00 +0000 (GMT 00)')).toBe('2026-12-07T10:00:00.000Z');
  });

  it('reads raw 8-bit headers that are not UTF-8 as windows-1252 instead of replacement characters', async () => {
    const parsed = await parse(fixture('windows-1252.eml'));
    expect(parsed.subject).toBe('Crème brûlée');
    expect(parsed.from).toEqual({ name: 'François', address: 'francois@example.fr' });
  });

  it.each([
    ['windows-1251', 'text/plain; charset=windows-1251', 'Привет мир', 'Иван Петров'],
    ['KOI8-R in a multipart', 'multipart/alternative; boundary=b', 'Привет мир', 'Иван Петров'],
    ['Shift_JIS', 'text/plain; charset=shift_jis', '日本語の件名', '山田 太郎'],
    ['GB18030', 'text/plain; charset="GB18030"', '中文主题', '张伟'],
  ])('reads raw 8-bit headers in the charset the message declares for its text (%s)', async (_name, contentType, subject, name) => {
    // Found syncing such mail from Dovecot: 'Ïðèâåò ìèð' in the list and homing show, and search мир found nothing.
    const charset = contentType.startsWith('multipart') ? 'koi8-r' : /charset="?([^";]+)/.exec(contentType)![1]!;
    const encode = (text: string) => encodeIn(charset, text);
    const head = Buffer.concat([
      Buffer.from('From: '), encode(name), Buffer.from(' <x@example.org>\r\nSubject: '), encode(subject),
      Buffer.from(`\r\nX-Utf8: Zoë\r\nMIME-Version: 1.0\r\nContent-Type: ${contentType}\r\n\r\n`),
    ]);
    const body = contentType.startsWith('multipart')
      ? Buffer.concat([Buffer.from(`--b\r\nContent-Type: text/plain; charset=${charset}\r\nContent-Transfer-Encoding: 8bit\r\n\r\n`), encode(subject), Buffer.from('\r\n--b--\r\n')])
      : Buffer.concat([encode(subject), Buffer.from('\r\n')]);
    const bytes = Buffer.concat([head, body]);
    const parsed = await parse(bytes);
    expect(parsed.subject).toBe(subject);
    expect(parsed.from).toEqual({ name, address: 'x@example.org' });
    const shown = await readMessageContent({ kind: 'buffer', bytes });
    expect(shown.headers.slice(0, 3)).toEqual([['From', `${name} <x@example.org>`], ['Subject', subject], ['X-Utf8', 'Zoë']]);
  });

  it('reads raw 8-bit headers as windows-1252 when they are not valid in the declared charset', async () => {
    const parsed = await parse(Buffer.from('Subject: caf\xe9 cr\xe8me\r\nContent-Type: text/plain; charset=shift_jis\r\n\r\nx\r\n', 'latin1'));
    expect(parsed.subject).toBe('café crème');
  });

  it('takes text from HTML-only mail, without scripts or styles', async () => {
    const parsed = await parse('Subject: h\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<style>.x{}</style><p>Hello&nbsp;<b>world</b></p><script>evil()</script>');
    expect(parsed.html).toContain('<script>evil()</script>');
    expect(parsed.text).toBe('Hello world');
    expect(parsed.snippet).toBe('Hello world');
  });

  it('turns only the first MAX_HTML_TO_TEXT_CHARS of a huge HTML-only message into index text', async () => {
    const page = `<p>early words</p>${'<p>filler</p>'.repeat(Math.ceil(MAX_HTML_TO_TEXT_CHARS / 13))}<p>walrus at the end</p>`;
    const parsed = await parse(`Subject: h\r\nContent-Type: text/html; charset=utf-8\r\n\r\n${page}`);
    expect(parsed.html?.endsWith('<p>walrus at the end</p>')).toBe(true);
    expect(parsed.text?.startsWith('early words')).toBe(true);
    expect(parsed.text).not.toContain('walrus');
  });

  it('gives a null date for a Date header that is not a date (mailparser would say "now")', async () => {
    expect((await parse('Subject: x\r\nDate: the day after tomorrow\r\n\r\nbody')).date).toBeNull();
    expect((await parse('Subject: x\r\n\r\nbody')).date).toBeNull();
  });

  it('never throws: garbage comes back as failed with what could be read, a header field of a megabyte is cut (header-bound.ts)', async () => {
    const garbage = await parse(fixture('no-header-garbage.eml'));
    expect(garbage).toMatchObject({ parseStatus: 'failed', subject: '', from: null });
    expect(garbage.text).toContain('quokka');
    const huge = await parse(`Subject: =?UTF-8?Q?Gro=C3=9F?=\r\nFrom: a@b.c\r\nX-Pad: ${'p'.repeat(1_100_000)}\r\n\r\nstill here`);
    expect(huge).toMatchObject({ parseStatus: 'ok', subject: 'Groß', from: { address: 'a@b.c' }, text: 'still here' });
    expect((await parse('')).parseStatus).toBe('failed');
  });

  it('parses a file source the same as a buffer', async () => {
    const path = join(tempDir('homing-mime-'), 'm.eml');
    writeFileSync(path, fixture('html-inline.eml'));
    const fromFile = await parseMessage({ kind: 'file', path, size: fixture('html-inline.eml').length });
    expect(fromFile).toEqual(await parse(fixture('html-inline.eml')));
  });

  it('takes bytes that crossed a worker boundary as a plain Uint8Array', async () => {
    const bytes = fixture('no-header-garbage.eml');
    const plain = new Uint8Array(bytes);
    expect(await parseMessage({ kind: 'buffer', bytes: plain as Buffer })).toEqual(await parse(bytes));
    expect(await parseMessage({ kind: 'buffer', bytes: new Uint8Array(fixture('plain.eml')) as Buffer })).toEqual(await parse(fixture('plain.eml')));
  });

  it('keeps bare Message-IDs usable', async () => {
    const parsed = await parse('Message-ID: abc@x\r\nIn-Reply-To: <p@x> (comment)\r\nReferences: <a@x>\r\n  <b@x>\r\n\r\n');
    expect(parsed).toMatchObject({ messageId: '<abc@x>', inReplyTo: '<p@x>', references: ['<a@x>', '<b@x>'] });
  });
});

describe('text helpers', () => {
  it('turns HTML into text with entities decoded and block structure kept', () => {
    expect(htmlToText('<p>a&amp;b</p><div>c&#233;&#x20AC;</div>x<br>y<!-- hidden --><head><title>t</title></head>')).toBe('a&b\ncé€\nx\ny');
  });

  it('splits CJK runs into single characters and joins them back', () => {
    expect(splitCjk('会議 at 東京')).toBe('\u200b会\u200b議\u200b at \u200b東\u200b京\u200b');
    expect(unsplitCjk(splitCjk('会議 at 東京'))).toBe('会議 at 東京');
    expect(hasCjk('plain')).toBe(false);
    expect(hasCjk('カタカナ')).toBe(true);
  });

  it('normalises subjects for threading', () => {
    expect(subjectKey('Re: AW: [list] Fwd:  Budget   2024')).toBe('budget 2024');
    expect(subjectKey('回复：会议')).toBe('会议');
    expect(isReplySubject('Re[2]: x')).toBe(true);
    expect(isReplySubject('[team] SV: x')).toBe(true);
    expect(isReplySubject('Regarding x')).toBe(false);
  });
});
