import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { skeletonOf } from '../../../../electron/mime/attachment-skeleton';
import { parseMessage } from '../../../../electron/mime/parse-message';

const cut = (bytes: Buffer) => parseMessage({ kind: 'buffer', bytes });
const whole = (bytes: Buffer) => parseMessage({ kind: 'buffer', bytes }, { cutAttachments: false });

/**
 * Same result with the attachments cut out as with the whole message: the only thing that counts. The
 * one difference allowed: no HTML where the skeleton emptied an HTML alternative for the plain text.
 */
async function expectSameParse(bytes: Buffer, label: string): Promise<void> {
  const [a, b] = await Promise.all([cut(bytes), whole(bytes)]);
  const htmlSkipped = skeletonOf(bytes)?.htmlCut === true && a.html === null;
  expect(htmlSkipped ? { ...a, html: b.html } : a, label).toEqual(b);
}

function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function base64Lines(random: () => number, size: number, width = 76, eol = '\r\n'): string {
  const bytes = Buffer.alloc(size);
  for (let i = 0; i < size; i++) bytes[i] = Math.floor(random() * 256);
  const b64 = bytes.toString('base64');
  const lines: string[] = [];
  for (let i = 0; i < b64.length; i += width) lines.push(b64.slice(i, i + width));
  return lines.join(eol);
}

const attachment = (name: string, body: string, eol: string, type = 'application/pdf', extra = '') =>
  [`Content-Type: ${type}; name="${name}"`, 'Content-Transfer-Encoding: base64', `Content-Disposition: attachment; filename="${name}"`, ...(extra ? [extra] : []), '', body].join(eol);

