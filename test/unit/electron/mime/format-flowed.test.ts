import libmime from 'libmime';
import { describe, expect, it } from 'vitest';
import { encodeFlowed, FLOWED_WIDTH } from '../../../../electron/mime/format-flowed';
import { seededRandom } from '../../../helpers/seeded-random';

/**
 * The decoder is libmime's (what mailparser, and so Homing's own reader, runs on format=flowed parts): an
 * implementation we did not write, so a round trip proves the encoder against someone else's reading of
 * RFC 3676 rather than against our own.
 */
const decode = (wire: string) => (libmime as unknown as { decodeFlowed(s: string, delSp?: boolean): string }).decodeFlowed(wire, false);
const lines = (wire: string) => wire.split('\r\n');

describe('format=flowed encoder (RFC 3676)', () => {
  it('wraps long lines at spaces, each soft break ending with a space, within 72 characters', () => {
    const text = 'The quarterly report is attached. Please read the summary on page two before Thursday’s meeting, and send comments to Ann.';
    const wire = encodeFlowed(text);
    expect(lines(wire).length).toBeGreaterThan(1);
    for (const line of lines(wire).slice(0, -1)) {
      expect(line.endsWith(' ')).toBe(true);
      expect(line.length).toBeLessThanOrEqual(FLOWED_WIDTH);
    }
    expect(lines(wire).at(-1)!.endsWith(' ')).toBe(false);
    expect(decode(wire)).toBe(text);
  });

  it('removes trailing spaces of lines the user ended (else they would join the next one)', () => {
    const wire = encodeFlowed('Line one   \nLine two');
    expect(wire).toBe('Line one\r\nLine two');
    expect(decode(wire)).toBe('Line one\nLine two');
  });

  it('space-stuffs lines starting with a space or "From " (§4.4)', () => {
    const text = ' indented\nFrom here on\nFromage';
    const wire = encodeFlowed(text);
    expect(lines(wire)).toEqual(['  indented', ' From here on', 'Fromage']);
    expect(decode(wire)).toBe(text);
  });

  it('keeps the quote depth on every piece of a quoted line, with one stuffing space (§4.5)', () => {
    const text = `> ${'quoted words '.repeat(12).trim()}\n>> ${'deeper words '.repeat(10).trim()}\n>\n> after an empty quoted line`;
    const wire = encodeFlowed(text);
    for (const line of lines(wire)) {
      if (line.startsWith('>>')) expect(line).toMatch(/^>> \S/);
      else if (line !== '>') expect(line).toMatch(/^> \S/);
    }
    expect(lines(wire).filter((l) => l.startsWith('>> ')).length).toBeGreaterThan(1);
    expect(decode(wire)).toBe(text);
  });

  it('reads nested quotes written "> > " (html-to-text) as depth 2', () => {
    expect(encodeFlowed('> > nested')).toBe('>> nested');
  });

  it('never flows the signature separator "-- " (§4.3), quoted or not', () => {
    const text = 'Best regards,\n-- \nAnn Example\nExample Ltd\n\n> old text\n> -- \n> Bob';
    const wire = encodeFlowed(text);
    expect(lines(wire)).toContain('-- ');
    expect(lines(wire)).toContain('> -- ');
    expect(decode(wire)).toBe(text);
  });

  it('leaves a word longer than the width whole (no DelSp)', () => {
    const url = `https://example.org/${'x'.repeat(120)}`;
    const wire = encodeFlowed(`see ${url} now`);
    expect(lines(wire)).toEqual(['see ', url + ' ', 'now']);
    expect(decode(wire)).toBe(`see ${url} now`);
  });

  it('keeps runs of spaces inside a line across a soft break', () => {
    const text = `${'a'.repeat(70)}   ${'b'.repeat(10)}`;
    expect(decode(encodeFlowed(text))).toBe(text);
  });

  it('decodes to the typed text for 500 random messages (property)', () => {
    const r = seededRandom(3676);
    const words = ['Hello', 'Zoë', 'report', 'déjà', '会議', 'From', '--', 'x', 'a-very-long-word-that-goes-on-and-on-and-on-without-any-space-at-all-really', ''];
    for (let n = 0; n < 500; n++) {
      const typed: string[] = [];
      for (let l = r.int(1, 12); l > 0; l--) {
        const depth = r.next() < 0.3 ? r.int(1, 3) : 0;
        const wordsInLine = Array.from({ length: r.int(0, 40) }, () => r.pick(words)).join(r.pick([' ', ' ', '  ']));
        const content = r.next() < 0.05 ? '-- ' : wordsInLine.replace(/ +$/, '');
        typed.push(depth > 0 ? `${'>'.repeat(depth)}${content ? ` ${content}` : ''}` : content.replace(/^>/, ''));
      }
      // libmime drops an empty last line (a body's final line break), which says nothing about flowing.
      if (typed.at(-1) === '') typed.push('end');
      const text = typed.join('\n');
      const wire = encodeFlowed(text);
      expect(decode(wire), JSON.stringify(text)).toBe(text);
      // A soft-broken line fits the width unless it is one word too long to cut (or "-- " and such a word).
      for (const line of lines(wire)) {
        if (!line.endsWith(' ') || /^>* ?-- $/.test(line)) continue;
        if (line.length > FLOWED_WIDTH) expect(line.replace(/^>* ?/, '').replace(/^-- /, '').trim()).not.toContain(' ');
      }
    }
  });
});
