import { describe, expect, it } from 'vitest';
import { parseSearchQuery, parseSize, type QueryNode } from '../../../../electron/store/search-query';

const word = (text: string, column: string | null = null, prefix = false): QueryNode => ({ kind: 'text', column, text, prefix } as QueryNode);
const parse = (query: string) => parseSearchQuery(query);

describe('the search language as a tree', () => {
  it('reads words, phrases, prefixes and operators side by side as AND', () => {
    expect(parse('hello')).toEqual(word('hello'));
    expect(parse('from:alice "quarterly report" zepp*')).toEqual({
      kind: 'and',
      nodes: [word('alice', 'sender'), word('quarterly report'), word('zepp', null, true)],
    });
    expect(parse('has:attachment is:unread after:2024-01-01')).toEqual({
      kind: 'and',
      nodes: [
        { kind: 'flag', flag: 'attachment', value: true },
        { kind: 'flag', flag: 'seen', value: false },
        { kind: 'date', bound: 'after', time: new Date(2024, 0, 1).getTime() },
      ],
    });
  });

  it('reads OR below AND, parentheses, and both spellings of NOT', () => {
    expect(parse('a b OR c')).toEqual({ kind: 'or', nodes: [{ kind: 'and', nodes: [word('a'), word('b')] }, word('c')] });
    expect(parse('a (b OR c)')).toEqual({ kind: 'and', nodes: [word('a'), { kind: 'or', nodes: [word('b'), word('c')] }] });
    expect(parse('a AND b')).toEqual({ kind: 'and', nodes: [word('a'), word('b')] });
    expect(parse('-a')).toEqual({ kind: 'not', node: word('a') });
    expect(parse('NOT a')).toEqual({ kind: 'not', node: word('a') });
    expect(parse('x -(a OR b)')).toEqual({ kind: 'and', nodes: [word('x'), { kind: 'not', node: { kind: 'or', nodes: [word('a'), word('b')] } }] });
    expect(parse('((a OR b) c)')).toEqual({ kind: 'and', nodes: [{ kind: 'or', nodes: [word('a'), word('b')] }, word('c')] });
    expect(parse('("a b" OR c)')).toEqual({ kind: 'or', nodes: [word('a b'), word('c')] });
    expect(parse('-is:unread')).toEqual({ kind: 'not', node: { kind: 'flag', flag: 'seen', value: false } });
  });

  it('takes lower-case or, quoted operators and stray parentheses as words', () => {
    expect(parse('this or that')).toEqual({ kind: 'and', nodes: [word('this'), word('or'), word('that')] });
    expect(parse('"OR"')).toEqual(word('OR'));
    expect(parse('smile :)')).toEqual(word('smile'));
    expect(parse('(see attached)')).toEqual({ kind: 'and', nodes: [word('see'), word('attached')] });
    expect(parse('https://example.org/x')).toEqual(word('https://example.org/x'));
    expect(parse('"frobnicate:yes"')).toEqual(word('frobnicate:yes'));
  });

  it('reads sizes in bytes, K, M and G (1,024s)', () => {
    expect(parse('larger:1M')).toEqual({ kind: 'size', bound: 'larger', bytes: 1048576 });
    expect(parse('smaller:10K')).toEqual({ kind: 'size', bound: 'smaller', bytes: 10240 });
    expect(parseSize('1.5MB')).toBe(1572864);
    expect(parseSize('500')).toBe(500);
    expect(parseSize('2g')).toBe(2 * 1024 ** 3);
    for (const bad of ['', 'M', '>1M', '1T', '-1K', '1 0K']) expect(parseSize(bad), bad).toBeNull();
  });

  it('keeps several in: side by side as alternatives (a message is in one folder)', () => {
    expect(parse('zeppelin in:inbox in:archive')).toEqual({
      kind: 'and',
      nodes: [word('zeppelin'), { kind: 'or', nodes: [{ kind: 'folder', name: 'inbox' }, { kind: 'folder', name: 'archive' }] }],
    });
  });

  it.each([
    ['frobnicate:yes', /“frobnicate:” is not a search operator/],
    ['size:>1M', /For sizes, write larger:1M or smaller:10K/],
    ['a OR', /OR needs a search term on each side/],
    ['OR a', /OR needs a search term on each side/],
    ['a OR OR b', /OR needs a search term on each side/],
    ['AND a', /AND needs a search term on each side/],
    ['a NOT', /NOT needs a word/],
    ['(a OR b', /has no matching/],
    ['larger:big', /larger:big is not a size/],
    ['before:soon', /before:soon is not a date/],
    ['is:nice', /is:nice is not known/],
    ['...', /no words to look for/],
    ['', /Type something/],
    ['('.repeat(40) + 'a', /nests too deeply/],
  ])('refuses %j with a message that says what to do', (query, message) => {
    expect(() => parse(query)).toThrow(expect.objectContaining({ code: 'INVALID_QUERY', message: expect.stringMatching(message) }));
  });
});
