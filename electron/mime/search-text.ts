/**
 * CJK scripts write words without spaces, so unicode61 would index a whole sentence as one token. Each
 * CJK character becomes its own token by putting U+200B (a format character, which unicode61 treats as
 * a separator) around it, at index time and at query time; a CJK query word is then searched as a
 * phrase of single characters. The marker is removed again from highlights.
 */
const CJK_RUN = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\u30fc\u3005]+/gu;
export const CJK_SEPARATOR = '\u200b';

export function splitCjk(text: string): string {
  return text.replace(CJK_RUN, (run) => CJK_SEPARATOR + [...run].join(CJK_SEPARATOR) + CJK_SEPARATOR);
}

export function hasCjk(text: string): boolean {
  CJK_RUN.lastIndex = 0;
  return CJK_RUN.test(text);
}

export function unsplitCjk(text: string): string {
  return text.replaceAll(CJK_SEPARATOR, '');
}
