import { describe, expect, it } from 'vitest';
import { chunks, uidChunks, uidSet } from '../../../../../electron/protocols/imap/uid-set';

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
  it('splits UIDs into pieces whose set is at most so long, each as long as it can be', () => {
    expect(uidChunks([5, 1, 2, 3, 9], (u) => u, 3)).toEqual([[1, 2, 3], [5, 9]]);
    expect(uidChunks([{ uid: 12345 }], (i) => i.uid, 2)).toEqual([[{ uid: 12345 }]]);
    expect(uidChunks([], (u: number) => u, 10)).toEqual([]);
    // Random lists (runs, gaps, repeats): every UID once, each piece's set within the bound, and the
    // next piece's first UID would not have fitted (so no more commands than needed).
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    for (let round = 0; round < 500; round++) {
      const uids: number[] = [];
      let uid = 1 + Math.floor(random() * 100_000);
      for (let i = Math.floor(random() * 300); i > 0; i--) {
        uid += random() < 0.5 ? 1 : random() < 0.1 ? 0 : Math.floor(random() * 1000);
        uids.push(uid);
      }
      const max = 5 + Math.floor(random() * 200);
      const pieces = uidChunks(uids, (u) => u, max);
      expect(pieces.flat()).toEqual([...uids].sort((a, b) => a - b));
      for (const piece of pieces) expect(uidSet(piece).length).toBeLessThanOrEqual(max);
      for (let i = 0; i + 1 < pieces.length; i++) expect(uidSet([...pieces[i]!, pieces[i + 1]![0]!]).length).toBeGreaterThan(max);
    }
  });
});
