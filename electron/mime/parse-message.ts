import { createReadStream, openSync, readSync, closeSync } from 'node:fs';
import { Readable } from 'node:stream';
import type { AddressObject, AttachmentStream, HeaderLines, Headers, MessageText } from 'mailparser';
import { skeletonOf, type Skeleton } from './attachment-skeleton';
import { htmlToText } from './html-text';
import { boundedHeader, headerBoundStream } from './header-bound';
import { lineEndsStream, readableLineEnds } from './line-ends';
import { fallbackAddresses, readFallbackHeaders } from './fallback-headers';
import { decodeBytes, decodeWords, headerEnd } from './header-words';
import { ATTACHED_TEXT_BYTES, ATTACHED_TEXT_PARTS, FALLBACK_HEADER_BYTES, MAX_HTML_TO_TEXT_CHARS, MAX_MIME_PARTS, SIGNED_CONTENT_BYTES, SNIPPET_CHARS } from './limits';
import { signedContent } from './signed-content';
import { plainParserOutput } from './plain-message';
import { alternativeParserOutput } from './alternative-message';
import type { MessageSource } from './message-source';
import { undeclaredCharsetParser } from './undeclared-charset';
import { splitUuencoded, uuContentType } from './uuencode';

export type { MessageSource } from './message-source';

export interface ParsedAddress {
  name: string;
  address: string;
}
export interface ParsedAttachment {
  filename: string;
  contentType: string;
  size: number;
  contentId: string | null;
  inline: boolean;
}
export interface ParsedMessage {
  messageId: string | null;
  inReplyTo: string | null;
  references: string[];
  subject: string;
  from: ParsedAddress | null;
  to: ParsedAddress[];
  cc: ParsedAddress[];
  bcc: ParsedAddress[];
  replyTo: ParsedAddress[];
  date: Date | null;
  text: string | null;
  /** The HTML part; null where there is none, and where parseMessage skipped it for the plain-text alternative (attachment-skeleton.ts). */
  html: string | null;
  snippet: string;
  attachments: ParsedAttachment[];
  parseStatus: 'ok' | 'failed';
  /**
   * Words of attachments that are mail text themselves, for search only: a forwarded message's (message/rfc822:
   * its subject, sender and text) and a calendar invitation's (text/calendar: summary, location, description).
   * Absent when there are none.
   */
  attachedText?: string;
}

/** Everything the streaming parser yields for one message; parse-message and read-message build on it. */
export interface ParserOutput {
  headers: Headers;
  headerLines: HeaderLines;
  text: string | null;
  html: string | null;
  attachments: Array<ParsedAttachment & { partId: string | null }>;
  /** The decoded bodies (the first ATTACHED_TEXT_BYTES) of message/rfc822 and text/calendar attachments, for attachedText. */
  attachedBodies?: Array<{ contentType: string; bytes: Buffer }>;
  /** What the reader should tell about how the message was read (a text labelled base64 that is not); absent when nothing. */
  notes?: ReadingNote[];
}

/** Something about how a message was read that the reader says (shared/contract/messages.ts has the same shape). */
export type ReadingNote = { kind: 'not-base64' } | { kind: 'partial'; number: number; total: number | null; id: string };

/**
 * Parses a message for the store. Never throws for bad mail: a message mailparser cannot parse (or one
 * with no header at all) comes back with parseStatus 'failed' and whatever headers could be read.
 * Uses mailparser's streaming MailParser (not simpleParser), and drains attachments without keeping
 * them, so a 50 MB message costs little more than its text parts.
 */
export interface ParseOptions {
  /** Parse a skeleton with the base64 attachments' bodies and HTML alternatives cut out (attachment-skeleton.ts); false only to check it gives the same. */
  cutAttachments?: boolean;
  /** Read a plain single-part text message directly (plain-message.ts); false only to check it gives the same. */
  readPlainDirectly?: boolean;
}

