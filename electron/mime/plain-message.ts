import type { AddressObject, EmailAddress, HeaderLines, Headers } from 'mailparser';
import { readBase64 } from './base64-run';
import { decodeWords, headerEnd } from './header-words';
import { DIRECT_HEADER_MAX_BYTES } from './limits';
import { decodedLooksLikeText } from './mislabelled-base64';
import { decodeUndeclared, meansAscii } from './undeclared-charset';
import type { ParserOutput } from './parse-message';

/**
 * Reads the commonest message without mailparser: one text/plain body in UTF-8 or ASCII, 7bit, 8bit or
 * base64, under a plain ASCII header block. For such a message mailparser's time goes to per-message
 * set-up (two transform streams, a MIME tree, a header object for every field, HTML renderings of the
 * addresses), not to its bytes: 0.20 ms a message on the IMAP bench against 0.03 ms here.
 *
 * Gives what mailparser gives for every field parseMessage reads (a property test compares the two on
 * random messages), and null for anything outside that shape, which the caller hands to mailparser: a
 * header byte outside ASCII, a field it reads twice, a Content-Disposition or Content-ID, another type,
 * charset or parameter, quoted-printable, an address with a group, comment or escape, an encoded word
 * outside a display name, an IDN domain.
 */
export function plainParserOutput(bytes: Buffer): ParserOutput | null {
  const head = readDirectHead(bytes);
  if (!head || !isPlainUtf8(head.byKey.get('content-type'))) return null;
  const text = plainText(bytes.subarray(head.bodyStart), head.byKey);
  return text === null ? null : directOutput(head, text);
}

/** A header block plainParserOutput (and alternative-message.ts) can read themselves: its fields, and where the body starts. */
export interface DirectHead {
  fields: Array<{ key: string; line: string }>;
  /** Each field read once (READ_FIELDS) by lower-case name; no Content-Disposition or Content-ID. */
  byKey: Map<string, string>;
  bodyStart: number;
}

/** The message's header block when it is in the direct readers' reach (plain ASCII, no field read twice); null otherwise. */
export function readDirectHead(bytes: Buffer): DirectHead | null {
  // Only the head is searched: a CRLF message has no LF LF, and its whole body would be scanned for one.
  const head = bytes.subarray(0, DIRECT_HEADER_MAX_BYTES + 4);
  const end = headerEnd(head);
  if (end >= head.length || end > DIRECT_HEADER_MAX_BYTES) return null;
  const fields = splitFields(bytes.toString('latin1', 0, end));
  if (!fields) return null;
  const byKey = new Map<string, string>();
  for (const field of fields) {
    if (READ_FIELDS.has(field.key) && byKey.has(field.key)) return null;
    byKey.set(field.key, field.line);
  }
  if (byKey.has('content-disposition') || byKey.has('content-id')) return null;
  return { fields, byKey, bodyStart: end + (bytes[end] === 0x0d ? 4 : 2) };
}

/**
 * The text of a text/plain body in UTF-8 or ASCII (its Content-Type isPlainUtf8 accepted), line ends made
 * LF, as mailparser gives it; null when the transfer encoding is one it might read otherwise, and for an
 * empty body (mailparser reports no text then: left to it).
 */
export function plainText(body: Buffer, fields: Map<string, string>): string | null {
  const decoded = decodeBody(body, fields.get('content-transfer-encoding'));
  if (!decoded) return null;
  const text = (meansAscii(charsetOf(fields.get('content-type'))) ? decodeUndeclared(decoded) : decoded.toString()).replace(/\r?\n/g, '\n');
  return text || null;
}

/** What mailparser gives for a message of this header block whose text is `text` and which has no HTML and no attachment; null for an address it does not read the same. */
export function directOutput(head: DirectHead, text: string): ParserOutput | null {
  const headers: Headers = new Map();
  for (const [key, line] of head.byKey) {
    const value = valueOf(line);
    switch (key) {
      case 'subject':
        headers.set(key, decodeWords(value));
        break;
      case 'message-id':
      case 'in-reply-to':
        headers.set(key, messageIdFormat(decodeWords(value)) as string);
        break;
      case 'references':
        headers.set(key, decodeWords(value).split(/\s+/).map(messageIdFormat).filter(Boolean) as string[]);
        break;
      case 'from':
      case 'to':
      case 'cc':
      case 'bcc':
      case 'reply-to': {
        const addresses = simpleAddresses(value);
        if (!addresses) return null;
        headers.set(key, { value: addresses, html: '', text: '' } satisfies AddressObject);
        break;
      }
    }
  }
  const headerLines: HeaderLines = head.fields.map((f) => ({ key: f.key, line: f.line }));
  return { headers, headerLines, text, html: null, attachments: [] };
}

/** The fields parseMessage reads, and those that decide how the body is read: each must come once. */
const READ_FIELDS = new Set([
  'subject',
  'from',
  'to',
  'cc',
  'bcc',
  'reply-to',
  'message-id',
  'in-reply-to',
  'references',
  'date',
  'content-type',
  'content-transfer-encoding',
  'content-disposition',
  'content-id',
  'mime-version',
]);

const FIELD_START = /^([\x21-\x39\x3b-\x7e]+):/;

