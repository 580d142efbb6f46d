import { describe, expect, it } from 'vitest';
import { diffUids, sortedUids } from '../../../../../electron/sync/imap/ops/expunges';

describe('UID lists of the index phase', () => {
  it('sortedUids: ascending, each once, as 32-bit integers (the largest UID included)', () => {
    expect([...sortedUids([9, 3, 3, 4294967295, 1, 9])]).toEqual([1, 3, 9, 4294967295]);
    expect(sortedUids([]).length).toBe(0);
  });

  it('diffUids: what we lack and what the server lost, both ascending, from one merge', () => {
    const server = sortedUids([1, 2, 5, 7, 8, 20]);
    const known = sortedUids([2, 3, 4, 7, 21, 22]);
    const diff = diffUids(server, known);
    expect([...diff.missingLocally]).toEqual([1, 5, 8, 20]);
    expect(diff.goneFromServer).toEqual([3, 4, 21, 22]);
    expect([...diffUids(server, sortedUids([])).missingLocally]).toEqual([...server]);
    expect(diffUids(sortedUids([]), known).goneFromServer).toEqual([...known]);
    expect(diffUids(server, server)).toEqual({ missingLocally: new Uint32Array(0), goneFromServer: [] });
  });

  it('diffUids agrees with set differences on random lists', () => {
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648);
    for (let round = 0; round < 50; round++) {
      const a = Array.from({ length: next() % 300 }, () => next() % 500);
      const b = Array.from({ length: next() % 300 }, () => next() % 500);
      const diff = diffUids(sortedUids(a), sortedUids(b));
      const sa = new Set(a);
      const sb = new Set(b);
      expect([...diff.missingLocally]).toEqual([...sa].filter((u) => !sb.has(u)).sort((x, y) => x - y));
      expect(diff.goneFromServer).toEqual([...sb].filter((u) => !sa.has(u)).sort((x, y) => x - y));
    }
  });
});