export async function parseMessage(input: MessageSource, options: ParseOptions = {}, depth = 0): Promise<ParsedMessage> {
  const { cutAttachments = true, readPlainDirectly = true } = options;
  // A Buffer that crossed a worker_thread boundary arrives as a plain Uint8Array: view it as a Buffer again.
  // Stray CRs (`\r\r\n`, bare CR) are read as line ends first (line-ends.ts), or mailparser finds no body.
  const source: MessageSource =
    input.kind === 'buffer'
      ? {
          kind: 'buffer',
          bytes: readableLineEnds(
            Buffer.isBuffer(input.bytes)
              ? input.bytes
              : Buffer.from((input.bytes as Uint8Array).buffer, (input.bytes as Uint8Array).byteOffset, (input.bytes as Uint8Array).byteLength),
          ),
        }
      : input;
  let output: ParserOutput;
  try {
    const plain = readPlainDirectly && source.kind === 'buffer' ? (plainParserOutput(source.bytes) ?? alternativeParserOutput(source.bytes)) : null;
    const skeleton = !plain && cutAttachments && source.kind === 'buffer' ? skeletonOf(source.bytes) : null;
    // A skeleton the parser refuses says nothing about the message: parse the message itself then.
    output = plain ?? (skeleton && (await parseSkeleton(skeleton).catch(() => null))) ?? (await runParser(source));
  } catch {
    return fallbackParse(source);
  }
  // No header field at all (RFC 5322 §2.2: name ":" value): not a message mailparser understood.
  if (!output.headerLines.some((l) => /^[\x21-\x39\x3b-\x7e]+[ \t]*:/.test(l.line))) return fallbackParse(source);
  let parsed = repairRawHeaders(fromParserOutput(output, { htmlTextChars: MAX_HTML_TO_TEXT_CHARS }), source);
  const inner = signedMessage(output, parsed, depth);
  if (inner) {
    // An opaque S/MIME signature: the text is the signed message's (its .p7m stays an attachment).
    const shown = await parseMessage({ kind: 'buffer', bytes: inner }, options, depth + 1);
    parsed = { ...parsed, text: shown.text, html: shown.html, snippet: shown.snippet, ...(shown.attachedText ? { attachedText: shown.attachedText } : {}) };
  }
  parsed = withReadableBody(parsed, source);
  const attachedText = [parsed.attachedText, await attachedTextOf(output.attachedBodies ?? [], options, depth)].filter(Boolean).join('\n');
  return attachedText ? { ...parsed, attachedText } : parsed;
}

/** application/pkcs7-mime and the x- name older Outlook and openssl give it (RFC 8551 §3.2.1). */
const SIGNED_TYPES = new Set(['application/pkcs7-mime', 'application/x-pkcs7-mime']);
/** A signed message inside a signed message inside...: read this many levels. */
const SIGNED_DEPTH = 3;

/**
 * The MIME entity an opaque S/MIME signature holds, when the message has no text of its own to show
 * (the .p7m is all there is): null otherwise, and for an encrypted one (enveloped-data), which only the
 * recipient's key opens.
 */
export function signedMessage(output: ParserOutput, parsed: Pick<ParsedMessage, 'text' | 'html'>, depth: number): Buffer | null {
  if (depth >= SIGNED_DEPTH || parsed.text?.trim() || parsed.html !== null) return null;
  const body = output.attachedBodies?.find((b) => b.contentType === 'application/pkcs7-mime');
  return body ? signedContent(body.bytes) : null;
}

/** A forwarded message is read this many levels deep for search (a forward of a forward of a forward). */
const ATTACHED_MESSAGE_DEPTH = 3;

/**
 * The searchable words of forwarded messages and calendar invitations. Found by importing such mail:
 * `homing search` found nothing of an invitation sent as text/calendar alone (Outlook, Google Calendar)
 * nor of a message forwarded as an attachment (or returned in a bounce), though both are text.
 */
async function attachedTextOf(bodies: NonNullable<ParserOutput['attachedBodies']>, options: ParseOptions, depth: number): Promise<string> {
  const texts: string[] = [];
  for (const { contentType, bytes } of bodies) {
    if (contentType === 'application/pkcs7-mime') continue; // the message's own text (signedMessage)
    if (contentType === 'text/calendar') texts.push(calendarText(bytes));
    else if (depth < ATTACHED_MESSAGE_DEPTH) {
      const inner = await parseMessage({ kind: 'buffer', bytes }, options, depth + 1);
      const from = inner.from ? (inner.from.name ? `${inner.from.name} <${inner.from.address}>` : inner.from.address) : '';
      texts.push([inner.subject, from, inner.text ?? '', inner.attachedText ?? ''].filter(Boolean).join('\n'));
    }
  }
  return texts.filter(Boolean).join('\n');
}

const CALENDAR_FIELDS = new Set(['SUMMARY', 'LOCATION', 'DESCRIPTION', 'ORGANIZER', 'ATTENDEE', 'COMMENT']);

