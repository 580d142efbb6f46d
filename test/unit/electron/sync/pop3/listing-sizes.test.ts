import { describe, expect, it } from 'vitest';
import { ListingSizes } from '../../../../../electron/sync/pop3/listing-sizes';

describe('ListingSizes', () => {
  it('keeps a size per message number, growing with the listing', () => {
    const sizes = new ListingSizes();
    for (let msgno = 1; msgno <= 5000; msgno++) sizes.set(msgno, msgno * 10);
    expect(sizes.get(1)).toBe(10);
    expect(sizes.get(5000)).toBe(50_000);
    expect(sizes.get(5001)).toBeUndefined();
    expect(sizes.get(0)).toBeUndefined();
    expect(sizes.entries()).toHaveLength(5000);
  });

  it('keeps a number far past the count aside instead of growing to it, and lists it last', () => {
    const sizes = new ListingSizes();
    sizes.set(2, 20);
    sizes.set(4_000_000_000, 7);
    sizes.set(1, 10);
    expect(sizes.get(4_000_000_000)).toBe(7);
    expect(sizes.entries()).toEqual([
      { msgno: 1, size: 10 },
      { msgno: 2, size: 20 },
      { msgno: 4_000_000_000, size: 7 },
    ]);
  });
});
