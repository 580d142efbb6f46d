import type { SearchHighlight } from '../../shared/contract/messages';

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

/**
 * The fragment a result row's preview line shows: where the words matched in the text (body first,
 * then attachment names, then recipients and sender). The subject is on its own line, marked there; the
 * sender's address is the last resort, never in place of a match in the text.
 */
export function previewHighlight(highlights: readonly SearchHighlight[] | null): string | null {
  if (!highlights) return null;
  for (const field of ['body', 'attachments', 'to', 'from'] as const) {
    const found = highlights.find((h) => h.field === field);
    if (found) return found.text;
  }
  return null;
}

/** The subject with its matches marked, when the subject matched. */
export function subjectHighlight(highlights: readonly SearchHighlight[] | null): string | null {
  return highlights?.find((h) => h.field === 'subject')?.text ?? null;
}
