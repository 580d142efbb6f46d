import { describe, expect, it } from 'vitest';
import { decodeModifiedUtf7, encodeModifiedUtf7 } from '../../../shared/modified-utf7';
import { keywordForTag } from '../../../shared/tag-keywords';
import { keywordsForTag, tagName } from '../../../shared/tags';

describe('tag names and the IMAP keywords that store them', () => {
  it('a standard tag by any spelling of its name is its keyword; another name is written as Thunderbird writes it', () => {
    expect(keywordForTag('Work')).toEqual({ ok: true, keyword: '$label2' });
    expect(keywordForTag(' to do ')).toEqual({ ok: true, keyword: '$label4' });
    expect(keywordForTag('$LABEL1')).toEqual({ ok: true, keyword: '$label1' });
    expect(keywordForTag('Receipts')).toEqual({ ok: true, keyword: 'Receipts' });
    expect(keywordForTag('Urgent now')).toEqual({ ok: true, keyword: 'Urgent_now' });
    expect(keywordForTag('Büro')).toEqual({ ok: true, keyword: 'B&APw-ro' });
    expect(keywordForTag('R&D')).toEqual({ ok: true, keyword: 'R&-D' });
    for (const bad of ['a(b)', 'x*', '\\Seen', '  ', '--', 'x'.repeat(101)]) expect(keywordForTag(bad).ok, bad).toBe(false);
  });

  it('shows each keyword by the name it was given, and tag:NAME finds it', () => {
    for (const name of ['Büro', 'Urgent now', 'R&D', '日本語 メモ']) {
      const made = keywordForTag(name);
      expect(made.ok).toBe(true);
      const keyword = (made as { keyword: string }).keyword;
      expect(tagName(keyword)).toBe(name);
      expect(keywordsForTag(name)).toContain(keyword);
    }
    expect(tagName('$label4')).toBe('To Do');
    expect(decodeModifiedUtf7(encodeModifiedUtf7('Grüße & 😀'))).toBe('Grüße & 😀');
    // Not modified UTF-7 after all: shown as it is.
    expect(decodeModifiedUtf7('A&B')).toBe('A&B');
  });
});
