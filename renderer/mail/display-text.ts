import type { Address } from '../../shared/contract/messages';

/**
 * Text from mail as the window shows it: names, subjects, attachment names. A sender chooses every
 * character of them, and some characters lie about what is shown:
 * - bidi embeddings, overrides, isolates and marks reorder what follows (`invoice<RLO>fdp.exe` reads
 *   "invoiceexe.pdf"): they are removed, and each field is rendered in its own isolated element
 *   (`<bdi>` or `dir="auto"`) so right-to-left text still shows correctly without reordering its
 *   neighbours;
 * - CR, LF, tabs and other controls would start new lines in a one-line field (a name that shows a
 *   forged "Bcc:" line): each run of them is one space;
 * - a subject of 20,000 characters fills the reader: fields are capped, with an ellipsis.
 */

// eslint-disable-next-line no-control-regex -- control characters are exactly what this removes
const CONTROLS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g;
/** ALM, LRM, RLM, LRE, RLE, PDF, LRO, RLO, LRI, RLI, FSI, PDI. */
const BIDI_CONTROLS = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** Subjects past this many characters are cut in the list and the reader (the full one is in the source). */
export const SUBJECT_DISPLAY_MAX = 300;
/** Names and attachment names past this many characters are cut. */
export const NAME_DISPLAY_MAX = 160;

/** One line of mail text, safe to show: no bidi controls, controls as spaces, at most `max` characters. */
export function displayText(text: string, max = Infinity): string {
  const clean = text.replace(BIDI_CONTROLS, '').replace(CONTROLS, ' ').replace(/ {2,}/g, ' ').trim();
  return cap(clean, max);
}

/** A piece of a longer line (a search fragment's part): the same cleaning, its spaces left as they are. */
export function fragmentText(text: string): string {
  return text.replace(BIDI_CONTROLS, '').replace(CONTROLS, ' ');
}

function cap(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max - 1;
  // Never keep half of a surrogate pair.
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return `${text.slice(0, end)}…`;
}

/** Something shaped like an address: local part, an at sign (fullwidth ones are folded to it), a dotted domain. */
const ADDRESS_IN_TEXT = /[^\s<>()[\]"',;:@]+@[^\s<>()[\]"',;:@]+\.[^\s<>()[\]"',;:@.]+/g;

/**
 * An address inside the sender's display name that is not the sender's own address, or null. A name
 * like "PayPal <service@paypal.com>" on mail from evil@x.example is shown in the list as the real address
 * with a warning, and the reader says which address the name claims. Compared after NFKC (fullwidth
 * `＠` is `@`), without bidi controls, case-insensitively.
 */
export function claimedAddress(sender: Address | null): string | null {
  if (!sender?.name) return null;
  const name = sender.name.normalize('NFKC').replace(BIDI_CONTROLS, '');
  const own = sender.address.normalize('NFKC').toLowerCase();
  for (const found of name.match(ADDRESS_IN_TEXT) ?? []) {
    const address = found.replace(/[.]+$/, '');
    if (address.toLowerCase() !== own) return address;
  }
  return null;
}