/** The readable fields of an iCalendar object (RFC 5545): lines unfolded, parameters dropped, text escapes undone. */
export function calendarText(bytes: Buffer): string {
  const out: string[] = [];
  for (const line of decodeBytes(bytes).replace(/\r?\n[ \t]/g, '').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const name = line.slice(0, colon).split(';')[0]!.toUpperCase();
    const params = line.slice(0, colon);
    if (!CALENDAR_FIELDS.has(name)) continue;
    const value = line.slice(colon + 1).replace(/^mailto:/i, '');
    const cn = /;CN=("[^"]*"|[^;:]*)/i.exec(params)?.[1]?.replace(/^"|"$/g, '');
    out.push([cn, value.replace(/\\[nN]/g, '\n').replace(/\\([,;\\])/g, '$1')].filter(Boolean).join(' '));
  }
  return out.join('\n');
}

/**
 * Parses a skeleton (attachment-skeleton.ts) and puts the cut attachments' sizes back. Null when the
 * markers did not come back one per attachment, each whole (the parser saw another structure than the
 * skeleton assumed), or when an emptied HTML alternative was needed after all: the caller then parses
 * the message itself.
 */
async function parseSkeleton(skeleton: Skeleton): Promise<ParserOutput | null> {
  const longestMarker = Math.max(...[...skeleton.sizes.keys()].map((m) => m.length));
  const contents: Array<{ size: number; text: string | null }> = [];
  const output = await runParser({ kind: 'buffer', bytes: skeleton.bytes }, (attachment, index) => {
    const entry = { size: 0, text: null as string | null };
    contents[index] = entry;
    const head: Buffer[] = [];
    attachment.content.on('data', (chunk: Buffer) => {
      entry.size += chunk.length;
      if (entry.size <= longestMarker) head.push(chunk);
    });
    attachment.content.on('end', () => {
      entry.text = entry.size <= longestMarker ? Buffer.concat(head).toString('latin1') : null;
    });
    return true;
  });
  // The HTML alternative was emptied for the plain text's sake: blank plain text means the HTML was
  // the message's text after all (fromParserOutput), so the caller parses the message whole.
  if (skeleton.htmlCut) {
    if (!output.text?.trim()) return null;
    output.html = null;
  }
  const unmatched = new Set(skeleton.sizes.keys());
  for (const [index, attachment] of output.attachments.entries()) {
    const content = contents[index];
    if (!content) return null;
    const size = content.text !== null ? skeleton.sizes.get(content.text) : undefined;
    if (size !== undefined) {
      if (!unmatched.delete(content.text!)) return null;
      attachment.size = size;
    } else {
      attachment.size = content.size;
    }
  }
  return unmatched.size === 0 ? output : null;
}

/**
 * mailparser finds no body at all in some broken mail: a multipart without a boundary parameter, bare-CR
 * line ends, an HTML file with no header block (its `<p>Word:` lines pass for header fields). Such a
 * message still has readable words: index whatever printable text follows the header block, or the whole
 * start of the message where no header block ends, so it is findable by what could be read.
 */
function withReadableBody(parsed: ParsedMessage, source: MessageSource): ParsedMessage {
  if (parsed.text?.trim() || parsed.html !== null || parsed.attachments.length > 0) return parsed;
  const head = readHead(source);
  const text = bodyTextOf(head, true) ?? bodyTextOf(head, false);
  return text === null ? parsed : { ...parsed, text, snippet: snippetOf(text) };
}

/**
 * mailparser reads raw 8-bit header bytes as UTF-8, so a Latin-1 subject from an old mailer turns into
 * U+FFFD. When that happens, read the names and subject again from the bytes (fallback-headers.ts
 * decodes invalid UTF-8 as windows-1252).
 */
function repairRawHeaders(parsed: ParsedMessage, source: MessageSource): ParsedMessage {
  const damaged = (s: string | undefined) => s !== undefined && s.includes('\uFFFD');
  if (!damaged(parsed.subject) && !damaged(parsed.from?.name) && ![...parsed.to, ...parsed.cc].some((a) => damaged(a.name))) return parsed;
  const fields = readFallbackHeaders(readHead(source));
  const subject = fields.get('subject');
  const from = fallbackAddresses(fields.get('from'))[0];
  return {
    ...parsed,
    subject: damaged(parsed.subject) && subject !== null ? subject : parsed.subject,
    from: damaged(parsed.from?.name) && from ? from : parsed.from,
    to: parsed.to.some((a) => damaged(a.name)) ? fallbackAddresses(fields.get('to')) : parsed.to,
    cc: parsed.cc.some((a) => damaged(a.name)) ? fallbackAddresses(fields.get('cc')) : parsed.cc,
  };
}

