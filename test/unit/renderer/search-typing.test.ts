import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SEARCH_DELAY_MS, searchTyping } from '../../../renderer/mail/search-typing';

describe('search as you type', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  const setup = () => {
    const calls: string[] = [];
    const typing = searchTyping(
      (query) => calls.push(`search ${query}`),
      () => calls.push('clear'),
    );
    return { typing, calls };
  };

  it('searches once typing pauses, for what was typed last, not letter by letter', () => {
    const { typing, calls } = setup();
    for (const text of ['i', 'in', 'inv', 'invo']) {
      typing.typed(text);
      vi.advanceTimersByTime(SEARCH_DELAY_MS - 1);
    }
    expect(calls).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(calls).toEqual(['search invo']);
  });

  it('searches at once on Enter, and the pending search does not follow', () => {
    const { typing, calls } = setup();
    typing.typed('invo');
    typing.submit(' invoice ');
    vi.advanceTimersByTime(SEARCH_DELAY_MS * 2);
    expect(calls).toEqual(['search invoice']);
  });

  it('leaves search when the field is emptied, and forgets a search cancelled before it started', () => {
    const { typing, calls } = setup();
    typing.typed('x');
    typing.cancel();
    vi.advanceTimersByTime(SEARCH_DELAY_MS * 2);
    typing.typed('   ');
    vi.advanceTimersByTime(SEARCH_DELAY_MS);
    expect(calls).toEqual(['clear']);
  });
});
