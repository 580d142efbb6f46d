/** What the junk classifier reads of a message (store/junk.ts): the parts a person would judge it by. */
export interface JunkInput {
  subject: string;
  fromAddress: string | null;
  fromName: string | null;
  body: string;
  /** Attachment file names. */
  attachments: readonly string[];
  /** Header fields by lower-cased name (header-fields.ts), for the few that tell mailers apart. */
  headers: ReadonlyMap<string, readonly string[]>;
}

/** Characters of body text read: the start of a message says what it is; a long one costs no more. */
const BODY_CHARS = 20_000;
/** Distinct tokens kept per message (by order of appearance). */
const MAX_TOKENS = 1_000;

/**
 * A word is what /[\p{L}\p{N}][\p{L}\p{N}'$€£.,-]*[\p{L}\p{N}$€£]|[\p{L}\p{N}$€£]/gu matches (WORD below):
 * letters and digits, with apostrophes, currency signs, dots, commas and hyphens inside.
 */

/**
 * The distinct tokens of a message, as the classifier counts them (Paul Graham's "A plan for spam" and
 * SpamBayes): words of the subject (prefixed, as they weigh differently there), of the body, the sender's
 * address, domain and name words, URL hosts, attachment extensions, and a few header facts (mailer,
 * content type). Words are case-folded; very short and very long ones are dropped, numbers are reduced
 * to their length, so "$1,000,000" and "$2,500,000" count alike.
 */
export function junkTokens(input: JunkInput): string[] {
  const out = new Set<string>();
  const add = (token: string) => {
    if (out.size < MAX_TOKENS) out.add(token);
  };
  words(input.subject, (word) => add(`s:${word}`));
  const from = input.fromAddress?.toLowerCase().trim() ?? '';
  if (from) {
    add(`from:${from}`);
    const domain = from.slice(from.lastIndexOf('@') + 1);
    if (domain) {
      add(`fromdomain:${domain}`);
      const parts = domain.split('.');
      if (parts.length > 2) add(`fromdomain:${parts.slice(-2).join('.')}`);
    }
  }
  words(input.fromName ?? '', (word) => add(`fromname:${word}`));
  const body = input.body.slice(0, BODY_CHARS);
  for (const match of body.matchAll(/\bhttps?:\/\/([^/\s"'<>?#]+)/gi)) {
    const host = match[1]!.toLowerCase();
    add(`url:${host}`);
    const parts = host.split('.');
    if (parts.length > 2) add(`url:${parts.slice(-2).join('.')}`);
  }
  words(body.replace(/\bhttps?:\/\/\S+/gi, ' '), add);
  for (const name of input.attachments) {
    const dot = name.lastIndexOf('.');
    if (dot > 0) add(`attach:${name.slice(dot + 1).toLowerCase()}`);
  }
  const mailer = input.headers.get('x-mailer')?.[0] ?? input.headers.get('user-agent')?.[0];
  if (mailer) add(`mailer:${mailer.toLowerCase().split(/[\s/(]/)[0]}`);
  const type = input.headers.get('content-type')?.[0];
  if (type) add(`type:${type.toLowerCase().split(';')[0]!.trim()}`);
  return [...out];
}

const NUMBER = /^[\d$€£.,-]+$/;
/** A number (as NUMBER) starts with an ASCII digit or a currency sign: other words skip the test. */
const mayBeNumber = (code: number) => (code >= 0x30 && code <= 0x39) || code === 0x24 || code === 0x20ac || code === 0xa3;

/**
 * The words (WORD) of `text`, case-folded, as the classifier keeps them (numbers by shape; others of 3–20
 * characters). Read by hand rather than with the expression (a scan with a regular expression per word and a
 * generator per message was most of the classifier's time on arrival); the same words, in order.
 */
function words(text: string, add: (word: string) => void): void {
  const lower = text.toLowerCase();
  const length = lower.length;
  let at = 0;
  while (at < length) {
    const code = lower.codePointAt(at)!;
    const kind = kindOf(code);
    const width = code > 0xffff ? 2 : 1;
    if (kind === OTHER || kind === INNER) {
      at += width;
      continue;
    }
    // WORD's first branch: a letter or digit, then any of the inner characters, ending on one that may end
    // a word; else (a currency sign, or a letter or digit alone) its second: that character alone.
    let end = at + width;
    if (kind === LETTER) {
      for (let next = end; next < length; ) {
        const c = lower.codePointAt(next)!;
        const k = kindOf(c);
        if (k === OTHER) break;
        next += c > 0xffff ? 2 : 1;
        if (k !== INNER) end = next;
      }
    }
    keep(lower.slice(at, end), add);
    at = end;
  }
}

function keep(word: string, add: (word: string) => void): void {
  if (mayBeNumber(word.charCodeAt(0)) && NUMBER.test(word)) {
    // A number says something by its shape, not its digits.
    add(`num:${word.replace(/\d/g, '9').slice(0, 12)}`);
  } else if (word.length >= 3 && word.length <= 20) {
    add(word);
  }
}

/** What a character is to WORD: a letter or digit (\p{L}\p{N}), a currency sign ($€£), an inner one ('.,-) or none. */
const OTHER = 0;
const LETTER = 1;
const CURRENCY = 2;
const INNER = 3;
const LETTER_OR_DIGIT = /^[\p{L}\p{N}]$/u;
const ASCII_KINDS = Uint8Array.from({ length: 128 }, (_, code) => {
  const c = String.fromCharCode(code);
  if (LETTER_OR_DIGIT.test(c)) return LETTER;
  if (c === '$') return CURRENCY;
  return "'.,-".includes(c) ? INNER : OTHER;
});
/** Characters beyond ASCII, asked of the Unicode tables once each. */
const wideKinds = new Map<number, number>();

function kindOf(code: number): number {
  if (code < 128) return ASCII_KINDS[code]!;
  if (code === 0x20ac || code === 0xa3) return CURRENCY;
  let kind = wideKinds.get(code);
  if (kind === undefined) {
    kind = LETTER_OR_DIGIT.test(String.fromCodePoint(code)) ? LETTER : OTHER;
    wideKinds.set(code, kind);
  }
  return kind;
}