/** Opens the raw bytes as a stream. */
export function openSource(source: MessageSource): Readable {
  return source.kind === 'buffer' ? Readable.from([source.bytes]) : createReadStream(source.path);
}

/**
 * Runs MailParser over the source. `onAttachment` may consume an attachment's content (getAttachment);
 * by default the content is drained and only its size is kept.
 */
export function runParser(
  source: MessageSource | Readable,
  onAttachment?: (attachment: AttachmentStream, index: number) => boolean,
): Promise<ParserOutput> {
  return new Promise((resolve, reject) => {
    const parser = new (undeclaredCharsetParser())({
      skipTextToHtml: true,
      skipImageLinks: true,
      // Text for HTML-only mail comes from html-text.ts (much faster); see fromParserOutput.
      skipHtmlToText: true,
      skipTextLinks: true,
      checksumAlgo: false,
      maxHtmlLengthToParse: MAX_HTML_TO_TEXT_CHARS,
      // Passed on to mailsplit (not in mailparser's types).
      maxChildNodes: MAX_MIME_PARTS,
    } as ConstructorParameters<ReturnType<typeof undeclaredCharsetParser>>[0]);
    // A buffer goes straight in (no stream around it: that costs more than parsing a small message).
    // Line ends read as line-ends.ts says, whichever way the bytes come (a buffer read so already is passed on as it is),
    // and a header field of a megabyte cut so that the splitter reads the header block (header-bound.ts).
    const bytes = source instanceof Readable || source.kind !== 'buffer' ? null : boundedHeader(readableLineEnds(source.bytes));
    const raw = bytes ? null : source instanceof Readable ? source : openSource(source);
    const input = raw ? raw.pipe(lineEndsStream()).pipe(headerBoundStream()) : null;
    const out: ParserOutput = { headers: new Map(), headerLines: [], text: null, html: null, attachments: [] };
    let failed = false;
    const fail = (error: unknown) => {
      if (failed) return;
      failed = true;
      raw?.destroy();
      input?.destroy();
      parser.destroy();
      reject(error instanceof Error ? error : new Error(String(error)));
    };
    parser.on('headers', (headers: Headers) => {
      out.headers = headers;
    });
    parser.on('headerLines', (lines: HeaderLines) => {
      out.headerLines = lines;
    });
    parser.on('data', (data: AttachmentStream | MessageText) => {
      if (data.type === 'text') {
        out.text = data.text ?? null;
        out.html = data.html ?? null;
        return;
      }
      const index = out.attachments.length;
      const entry = {
        filename: data.filename ?? '',
        contentType: data.contentType || 'application/octet-stream',
        size: 0,
        contentId: data.cid ?? null,
        inline: data.contentDisposition === 'inline' || data.related === true,
        partId: data.partId,
      };
      out.attachments.push(entry);
      const type = entry.contentType.toLowerCase();
      const signed = SIGNED_TYPES.has(type);
      if ((type === 'message/rfc822' || type === 'text/calendar' || signed) && (out.attachedBodies ??= []).length < ATTACHED_TEXT_PARTS) {
        const body = { contentType: signed ? 'application/pkcs7-mime' : type, bytes: Buffer.alloc(0) };
        out.attachedBodies.push(body);
        const chunks: Buffer[] = [];
        let kept = 0;
        const limit = signed ? SIGNED_CONTENT_BYTES : ATTACHED_TEXT_BYTES;
        data.content.on('data', (chunk: Buffer) => {
          if (kept >= limit) return;
          chunks.push(chunk);
          kept += chunk.length;
        });
        data.content.on('end', () => {
          body.bytes = Buffer.concat(chunks).subarray(0, limit);
        });
      }
      const taken = onAttachment?.(data, index) ?? false;
      if (!taken) {
        data.content.on('data', (chunk: Buffer) => {
          entry.size += chunk.length;
        });
        data.content.on('end', () => data.release?.());
        data.content.on('error', fail);
      } else {
        data.content.on('end', () => data.release?.());
      }
    });
    parser.on('error', fail);
    raw?.on('error', fail);
    input?.on('error', fail);
    parser.on('end', () => {
      const notes = (parser as unknown as { readingNotes?: ReadingNote[] }).readingNotes;
      if (notes?.length) out.notes = notes;
      if (!failed) resolve(out);
    });
    if (input) input.pipe(parser);
    else parser.end(bytes);
  });
}

