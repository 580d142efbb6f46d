import { describe, expect, it } from 'vitest';
import { chunks, uidSet } from '../../../../../electron/protocols/imap/uid-set';

describe('uidSet', () => {
  it('collapses runs and sorts (RFC 3501 sequence-set)', () => {
    expect(uidSet([9, 1, 2, 3, 5, 12, 13, 14, 4])).toBe('1:5,9,12:14');
    expect(uidSet([7])).toBe('7');
    expect(uidSet([])).toBe('');
  });
  it('splits lists into bounded pieces', () => {
    expect(chunks([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(chunks([], 3)).toEqual([]);
  });
});
