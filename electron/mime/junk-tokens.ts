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

const WORD = /[\p{L}\p{N}][\p{L}\p{N}'$€£.,-]*[\p{L}\p{N}$€£]|[\p{L}\p{N}$€£]/gu;

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
  for (const word of words(input.subject)) add(`s:${word}`);
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
  for (const word of words(input.fromName ?? '')) add(`fromname:${word}`);
  const body = input.body.slice(0, BODY_CHARS);
  for (const match of body.matchAll(/\bhttps?:\/\/([^/\s"'<>?#]+)/gi)) {
    const host = match[1]!.toLowerCase();
    add(`url:${host}`);
    const parts = host.split('.');
    if (parts.length > 2) add(`url:${parts.slice(-2).join('.')}`);
  }
  for (const word of words(body.replace(/\bhttps?:\/\/\S+/gi, ' '))) add(word);
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

function* words(text: string): Generator<string> {
  for (const match of text.toLowerCase().matchAll(WORD)) {
    let word = match[0];
    if (mayBeNumber(word.charCodeAt(0)) && NUMBER.test(word)) {
      // A number says something by its shape, not its digits.
      word = `num:${word.replace(/\d/g, '9').slice(0, 12)}`;
    } else if (word.length < 3 || word.length > 20) {
      continue;
    }
    yield word;
  }
}
