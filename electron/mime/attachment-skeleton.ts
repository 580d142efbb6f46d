import { createRequire } from 'node:module';
import type * as Crypto from 'node:crypto';
import { readBase64 } from './base64-run';
import { libmime } from './lazy-modules';
import { SKELETON_MIN_STRIPPED_BYTES, SKELETON_MAX_DEPTH } from './limits';

/**
 * A message with the bodies of its base64 attachments cut out, for parsing only. Attachments are most of
 * mail's bytes (photos, PDFs), and for the store mailparser only reads them to count their decoded size:
 * base64-decoding and line-splitting them was most of a sync's parsing time. Each cut body is replaced by
 * a short base64 marker, and the size it would have decoded to is kept here, so the parse of the
 * skeleton gives the same result as the parse of the message once the markers' sizes are put back.
 *
 * The HTML alternative of a multipart/alternative with a plain-text one is cut out too (emptied): the
 * store indexes the plain text and keeps no HTML (the reading pane parses the stored source again), and
 * decoding the HTML was a third of parsing such a message. Only where the HTML is needed does that
 * change the parse, when the plain text turns out blank: the caller then parses the message whole.
 */
export interface Skeleton {
  bytes: Buffer;
  /** Marker text (what a cut part decodes to in the skeleton) → decoded size of the body it replaced. */
  sizes: Map<string, number>;
  /** Whether an HTML alternative was emptied: its text is then missing from the skeleton's parse. */
  htmlCut: boolean;
}

/**
 * Per process: a message cannot know it, so its own attachment cannot pass for a marker. Made at the first
 * cut, with node:crypto loaded then: `homing show` loads this module (read-message.ts) but never cuts a
 * message, and loading node:crypto was ~5–10 ms of its CPU.
 */
let nonce: string | null = null;
const markerNonce = (): string => (nonce ??= (createRequire(__filename)('node:crypto') as typeof Crypto).randomBytes(12).toString('hex'));
let markerCount = 0;

/**
 * The skeleton of a message, or null when there is nothing worth cutting (or the structure is not plain
 * enough to be sure). Only cuts what cannot change how the rest is read: the body of a non-text,
 * non-multipart, non-message part of a multipart, encoded in base64 and made of base64 characters and line
 * breaks alone (so no line in it can be a boundary), between two delimiter lines of its parent. The caller
 * checks that every marker came back as a whole attachment of its own (parseMessage): anything else means
 * the parser saw another structure, and the message is parsed whole.
 */
export function skeletonOf(source: Buffer): Skeleton | null {
  const head = headerBlock(source, 0, source.length);
  if (!head) return null;
  const multipart = multipartOf(readFields(source, 0, head.headerEnd));
  if (!multipart) return null;
  const cuts: Cut[] = [];
  scanMultipart(source, head.bodyStart, source.length, multipart, 0, cuts);
  if (cuts.length === 0) return null;
  // An alternative's HTML cut is decided after its parts were read, so cuts come in out of order.
  cuts.sort((a, b) => a.start - b.start);
  const pieces: Buffer[] = [];
  const sizes = new Map<string, number>();
  let cursor = 0;
  for (const cut of cuts) {
    pieces.push(source.subarray(cursor, cut.start));
    if (cut.decodedSize !== null) {
      const marker = `homing-skeleton-${markerNonce()}-${++markerCount}`;
      sizes.set(marker, cut.decodedSize);
      pieces.push(Buffer.from(Buffer.from(marker).toString('base64')));
    }
    cursor = cut.end;
  }
  pieces.push(source.subarray(cursor));
  return { bytes: Buffer.concat(pieces), sizes, htmlCut: cuts.some((c) => c.decodedSize === null) };
}

interface Cut {
  start: number;
  end: number;
  /** Decoded size of a cut base64 attachment; null for an emptied HTML alternative. */
  decodedSize: number | null;
}

