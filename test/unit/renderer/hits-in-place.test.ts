import { describe, expect, it } from 'vitest';
import { HitsInPlace } from '../../../renderer/mail/hits-in-place';

const hit = (id: number, folderId: number) => ({ id, folderId });

describe('HitsInPlace: the hits a search view keeps', () => {
  it('keeps every hit of the first answer, and new hits as they appear', () => {
    const inPlace = new HitsInPlace();
    expect(inPlace.keep([hit(1, 10), hit(2, 20)]).map((h) => h.id)).toEqual([1, 2]);
    expect(inPlace.keep([hit(1, 10), hit(2, 20), hit(3, 10)]).map((h) => h.id)).toEqual([1, 2, 3]);
  });

  it('drops a hit that left its folder (deleted to the Trash, moved), and shows it again once it is back (Undo)', () => {
    const inPlace = new HitsInPlace();
    inPlace.keep([hit(1, 10), hit(2, 10)]);
    expect(inPlace.keep([hit(1, 99), hit(2, 10)]).map((h) => h.id)).toEqual([2]);
    expect(inPlace.keep([hit(1, 99), hit(2, 10)]).map((h) => h.id)).toEqual([2]);
    expect(inPlace.seen(1)).toBe(true);
    expect(inPlace.keep([hit(1, 10), hit(2, 10)]).map((h) => h.id)).toEqual([1, 2]);
    expect(inPlace.seen(3)).toBe(false);
  });

  it('keeps a hit that was in the Trash from the start (a search can be for trashed mail)', () => {
    const inPlace = new HitsInPlace();
    expect(inPlace.keep([hit(5, 99)]).map((h) => h.id)).toEqual([5]);
    expect(inPlace.keep([hit(5, 99)]).map((h) => h.id)).toEqual([5]);
  });
});
