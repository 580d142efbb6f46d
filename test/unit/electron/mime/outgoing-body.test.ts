import libmime from 'libmime';
import { describe, expect, it } from 'vitest';
import { htmlToPlainAlternative, inlineCss, prepareOutgoingBody } from '../../../../electron/mime/outgoing-body';

const decodeFlowed = (wire: string) => (libmime as unknown as { decodeFlowed(s: string, delSp?: boolean): string }).decodeFlowed(wire, false);

/** What the composer hands over: Squire's markup (div blocks, <div><br></div> for an empty line) over a quote. */
const composed =
  '<div>Hello Ann,</div><div><br></div>' +
  '<div>The figures are in <a href="https://example.org/q3">the Q3 report</a>; the old link https://example.org/q2 still works.</div>' +
  '<div><br></div><div>Bob</div><div><br></div>' +
  '<div>On 3 March 2025, Ann Example &lt;ann@example.org&gt; wrote:</div>' +
  '<blockquote type="cite" class="homing-quote-1">' +
  '<style>.homing-quote-1 .note { color: #a00; font-weight: bold } @media (max-width: 480px) { .homing-quote-1 .note { font-size: 18px } }</style>' +
  '<div class="note">Could you send the quarterly figures before the board meeting on Thursday? The auditors asked twice.</div>' +
  '<blockquote><div>Earlier: yes</div></blockquote></blockquote>';

describe('the body of outgoing mail (prepareOutgoingBody)', () => {
  it('sends plain-text mail format=flowed', () => {
    const body = prepareOutgoingBody({ text: 'Hi,\n\nsee you at 10.\n-- \nBob', html: null });
    expect(body.html).toBeNull();
    expect(body.textContentType).toBe('text/plain; charset=utf-8; format=flowed');
    expect(decodeFlowed(body.text)).toBe('Hi,\n\nsee you at 10.\n-- \nBob');
  });

  it('inlines the CSS of HTML mail and keeps media queries in a <style>', () => {
    const body = prepareOutgoingBody({ text: 'ignored', html: composed });
    const html = body.html!;
    expect(html).toMatch(/^<!DOCTYPE html>/);
    expect(html).toContain('<meta http-equiv="Content-Type" content="text/html; charset=utf-8">');
    expect(html).toMatch(/<div class="note" style="color: #a00; font-weight: bold;">/);
    // The rule applied inline is gone from the style block; the media query stays for clients that read it.
    expect(html).not.toMatch(/\.homing-quote-1 \.note \{\s*color/);
    expect(html).toMatch(/@media \(max-width: 480px\)/);
  });

  it('keeps the composer’s blocks: <div> per line, <div><br></div> for an empty line', () => {
    const html = prepareOutgoingBody({ text: '', html: composed }).html!;
    expect(html).toContain('<div>Hello Ann,</div><div><br></div><div>The figures');
  });

  it('makes the text/plain alternative from the HTML: one empty line per empty block, link URLs shown, quotes as "> "', () => {
    const plain = htmlToPlainAlternative(composed);
    expect(plain).toBe(
      [
        'Hello Ann,',
        '',
        'The figures are in the Q3 report [https://example.org/q3]; the old link https://example.org/q2 still works.',
        '',
        'Bob',
        '',
        'On 3 March 2025, Ann Example <ann@example.org> wrote:',
        '> Could you send the quarterly figures before the board meeting on Thursday? The auditors asked twice.',
        '> > Earlier: yes',
      ].join('\n'),
    );
  });

  it('keeps the signature separator "-- " of the signature block (a bare "--" would not start a signature)', () => {
    const signed = '<div>Thanks</div><div><br></div><div class="homing-signature"><div>-- </div><div>Bob</div></div><div>--&nbsp;</div><div>x -- </div>';
    expect(htmlToPlainAlternative(signed)).toBe('Thanks\n\n-- \nBob\n-- \nx --');
    expect(decodeFlowed(prepareOutgoingBody({ text: '', html: signed }).text)).toBe('Thanks\n\n-- \nBob\n-- \nx --');
  });

  it('sends that alternative flowed, wrapped at 72 with the quote markers on every piece', () => {
    const body = prepareOutgoingBody({ text: '', html: composed });
    const lines = body.text.split('\r\n');
    expect(Math.max(...lines.filter((l) => l.endsWith(' ')).map((l) => l.length))).toBeLessThanOrEqual(72);
    expect(lines.filter((l) => l.startsWith('> Could') || l.startsWith('> meeting') || /^> \w/.test(l)).length).toBeGreaterThan(1);
    expect(lines).toContain('>> Earlier: yes');
    expect(decodeFlowed(body.text)).toContain('> Could you send the quarterly figures before the board meeting on Thursday? The auditors asked twice.');
  });

  it('leaves HTML without a <style> and a complete document as they are', () => {
    expect(inlineCss('<div style="color:red">x</div>')).toBe('<div style="color:red">x</div>');
    const whole = '<!doctype html><html><head><title>t</title></head><body><p>x</p></body></html>';
    expect(prepareOutgoingBody({ text: '', html: whole }).html).toBe(whole);
  });

  it('keeps cid: images for multipart/related and says nothing of them in the text', () => {
    const body = prepareOutgoingBody({ text: '', html: '<div>Chart:</div><div><img src="cid:chart-1@homing" alt=""></div>' });
    expect(body.html).toContain('src="cid:chart-1@homing"');
    expect(decodeFlowed(body.text)).toBe('Chart:');
  });
});
