import { subjectKey } from '../mime/subject-key';

/**
 * Stored sort keys are cut to this many characters: enough to order any real list (ties fall back to the
 * date), and short enough for the index and for a keyset cursor that carries one.
 */
export const SORT_KEY_LENGTH = 80;

/** Case, accents and spacing folded, so "émile" sorts with "Emile" and "bob" with "Bob". */
function fold(text: string): string {
  return [...text.normalize('NFKD').replace(/\p{M}+/gu, '').toLowerCase().replace(/\s+/g, ' ').trim()].slice(0, SORT_KEY_LENGTH).join('');
}

/** The sender as the list shows it (the name, else the address), folded; leading quotes and punctuation do not count. */
export function senderSortKey(name: string | null, address: string | null): string {
  return fold((name?.trim() || address || '').replace(/^[^\p{L}\p{N}]+/u, ''));
}

/**
 * The recipients as a row in Sent or Drafts shows them ("To: Ines Park, Carol": each one's name, else its
 * address, in the header's order), folded like the sender: that folder's "Sender" order sorts by them,
 * since every sender there is the user.
 */
export function recipientSortKey(to: ReadonlyArray<{ name?: string | null; address?: string | null }>): string {
  return fold(to.map((a) => (a.name?.trim() || a.address || '').replace(/^[^\p{L}\p{N}]+/u, '')).join(', '));
}

/** The subject without reply and forward prefixes or list tags (as threads match it), folded. */
export function subjectSortKey(subject: string): string {
  return fold(subjectKey(subject));
}