interface Multipart {
  boundary: Buffer;
  /** The subtype, lower case: `mixed`, `alternative`, `related`… */
  subtype: string;
}

/** Where a header block starting at `start` ends (its empty line), as the MIME splitter finds it: CRLF or bare LF lines. */
function headerBlock(buf: Buffer, start: number, end: number): { headerEnd: number; bodyStart: number } | null {
  let pos = start;
  while (pos < end) {
    const nl = buf.indexOf(0x0a, pos);
    if (nl < 0 || nl >= end) return null;
    if (nl === pos || (nl === pos + 1 && buf[pos] === 0x0d)) return { headerEnd: pos, bodyStart: nl + 1 };
    pos = nl + 1;
  }
  return null;
}

/** The unfolded header fields of a block, by lower-case name (RFC 5322 §2.2.3). */
function readFields(buf: Buffer, start: number, end: number): Map<string, string[]> {
  const fields = new Map<string, string[]>();
  let current: { key: string; value: string } | null = null;
  const flush = () => {
    if (!current) return;
    const list = fields.get(current.key) ?? [];
    list.push(current.value);
    fields.set(current.key, list);
    current = null;
  };
  for (const line of buf.toString('latin1', start, end).split(/\r?\n/)) {
    if ((line.startsWith(' ') || line.startsWith('\t')) && current) {
      (current as { value: string }).value += line;
      continue;
    }
    flush();
    const colon = line.indexOf(':');
    if (colon > 0) current = { key: line.slice(0, colon).trim().toLowerCase(), value: line.slice(colon + 1) };
  }
  flush();
  return fields;
}

/** The boundary and subtype of a multipart header block; null for any other type or anything doubtful (two Content-Type fields, a non-ASCII boundary). */
function multipartOf(fields: Map<string, string[]>): Multipart | null {
  const types = fields.get('content-type');
  if (!types || types.length !== 1) return null;
  const parsed = libmime().parseHeaderValue(types[0]!, { stripComments: true });
  const type = parsed.value.trim().toLowerCase();
  if (!type.startsWith('multipart/')) return null;
  const boundary = (parsed.params.boundary ?? '').trimEnd();
  if (!boundary || !/^[\x20-\x7e]+$/.test(boundary)) return null;
  return { boundary: Buffer.from(boundary, 'latin1'), subtype: type.slice('multipart/'.length) };
}

/**
 * Finds the delimiter lines of one multipart body ("--boundary", or "--boundary--" to close, with
 * optional trailing SP/HTAB: RFC 2046 §5.1.1) and looks at each part between two of them.
 */
function scanMultipart(buf: Buffer, start: number, end: number, multipart: Multipart, depth: number, cuts: Cut[]): void {
  if (depth >= SKELETON_MAX_DEPTH) return;
  const dash = Buffer.concat([Buffer.from('--'), multipart.boundary]);
  const alternative = multipart.subtype === 'alternative';
  let plainText = false;
  const htmlBodies: Cut[] = [];
  let at = delimiterAt(buf, start, end, dash, start);
  while (at && !at.closing) {
    const partStart = at.next;
    // The part's header block, read once; one that runs into the next delimiter is not a header block the
    // way the parser reads it, so nothing in that part is cut or followed.
    const head = headerBlock(buf, partStart, end);
    const fields = head && !delimiterAt(buf, partStart, head.headerEnd, dash, partStart) ? readFields(buf, partStart, head.headerEnd) : null;
    // A base64 body is read to its end anyway (to be sure it is base64 alone, and to count it): where it
    // stops is where the next delimiter must be, which spares searching the body for it a second time.
    const body = head && fields && isBase64Attachment(fields) ? readBase64(buf, head.bodyStart, end) : null;
    // (-1: the delimiter must follow a line break, as everywhere but at the very start of the body.)
    const next = body ? delimiterAt(buf, body.stop, end, dash, -1) : null;
    if (head && body && next && next.lineStart === body.stop) {
      const bodyEnd = contentEnd(buf, next.lineStart);
      if (bodyEnd - head.bodyStart >= SKELETON_MIN_STRIPPED_BYTES) cuts.push({ start: head.bodyStart, end: bodyEnd, decodedSize: body.decodedSize });
      at = next;
      continue;
    }
    at = delimiterAt(buf, partStart, end, dash, partStart);
    if (!at || !head || !fields) continue;
    const bodyEnd = contentEnd(buf, at.lineStart);
    const nested = multipartOf(fields);
    if (nested) scanMultipart(buf, head.bodyStart, bodyEnd, nested, depth + 1, cuts);
    else if (alternative && isInlineText(fields, 'text/plain')) plainText = true;
    else if (alternative && isInlineText(fields, 'text/html') && bodyEnd - head.bodyStart >= SKELETON_MIN_STRIPPED_BYTES) {
      htmlBodies.push({ start: head.bodyStart, end: bodyEnd, decodedSize: null });
    }
  }
  // Only an alternative that also has plain text (a closed one: an unclosed multipart is read differently).
  if (plainText && at?.closing) cuts.push(...htmlBodies);
}

