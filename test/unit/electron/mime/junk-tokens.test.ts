import { describe, expect, it } from 'vitest';
import { junkTokens, type JunkInput } from '../../../../electron/mime/junk-tokens';
import { seededRandom } from '../../../helpers/seeded-random';

/**
 * The classifier's counts were learnt from the words junkTokens gave, so reading them faster must give the
 * same words. The reference is the word pattern itself, as the tokens were first read.
 */
const WORD = /[\p{L}\p{N}][\p{L}\p{N}'$€£.,-]*[\p{L}\p{N}$€£]|[\p{L}\p{N}$€£]/gu;
const NUMBER = /^[\d$€£.,-]+$/;

function referenceWords(text: string): string[] {
  const out: string[] = [];
  for (const match of text.toLowerCase().matchAll(WORD)) {
    const word = match[0];
    if (NUMBER.test(word)) out.push(`num:${word.replace(/\d/g, '9').slice(0, 12)}`);
    else if (word.length >= 3 && word.length <= 20) out.push(word);
  }
  return out;
}

/** Letters, digits, the characters allowed inside a word, separators, and what is beyond ASCII: accents, other scripts, astral letters and digits, lone surrogates, case that changes length. */
const PIECES = [
  'a', 'Z', 'é', 'É', 'ß', 'İ', 'ǅ', 'ж', '東', '٣', '5', '0', "'", '$', '€', '£', '.', ',', '-', ' ', '\n', '_', '/', '!', '"', '’', '—',
  '\u0301', '\u00a0', '𝐀', '𝟗', '\ud800', '\udc00', 'ﬁ', 'Ⅻ', 'word', 'Invoice', '1,000', '$2.50', 'e-mail', "o'brien", 'x'.repeat(19), 'y'.repeat(21),
];

describe('junk tokens', () => {
  it('reads the words the word pattern reads, on random text', () => {
    const rng = seededRandom(2323);
    for (let i = 0; i < 3000; i++) {
      const text = Array.from({ length: rng.int(0, 40) }, () => rng.pick(PIECES)).join('');
      const input: JunkInput = { subject: '', fromAddress: null, fromName: null, body: text, attachments: [], headers: new Map() };
      expect(junkTokens(input), JSON.stringify(text)).toEqual([...new Set(referenceWords(text))].slice(0, 1000));
    }
  });

  it('prefixes subject and sender-name words and keeps the other facts', () => {
    const tokens = junkTokens({
      subject: 'Cheap PILLS, $1,000!',
      fromAddress: 'Sales@Mail.Example.COM',
      fromName: 'Best Deals',
      body: 'Visit https://www.shop.example/buy now. Naïve café-owners pay €50.',
      attachments: ['offer.PDF'],
      headers: new Map([['x-mailer', ['Bulk/2.0']], ['content-type', ['text/html; charset=utf-8']]]),
    });
    expect(tokens).toEqual([
      's:cheap', 's:pills', 's:num:$', 's:num:9,999', 'from:sales@mail.example.com', 'fromdomain:mail.example.com', 'fromdomain:example.com',
      'fromname:best', 'fromname:deals', 'url:www.shop.example', 'url:shop.example', 'visit', 'now', 'naïve', 'café-owners', 'pay', 'num:€', 'num:99',
      'attach:pdf', 'mailer:bulk', 'type:text/html',
    ]);
  });
});
