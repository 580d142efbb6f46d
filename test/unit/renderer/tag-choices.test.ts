import { describe, expect, it } from 'vitest';
import { tagChoices, tagState } from '../../../renderer/mail/tag-choices';

describe('the tags the menu and keys 1–9 offer', () => {
  it('lists the standard tags first, in Thunderbird’s order, then the user’s own by use', () => {
    const choices = tagChoices([
      { keyword: 'receipts', name: 'receipts', count: 3 },
      { keyword: '$label2', name: 'Work', count: 40 },
      { keyword: 'family', name: 'family', count: 9 },
    ]);
    expect(choices.map((c) => c.name)).toEqual(['Important', 'Work', 'Personal', 'To Do', 'Later', 'family', 'receipts']);
    expect(choices[1]).toEqual({ name: 'Work', keyword: '$label2' });
  });

  it('says whether every message has a tag, some do, or none (any case)', () => {
    expect(tagState([['$Label1'], ['$label1', '\\Seen']], '$label1')).toBe(true);
    expect(tagState([['$label1'], []], '$label1')).toBe('mixed');
    expect(tagState([[], ['work']], '$label1')).toBe(false);
  });
});