/**
 * A body part of this type that mailparser reads as the message's text, not as an attachment: one
 * Content-Type field and no Content-Disposition at all (the parser judges dispositions and names).
 */
function isInlineText(fields: Map<string, string[]>, type: string): boolean {
  const types = fields.get('content-type');
  if (!types || types.length !== 1 || fields.has('content-disposition')) return false;
  return libmime().parseHeaderValue(types[0]!, { stripComments: true }).value.trim().toLowerCase() === type;
}

/** The line break before a delimiter belongs to the delimiter (RFC 2046 §5.1.1): where the part's content ends. */
function contentEnd(buf: Buffer, lineStart: number): number {
  if (buf[lineStart - 1] !== 0x0a) return lineStart;
  return buf[lineStart - 2] === 0x0d ? lineStart - 2 : lineStart - 1;
}

/** The next delimiter line at or after `from`: its start, whether it closes, and where the line after it begins. */
function delimiterAt(buf: Buffer, from: number, end: number, dash: Buffer, lineOrigin: number): { lineStart: number; closing: boolean; next: number } | null {
  let pos = from;
  while (pos < end) {
    const found = buf.indexOf(dash, pos);
    if (found < 0 || found + dash.length > end) return null;
    pos = found + 1;
    // Only at the start of a line (or of the body).
    if (found !== lineOrigin && buf[found - 1] !== 0x0a) continue;
    let i = found + dash.length;
    const closing = buf[i] === 0x2d && buf[i + 1] === 0x2d;
    if (closing) i += 2;
    while (i < end && (buf[i] === 0x20 || buf[i] === 0x09)) i++;
    if (i < end && buf[i] === 0x0d) i++;
    if (i < end && buf[i] !== 0x0a) continue;
    return { lineStart: found, closing, next: Math.min(i + 1, end) };
  }
  return null;
}

/**
 * A part that is a base64 attachment: non-text (text is what the index reads), non-multipart and
 * non-message (a message/* part is parsed as a message of its own), with one Content-Type and one
 * Content-Transfer-Encoding field, so there is no doubt which one the parser takes.
 */
function isBase64Attachment(fields: Map<string, string[]>): boolean {
  const types = fields.get('content-type');
  const encodings = fields.get('content-transfer-encoding');
  if (!types || types.length !== 1 || !encodings || encodings.length !== 1) return false;
  if (encodings[0]!.trim().toLowerCase() !== 'base64') return false;
  const type = libmime().parseHeaderValue(types[0]!, { stripComments: true }).value.trim().toLowerCase();
  return type.includes('/') && !type.startsWith('text/') && !type.startsWith('message/') && !type.startsWith('multipart/');
}
