/** A piece of a search fragment: plain text or a match. */
export interface HighlightPart {
  text: string;
  match: boolean;
}

/**
 * Splits a fragment from `search` (matches between `\u0002` and `\u0003`, as FTS5's highlight() writes
 * them) into parts the list renders as text and <mark>: never as HTML, so a fragment of mail stays text.
 */
export function highlightParts(fragment: string): HighlightPart[] {
  const parts: HighlightPart[] = [];
  let match = false;
  let text = '';
  for (const char of fragment) {
    if (char === '\u0002' || char === '\u0003') {
      if (text) parts.push({ text, match });
      text = '';
      match = char === '\u0002';
    } else {
      text += char;
    }
  }
  if (text) parts.push({ text, match });
  return parts;
}

/** The fragment without markers (for titles and screen readers). */
export function stripHighlights(fragment: string): string {
  // eslint-disable-next-line no-control-regex -- the markers are control characters by design
  return fragment.replace(/[\u0002\u0003]/g, '');
}