/** The header block's fields, each with its raw (folded) text; null for a byte or line it does not expect. */
export function splitFields(head: string): Array<{ key: string; line: string }> | null {
  // Printable ASCII, tab and line breaks only; a bare CR is read differently by different parsers.
  if (/[^\x20-\x7e\t\r\n]|\r(?!\n)/.test(head)) return null;
  const fields: Array<{ key: string; line: string }> = [];
  for (const line of head.split(/\r?\n/)) {
    if (line.startsWith(' ') || line.startsWith('\t')) {
      const last = fields[fields.length - 1];
      if (!last) return null;
      last.line += `\r\n${line}`;
      continue;
    }
    const match = FIELD_START.exec(line);
    if (!match) return null;
    fields.push({ key: match[1]!.toLowerCase(), line });
  }
  return fields.length > 0 ? fields : null;
}

/**
 * A field's value as mailparser takes it: unfolded, trimmed. This is libmime.decodeHeader's own reading,
 * written out so that a plain message loads no libmime (lazy-modules.ts): the field name is known to be
 * printable ASCII up to its colon (splitFields).
 */
export function valueOf(line: string): string {
  const unfolded = line.replace(/(?:\r?\n|\r)[ \t]*/g, ' ').trim();
  return unfolded.slice(unfolded.indexOf(':') + 1).trim();
}

/**
 * `text/plain` with at most a charset parameter (a token, or a quoted token), the forms libmime's
 * parseHeaderValue reads as mailparser does; anything else (comments, other or RFC 2231 parameters,
 * escapes, spaces around "=") goes to mailparser.
 */
const PLAIN_TYPE = /^text\/plain(?:[ \t]*;[ \t]*charset=(?:([\w.-]+)|"([\w.-]+)"))?[ \t]*;?$/i;

/** No Content-Type (text/plain by default), or text/plain with at most a charset mailparser does not convert. */
export function isPlainUtf8(line: string | undefined): boolean {
  if (line === undefined) return true;
  const match = PLAIN_TYPE.exec(valueOf(line));
  if (!match) return false;
  const charset = match[1] ?? match[2];
  return charset === undefined || ['ascii', 'usascii', 'utf8'].includes(charset.toLowerCase().replace(/[^a-z0-9]+/g, ''));
}

/** The charset parameter of a Content-Type isPlainUtf8 accepted; undefined when there is none. */
function charsetOf(line: string | undefined): string | undefined {
  const match = line === undefined ? null : PLAIN_TYPE.exec(valueOf(line));
  return match ? (match[1] ?? match[2]) : undefined;
}

/** The body's bytes after its transfer encoding; null for quoted-printable or base64 a decoder might read otherwise. */
function decodeBody(body: Buffer, line: string | undefined): Buffer | null {
  const encoding = line === undefined ? '7bit' : valueOf(line).toLowerCase();
  if (encoding === '7bit' || encoding === '8bit' || encoding === 'binary') return body;
  if (encoding !== 'base64') return null;
  // Base64 characters and line breaks only, padding only at the end: every decoder agrees on those.
  const run = readBase64(body, 0, body.length);
  if (!run || run.stop !== body.length) return null;
  const decoded = Buffer.from(body.toString('latin1'), 'base64');
  // Words under a base64 label (mislabelled-base64.ts): mailparser's path reads them as the text they are.
  return decodedLooksLikeText(decoded, null) ? decoded : null;
}

/** mailparser's form of a Message-ID: in angle brackets; false when empty. */
function messageIdFormat(value: string): string | false {
  if (!value.length) return false;
  return `${value.startsWith('<') ? '' : '<'}${value}${value.endsWith('>') ? '' : '>'}`;
}

const ADDR_SPEC = /^[^\s"<>@,;:()\\[\]]+@[^\s"<>@,;:()\\[\]]+$/;

/**
 * An address list in the plain forms: `a@b`, `Name <a@b>`, `"Last, First" <a@b>`, `<a@b>`, separated by
 * commas. Names are trimmed and their encoded words decoded, as mailparser does. Null for anything else.
 */
function simpleAddresses(value: string): EmailAddress[] | null {
  if (/[():;\\[\]]|@xn--/i.test(value)) return null;
  const entries: string[] = [];
  let current = '';
  let quoted = false;
  for (const ch of value) {
    if (ch === '"') quoted = !quoted;
    if (ch === ',' && !quoted) {
      entries.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  if (quoted) return null;
  entries.push(current);
  const out: EmailAddress[] = [];
  for (const entry of entries) {
    const trimmed = entry.trim();
    if (!trimmed) return null;
    const angle = /^(.*?)<([^<>]*)>$/.exec(trimmed);
    if (!angle) {
      if (!ADDR_SPEC.test(trimmed) || trimmed.includes('=?')) return null;
      out.push({ address: trimmed, name: '' });
      continue;
    }
    const address = angle[2]!.trim();
    if (!ADDR_SPEC.test(address) || address.includes('=?')) return null;
    let name = angle[1]!.trim();
    if (name.includes('"')) {
      const inQuotes = /^"([^"]*)"$/.exec(name);
      if (!inQuotes) return null;
      name = inQuotes[1]!;
    } else if (/\s{2}|[<>]/.test(name)) {
      return null;
    }
    name = name.trim();
    out.push({ address, name: name ? decodeWords(name) : '' });
  }
  return out;
}