describe('attachment skeleton', () => {
  it('cuts a base64 attachment out and gives back its exact decoded size, for every padding', async () => {
    const random = mulberry32(7);
    for (const size of [3000, 3001, 3002, 3003, 10_000, 65_537]) {
      const eol = '\r\n';
      const message = Buffer.from(
        [
          'From: a@example.org',
          'Subject: report',
          'Content-Type: multipart/mixed; boundary="outer"',
          '',
          '--outer',
          'Content-Type: text/plain; charset=utf-8',
          '',
          'See the attached report.',
          '--outer',
          attachment(`r${size}.pdf`, base64Lines(random, size), eol),
          '--outer--',
          '',
        ].join(eol),
      );
      const skeleton = skeletonOf(message);
      expect(skeleton, `size ${size}`).not.toBeNull();
      expect(skeleton!.bytes.length).toBeLessThan(message.length / 2);
      expect([...skeleton!.sizes.values()]).toEqual([size]);
      const parsed = await cut(message);
      expect(parsed.attachments).toEqual([{ filename: `r${size}.pdf`, contentType: 'application/pdf', size, contentId: null, inline: false }]);
      expect(parsed.text).toBe('See the attached report.');
      await expectSameParse(message, `size ${size}`);
    }
  });

  it('follows nested multiparts, LF-only mail and delimiters with trailing blanks', async () => {
    const random = mulberry32(11);
    for (const eol of ['\r\n', '\n']) {
      const message = Buffer.from(
        [
          'Subject: nested',
          'Content-Type: multipart/mixed;',
          '\tboundary="=_mixed (not a comment)"',
          '',
          'preamble',
          '--=_mixed (not a comment)',
          'Content-Type: multipart/related; boundary=rel',
          '',
          '--rel',
          'Content-Type: text/html; charset=utf-8',
          '',
          '<p>Hello <img src="cid:logo@x"></p>',
          '--rel  \t',
          attachment('logo.png', base64Lines(random, 5000, 64, eol), eol, 'image/png', 'Content-ID: <logo@x>'),
          '--rel--',
          '--=_mixed (not a comment)',
          attachment('data.bin', base64Lines(random, 9000, 76, eol), eol, 'application/octet-stream'),
          '',
          '--=_mixed (not a comment)--',
          'epilogue',
        ].join(eol),
      );
      expect(skeletonOf(message)?.sizes.size, JSON.stringify(eol)).toBe(2);
      await expectSameParse(message, JSON.stringify(eol));
    }
  });

  it('leaves alone what it cannot be sure of, and still parses the same', async () => {
    const random = mulberry32(13);
    const body = base64Lines(random, 6000);
    const wrap = (part: string, type = 'multipart/mixed; boundary=b') =>
      Buffer.from(['Subject: x', `Content-Type: ${type}`, '', '--b', 'Content-Type: text/plain', '', 'hi', '--b', part, '--b--', ''].join('\r\n'));
    const cases: Record<string, Buffer> = {
      // Not base64 alone: a junk byte, padding in the middle, a boundary-looking line.
      'junk character': wrap(attachment('a.pdf', `${body.slice(0, 500)}!${body.slice(500)}`, '\r\n')),
      'padding in the middle': wrap(attachment('a.pdf', `QQ==\r\n${body}`, '\r\n')),
      'text attachment': wrap(attachment('a.txt', body, '\r\n', 'text/plain')),
      'message part': wrap(attachment('a.eml', body, '\r\n', 'message/rfc822')),
      'quoted-printable': wrap(['Content-Type: application/pdf', 'Content-Transfer-Encoding: quoted-printable', '', body].join('\r\n')),
      'two Content-Type fields': wrap(['Content-Type: application/pdf', 'Content-Type: text/plain', 'Content-Transfer-Encoding: base64', '', body].join('\r\n')),
      'not multipart': Buffer.from(['Subject: x', 'Content-Type: application/pdf', 'Content-Transfer-Encoding: base64', '', body, ''].join('\r\n')),
      'one char too many': wrap(attachment('a.pdf', `${body}A`, '\r\n')),
      // No empty line before the next delimiter: the attachment's fields end there, the base64 after it is text.
      'header block running into the next delimiter': Buffer.from(
        ['Subject: x', 'Content-Type: multipart/mixed; boundary=b', '', '--b', 'Content-Type: application/pdf', 'Content-Transfer-Encoding: base64', '--b', '', body, '--b--', ''].join('\r\n'),
      ),
    };
    for (const [label, message] of Object.entries(cases)) {
      expect(skeletonOf(message), label).toBeNull();
      await expectSameParse(message, label);
    }
  });

  it('parses the whole message when the parser sees another structure than the skeleton (an over-long delimiter line, no closing delimiter, nested boundaries)', async () => {
    const random = mulberry32(17);
    const cases: Record<string, Buffer> = {
      'never closed': Buffer.from(['Subject: x', 'Content-Type: multipart/mixed; boundary=b', '', '--b', attachment('a.pdf', base64Lines(random, 4000), '\r\n'), '--b', 'Content-Type: text/plain', '', 'tail'].join('\r\n')),
      // The inner boundary starts with the outer one: the outer delimiter ends the inner part too.
      'prefix boundaries': Buffer.from(
        ['Subject: x', 'Content-Type: multipart/mixed; boundary=b', '', '--b', 'Content-Type: multipart/mixed; boundary=bb', '', '--bb', attachment('a.pdf', base64Lines(random, 4000), '\r\n'), '--b', attachment('c.pdf', base64Lines(random, 4000), '\r\n'), '--bb--', '--b--', ''].join('\r\n'),
      ),
      // A delimiter line with more trailing blanks than a line may hold: the parser reads on past it, so the
      // cut part is text of the part before.
      'over-long delimiter line': Buffer.from(
        ['Subject: x', 'Content-Type: multipart/mixed; boundary=b', '', '--b', 'Content-Type: text/plain', '', 'hi', `--b${' '.repeat(1200)}`, attachment('a.pdf', base64Lines(random, 4000), '\r\n'), '--b--', ''].join('\r\n'),
      ),
      // A hostile attachment that decodes to something shaped like a marker.
      'fake marker': Buffer.from(
        ['Subject: x', 'Content-Type: multipart/mixed; boundary=b', '', '--b', attachment('m.pdf', Buffer.from('homing-skeleton-000000000000000000000000-1').toString('base64'), '\r\n'), '--b', attachment('a.pdf', base64Lines(random, 4000), '\r\n'), '--b--', ''].join('\r\n'),
      ),
    };
    for (const [label, message] of Object.entries(cases)) await expectSameParse(message, label);
  });

  it('empties the HTML alternative of a message that has plain text, for the same text, snippet and attachments', async () => {
    const random = mulberry32(23);
    const words = Array.from({ length: 400 }, (_, i) => `word${i}`).join(' ');
    const alternative = (plain: string, htmlFields: string[] = ['Content-Type: text/html; charset=utf-8']) =>
      [
        'Content-Type: multipart/alternative; boundary="alt"',
        '',
        '--alt',
        'Content-Type: text/plain; charset=utf-8',
        '',
        plain,
        '--alt',
        ...htmlFields,
        '',
        `<html><body><p>${words}</p><p>only in the html</p></body></html>`,
        '--alt--',
      ].join('\r\n');
    const message = (body: string) => Buffer.from(['From: a@example.org', 'Subject: news', body, ''].join('\r\n'));

    const plain = message(alternative(`Plain ${words}`));
    const skeleton = skeletonOf(plain);
    expect(skeleton?.htmlCut).toBe(true);
    expect(skeleton!.bytes.toString()).not.toContain('only in the html');
    const parsed = await cut(plain);
    expect(parsed.html).toBeNull();
    expect(parsed.text).toBe(`Plain ${words}`);
    await expectSameParse(plain, 'alternative');

    // With an attachment beside it: both cut, and the attachment's size still exact.
    const mixed = message(
      ['Content-Type: multipart/mixed; boundary="mix"', '', '--mix', alternative(`Plain ${words}`), '--mix', attachment('a.pdf', base64Lines(random, 5000), '\r\n'), '--mix--'].join('\r\n'),
    );
    expect(skeletonOf(mixed)?.htmlCut).toBe(true);
    expect((await cut(mixed)).attachments.map((a) => a.size)).toEqual([5000]);
    await expectSameParse(mixed, 'mixed');

    // Blank plain text: the HTML is the text after all, so the message is parsed whole.
    const blank = message(alternative('  \r\n'));
    expect(skeletonOf(blank)?.htmlCut).toBe(true);
    const fromHtml = await cut(blank);
    expect(fromHtml.text).toContain('only in the html');
    expect(fromHtml.html).toContain('only in the html');
    await expectSameParse(blank, 'blank plain text');

    // An HTML part with a disposition is the parser's to judge (it may be an attachment): left alone.
    expect(skeletonOf(message(alternative(`Plain ${words}`, ['Content-Type: text/html', 'Content-Disposition: attachment; filename="page.html"'])))).toBeNull();
    // No plain text beside it: nothing to index instead.
    expect(skeletonOf(message(alternative(`Plain ${words}`).replace('Content-Type: text/plain; charset=utf-8', 'Content-Type: text/calendar')))).toBeNull();
  });

  it('gives the same parse as the whole message for 400 random MIME trees, some of them broken', async () => {
    const random = mulberry32(20261126);
    const pick = <T,>(list: T[]) => list[Math.floor(random() * list.length)]!;
    let cutCount = 0;
    let htmlCutCount = 0;
    let id = 0;
    const tree = (depth: number, eol: string): string => {
      const kind = depth < 3 ? random() : 1;
      if (kind < 0.35) {
        const boundary = `bnd${id++}${pick(['', '_=', ' x', "'()+,-./:=?"])}`;
        const subtype = pick(['mixed', 'alternative', 'related']);
        const children = Array.from({ length: 1 + Math.floor(random() * 4) }, () => tree(depth + 1, eol));
        // Mostly the usual alternative: plain text, then HTML (then whatever else was drawn).
        if (subtype === 'alternative' && random() < 0.7) children.unshift(leaf(0.6, eol), leaf(0.75, eol));
        const trailing = pick(['', ' ', '\t ']);
        const closed = random() < 0.95;
        return [
          `Content-Type: multipart/${subtype}; boundary="${boundary}"`,
          '',
          ...(random() < 0.3 ? ['This is a preamble.'] : []),
          ...children.flatMap((c) => [`--${boundary}${trailing}`, c]),
          ...(closed ? [`--${boundary}--`] : []),
          ...(random() < 0.3 ? ['epilogue'] : []),
        ].join(eol);
      }
      if (kind < 0.45 && depth < 3) return ['Content-Type: message/rfc822', '', 'Subject: inner', 'From: x@example.org', tree(depth + 1, eol)].join(eol);
      return leaf(kind, eol);
    };
    const leaf = (kind: number, eol: string): string => {
      if (kind < 0.65) return ['Content-Type: text/plain; charset=utf-8', '', `words ${id++} grüße`, random() < 0.1 ? '--bnd0' : 'more words'].join(eol);
      if (kind < 0.72) return ['Content-Type: text/html; charset=utf-8', 'Content-Transfer-Encoding: base64', '', base64Lines(random, 100 + Math.floor(random() * 5000), 76, eol)].join(eol);
      if (kind < 0.8) return ['Content-Type: text/html; charset=utf-8', '', `<p>html ${id++}</p>`.repeat(1 + Math.floor(random() * 400)), random() < 0.1 ? '--bnd0' : '<p>end</p>'].join(eol);
      let body = base64Lines(random, Math.floor(random() * 12_000), pick([64, 76, 200]), eol);
      if (random() < 0.1) body = body.replace(/A/, pick(['-', '!', ' ', '*']));
      if (random() < 0.05) body = `${body}${eol}--bnd1--`;
      return attachment(`f${id++}.bin`, body, eol, pick(['application/octet-stream', 'image/jpeg', 'application/pdf', 'audio/mpeg']), random() < 0.3 ? `Content-ID: <c${id}@x>` : '');
    };
    for (let i = 0; i < 400; i++) {
      const eol = random() < 0.8 ? '\r\n' : '\n';
      const message = Buffer.from(['From: Sender <s@example.org>', `Subject: random ${i}`, 'MIME-Version: 1.0', tree(0, eol), ''].join(eol));
      const skeleton = skeletonOf(message);
      if (skeleton) cutCount++;
      if (skeleton?.htmlCut) htmlCutCount++;
      await expectSameParse(message, `random message ${i}`);
    }
    // The property is only worth something if many of them were actually cut.
    expect(cutCount).toBeGreaterThan(80);
    expect(htmlCutCount).toBeGreaterThan(30);
  });

  it('gives the same parse as the whole message for every fixture and hostile message', async () => {
    const dirs = ['../../../fixtures/mime', '../../../fixtures/hostile/mime'].map((d) => join(import.meta.dirname, d));
    let checked = 0;
    for (const dir of dirs) {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (!statSync(path).isFile() || !name.endsWith('.eml')) continue;
        await expectSameParse(readFileSync(path), name);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(20);
  });
});