export interface ParserOutputOptions {
  /** Convert at most this much of an HTML-only message's HTML to text (the index keeps a bounded text anyway). */
  htmlTextChars?: number;
}

export function fromParserOutput(output: ParserOutput, { htmlTextChars = Infinity }: ParserOutputOptions = {}): ParsedMessage {
  const { headers, headerLines } = output;
  // With skipHtmlToText, mailparser leaves text empty for HTML-only mail.
  const html = output.html !== null ? htmlForText(output.html, htmlTextChars) : null;
  // Files uuencoded into the text (Outlook Express, old Eudora) are attachments, after the MIME ones
  // (readAttachment finds them there); their lines of data leave the text.
  const uu = output.text?.trim() ? splitUuencoded(output.text) : null;
  const text = uu ? uu.text : html !== null ? htmlToText(html) : output.text;
  const attachments = output.attachments.map(({ partId: _partId, ...a }): ParsedAttachment => a);
  for (const file of uu?.files ?? []) {
    attachments.push({ filename: file.filename, contentType: uuContentType(file.filename), size: file.size, contentId: null, inline: false });
  }
  return {
    messageId: cleanId(stringHeader(headers.get('message-id'))),
    inReplyTo: firstId(stringHeader(headers.get('in-reply-to'))),
    references: referencesOf(headers.get('references')),
    subject: stringHeader(headers.get('subject')) ?? '',
    from: addressesOf(headers.get('from'))[0] ?? null,
    to: addressesOf(headers.get('to')),
    cc: addressesOf(headers.get('cc')),
    bcc: addressesOf(headers.get('bcc')),
    replyTo: addressesOf(headers.get('reply-to')),
    date: dateOf(headerLines),
    text,
    html: output.html,
    snippet: snippetOf(text),
    attachments,
    parseStatus: 'ok',
  };
}

/**
 * The HTML to turn into text, at most `limit` characters, with the payloads of data: URLs (pictures pasted
 * into the HTML, inline) left out first: they hold no words. A 5 MB picture (a ~7 MB data: URL) pushed the
 * text after it past MAX_HTML_TO_TEXT_CHARS, unindexed, and the cut fell inside its tag, so the list's
 * preview read 'platypus. <img src="data:image/png;base6'. A tag the cut still opens is dropped.
 */
export function htmlForText(html: string, limit: number): string {
  const lean = html.length > DATA_PAYLOAD_MIN_CHARS && /data:/i.test(html) ? withoutDataPayloads(html) : html;
  return lean.length > limit ? lean.slice(0, limit).replace(/<[^>]*$/, '') : lean;
}

