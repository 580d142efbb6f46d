import { mailAddressSchema } from './contract/outgoing';

/**
 * Addresses as people type and paste them: `ann@example.org`, `Ann Example <ann@example.org>`,
 * `"Example, Ann" <ann@example.org>`, several at once separated by commas, semicolons (Outlook) or line
 * breaks, an international domain (`hans@bücher.example`) as it is written. Used by the composer's
 * recipient fields and by mailto: links.
 *
 * Nothing typed is rewritten or dropped: every piece comes back with its text as typed (`raw`), and a
 * piece that is not an address comes back as such (`address: null`) for the field to show and the user
 * to fix. Encoding names and international domains for the wire is the sending engine's job.
 */
export interface TypedAddress {
  /** The piece as typed, trimmed. */
  raw: string;
  /** The display name without its quotes and escapes; '' when none was given. */
  name: string;
  /** The mailbox (`local@domain`), or null when the piece is not an address. */
  address: string | null;
}

/** Splits at `,` `;` and line breaks outside quotes, angle brackets and comments. */
function splitPieces(input: string): string[] {
  const pieces: string[] = [];
  let current = '';
  let quoted = false;
  let angle = 0;
  let comment = 0;
  for (let i = 0; i < input.length; i++) {
    const c = input[i]!;
    if (quoted) {
      current += c;
      if (c === '\\' && i + 1 < input.length) current += input[++i]!;
      else if (c === '"') quoted = false;
      continue;
    }
    if (c === '"') quoted = true;
    else if (c === '<') angle++;
    else if (c === '>' && angle > 0) angle--;
    else if (c === '(') comment++;
    else if (c === ')' && comment > 0) comment--;
    else if ((c === ',' || c === ';' || c === '\n' || c === '\r') && angle === 0 && comment === 0) {
      pieces.push(current);
      current = '';
      continue;
    }
    current += c;
  }
  pieces.push(current);
  return pieces.map((p) => p.trim()).filter((p) => p !== '');
}

const unquote = (name: string) => {
  const trimmed = name.trim();
  if (trimmed.length >= 2 && trimmed.startsWith('"') && trimmed.endsWith('"')) return trimmed.slice(1, -1).replace(/\\(.)/g, '$1');
  return trimmed.replace(/\s+/g, ' ');
};

export const isMailAddress = (address: string) => mailAddressSchema.safeParse(address).success;

/** One piece: `addr`, `<addr>`, `Name <addr>`, `"Name" <addr>`, `addr (Name)`. */
export function readTypedAddress(piece: string): TypedAddress {
  const raw = piece.trim();
  const angled = /^(.*?)<([^<>]*)>\s*$/s.exec(raw);
  if (angled) {
    const address = angled[2]!.trim().replace(/^mailto:/i, '');
    return { raw, name: unquote(angled[1]!), address: isMailAddress(address) ? address : null };
  }
  const commented = /^([^\s()]+)\s*\(([^()]*)\)\s*$/.exec(raw);
  if (commented && isMailAddress(commented[1]!)) return { raw, name: commented[2]!.trim(), address: commented[1]! };
  const bare = raw.replace(/^mailto:/i, '');
  return { raw, name: '', address: isMailAddress(bare) ? bare : null };
}

/** Every piece of a typed or pasted list, in order. */
export function readAddressList(input: string): TypedAddress[] {
  return splitPieces(input).map(readTypedAddress);
}

/** How a recipient is written back into a field (for editing a chip): quoted when the name needs it. */
export function formatAddress(recipient: { name: string; address: string }): string {
  if (!recipient.name) return recipient.address;
  const name = /[",;<>()@\\:[\]]/.test(recipient.name) ? `"${recipient.name.replace(/(["\\])/g, '\\$1')}"` : recipient.name;
  return `${name} <${recipient.address}>`;
}
