import { describe, expect, it } from 'vitest';
import { formatAddress, readAddressList, readTypedAddress } from '../../../shared/address-list';
import { parseMailto } from '../../../shared/mailto';

describe('typed address lists', () => {
  it('reads the ways people write addresses, splitting at commas, semicolons and line breaks', () => {
    expect(readAddressList('ann@example.org, Bob Smith <bob@example.org>; "Example, Carla" <carla@example.org>\n<dan@example.org>')).toEqual([
      { raw: 'ann@example.org', name: '', address: 'ann@example.org' },
      { raw: 'Bob Smith <bob@example.org>', name: 'Bob Smith', address: 'bob@example.org' },
      { raw: '"Example, Carla" <carla@example.org>', name: 'Example, Carla', address: 'carla@example.org' },
      { raw: '<dan@example.org>', name: '', address: 'dan@example.org' },
    ]);
  });

  it('keeps quoted names with escapes, and comments as names', () => {
    expect(readTypedAddress('"Ann \\"the boss\\" Example" <ann@example.org>')).toMatchObject({ name: 'Ann "the boss" Example', address: 'ann@example.org' });
    expect(readTypedAddress('ann@example.org (Ann Example)')).toMatchObject({ name: 'Ann Example', address: 'ann@example.org' });
  });

  it('takes international domains and non-ASCII names as written', () => {
    expect(readTypedAddress('Jürgen Müller <jürgen@bücher.example>')).toEqual({
      raw: 'Jürgen Müller <jürgen@bücher.example>',
      name: 'Jürgen Müller',
      address: 'jürgen@bücher.example',
    });
  });

  it('returns what is not an address as typed, never dropping it', () => {
    expect(readAddressList('Müller, Hans <hans@example.org>, ann@, just words')).toEqual([
      { raw: 'Müller', name: '', address: null },
      { raw: 'Hans <hans@example.org>', name: 'Hans', address: 'hans@example.org' },
      { raw: 'ann@', name: '', address: null },
      { raw: 'just words', name: '', address: null },
    ]);
  });

  it('writes a recipient back so that reading it gives the same recipient', () => {
    for (const r of [
      { name: '', address: 'ann@example.org' },
      { name: 'Ann Example', address: 'ann@example.org' },
      { name: 'Example, Ann', address: 'ann@example.org' },
      { name: 'Ann "A" <Boss>', address: 'ann@example.org' },
    ]) {
      const { name, address } = readTypedAddress(formatAddress(r));
      expect({ name, address }).toEqual(r);
    }
  });

  it('reads 500 addresses pasted at once', () => {
    const pasted = Array.from({ length: 500 }, (_, i) => `Person ${i} <p${i}@example.org>`).join(', ');
    const list = readAddressList(pasted);
    expect(list).toHaveLength(500);
    expect(list.every((a) => a.address !== null)).toBe(true);
  });
});

describe('mailto: links (RFC 6068)', () => {
  it('reads recipients, subject and body, percent-decoded as UTF-8', () => {
    expect(parseMailto('mailto:ann@example.org,bob@example.org?cc=carla@example.org&subject=Caf%C3%A9%20tonight&body=Line%201%0D%0ALine%202')).toEqual({
      to: ['ann@example.org', 'bob@example.org'],
      cc: ['carla@example.org'],
      bcc: [],
      subject: 'Café tonight',
      body: 'Line 1\nLine 2',
      inReplyTo: null,
    });
  });

  it('reads to= fields, bcc and in-reply-to, and field names in any case', () => {
    expect(parseMailto('MAILTO:?To=ann@example.org&BCC=x@example.org&In-Reply-To=%3C123@example.org%3E')).toMatchObject({
      to: ['ann@example.org'],
      bcc: ['x@example.org'],
      inReplyTo: '123@example.org',
    });
  });

  it('ignores attach, from and every other field (a link must not pick a file to send)', () => {
    const fields = parseMailto('mailto:ann@example.org?attach=/etc/passwd&attachment=file:///home/u/.ssh/id_rsa&from=boss@example.org&X-Evil=1');
    expect(fields).toEqual({ to: ['ann@example.org'], cc: [], bcc: [], subject: '', body: '', inReplyTo: null });
  });

  it('keeps a subject to one line and a malformed escape as written', () => {
    expect(parseMailto('mailto:a@example.org?subject=Hi%0D%0ABcc:%20x@evil.example&body=100%zz')).toMatchObject({ subject: 'Hi', body: '100%zz' });
  });

  it('refuses what is not a mailto: URI, or one too long to have been clicked', () => {
    expect(parseMailto('https://example.org')).toBeNull();
    expect(parseMailto(`mailto:a@example.org?body=${'x'.repeat(70_000)}`)).toBeNull();
  });
});