/** A data: URL's media type and parameters, up to the comma its payload follows. */
const DATA_URL_HEAD = /data:[^,"'\s>]{0,200},/gi;
/** What ends a data: URL's payload in an attribute or CSS. */
const PAYLOAD_END = /["'\s>)]/g;
/** A payload at least this long is left out (a picture's; a short one costs nothing to keep). */
const DATA_PAYLOAD_MIN_CHARS = 256;

/** The HTML less its data: URLs' long payloads (searched piece by piece: one regular expression over megabytes overflowed the stack). */
function withoutDataPayloads(html: string): string {
  const pieces: string[] = [];
  let kept = 0;
  DATA_URL_HEAD.lastIndex = 0;
  for (let head = DATA_URL_HEAD.exec(html); head; head = DATA_URL_HEAD.exec(html)) {
    const start = head.index + head[0].length;
    PAYLOAD_END.lastIndex = start;
    const end = PAYLOAD_END.exec(html)?.index ?? html.length;
    if (end - start >= DATA_PAYLOAD_MIN_CHARS) {
      pieces.push(html.slice(kept, start));
      kept = end;
    }
    DATA_URL_HEAD.lastIndex = end;
  }
  pieces.push(html.slice(kept));
  return pieces.join('');
}

/** Best effort for a message mailparser refused: the header block read by hand, no body structure. */
export function fallbackParse(source: MessageSource): ParsedMessage {
  const head = readHead(source);
  const fields = readFallbackHeaders(head);
  const from = fallbackAddresses(fields.get('from'));
  const rawDate = fields.get('date');
  const date = rawDate ? dateHeaderValue(rawDate) : null;
  const body = bodyTextOf(head, fields.lines.length > 0);
  return {
    messageId: cleanId(fields.get('message-id')),
    inReplyTo: firstId(fields.get('in-reply-to')),
    references: splitIds(fields.get('references')),
    subject: fields.get('subject') ?? '',
    from: from[0] ?? null,
    to: fallbackAddresses(fields.get('to')),
    cc: fallbackAddresses(fields.get('cc')),
    bcc: fallbackAddresses(fields.get('bcc')),
    replyTo: fallbackAddresses(fields.get('reply-to')),
    date,
    text: body,
    html: null,
    snippet: snippetOf(body),
    attachments: [],
    parseStatus: 'failed',
  };
}

/** The first bytes of the source: enough for any header block a real mailer writes. */
function readHead(source: MessageSource): Buffer {
  if (source.kind === 'buffer') return source.bytes.subarray(0, FALLBACK_HEADER_BYTES);
  const fd = openSync(source.path, 'r');
  try {
    const buffer = Buffer.alloc(Math.min(source.size, FALLBACK_HEADER_BYTES));
    const read = readSync(fd, buffer, 0, buffer.length, 0);
    return buffer.subarray(0, read);
  } finally {
    closeSync(fd);
  }
}

/** Whatever printable text follows the header block, so an unparsable message is still searchable by it. */
function bodyTextOf(head: Buffer, hasHeader: boolean): string | null {
  const end = headerEnd(head);
  const start = !hasHeader ? 0 : end >= head.length ? -1 : end + (head[end] === 0x0d ? 4 : 2);
  if (start < 0) return null;
  const text = head
    .subarray(start, start + 64 * 1024)
    .toString('utf8')
    .replace(/[^\p{L}\p{N}\p{P}\p{S}\s]+/gu, ' ');
  return text.trim() ? text : null;
}

function stringHeader(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && typeof value[0] === 'string') return value[0];
  return null;
}

function addressesOf(value: unknown): ParsedAddress[] {
  if (!value) return [];
  const objects = (Array.isArray(value) ? value : [value]) as AddressObject[];
  const out: ParsedAddress[] = [];
  const visit = (entries: AddressObject['value']) => {
    for (const entry of entries ?? []) {
      if (entry.group) visit(entry.group);
      else if (entry.address || entry.name) out.push({ name: decodeWords(entry.name ?? ''), address: entry.address ?? '' });
    }
  };
  for (const object of objects) if (object && typeof object === 'object') visit(object.value);
  return out;
}

/**
 * mailparser turns an unparsable Date header into "now", which would sort an undated message as
 * today's. Read the raw header instead and give null when it is not a date.
 */
function dateOf(lines: HeaderLines): Date | null {
  const line = lines.find((l) => l.key === 'date');
  if (!line) return null;
  return dateHeaderValue(line.line.slice(line.line.indexOf(':') + 1).replace(/\r?\n[ \t]+/g, ' ').trim());
}

/**
 * A Date header's value as a date, or null when it is none. A four-digit year 0000-0099 is no date a
 * message was written on, and the JavaScript parser reads it as a two-digit year: 'Sat, 07 Dec 0049' gave
 * 2049 (a message that stays at the top of every list until then), 'Mon, 01 Jan 0000' gave 2000.
 */
export function dateHeaderValue(raw: string): Date | null {
  if (/(?:^|[\s,])00\d\d(?=\s|$)/.test(raw)) return null;
  const date = new Date(raw);
  return Number.isNaN(date.getTime()) ? null : date;
}

function referencesOf(value: unknown): string[] {
  if (typeof value === 'string') return splitIds(value);
  if (Array.isArray(value)) return value.flatMap((v) => (typeof v === 'string' ? splitIds(v) : []));
  return [];
}

/** Message-IDs in angle brackets (RFC 5322 §3.6.4); a bare token when a mailer forgot the brackets. */
function splitIds(value: string | null): string[] {
  if (!value) return [];
  const bracketed = value.match(/<[^<>\s]+>/g);
  if (bracketed) return bracketed;
  return value.split(/[\s,]+/).filter(Boolean).map((id) => `<${id}>`);
}

function firstId(value: string | null): string | null {
  return splitIds(value)[0] ?? null;
}

function cleanId(value: string | null): string | null {
  if (!value) return null;
  const trimmed = value.trim();
  if (!trimmed) return null;
  return firstId(trimmed) ?? trimmed;
}

export function snippetOf(text: string | null): string {
  if (!text) return '';
  return text.slice(0, SNIPPET_CHARS * 4).replace(/\s+/g, ' ').trim().slice(0, SNIPPET_CHARS);
}
