import { SKELETON_MIN_STRIPPED_BYTES } from './limits';
import type { ParserOutput } from './parse-message';
import { directOutput, isPlainUtf8, plainText, readDirectHead, splitFields, valueOf } from './plain-message';

/**
 * Reads the commonest multipart message for the store without mailparser: a multipart/alternative of a
 * text/plain part (UTF-8 or ASCII, as plain-message.ts reads it) and a text/html part of at least
 * SKELETON_MIN_STRIPPED_BYTES, under a plain ASCII header block, CRLF line ends. For the store such a message
 * is its plain text: the HTML alternative would be emptied unread (attachment-skeleton.ts) and the parse
 * keeps no HTML, so what mailparser spent on it was per-message set-up (streams, a MIME tree, a header
 * object per field of every part): ~0.7 ms a message on the IMAP bench, most of the parse thread's time.
 *
 * Gives what parseMessage gives through the skeleton for every field it reads (a property test compares
 * the two), and null for anything else, which takes that path: another structure or part order, a part
 * field other than Content-Type and Content-Transfer-Encoding, a line starting with the delimiter that is
 * not exactly one, a blank plain text (the HTML is then the text), trailing blanks on a delimiter line.
 */
export function alternativeParserOutput(bytes: Buffer): ParserOutput | null {
  const head = readDirectHead(bytes);
  if (!head || bytes[head.bodyStart - 1] !== 0x0a || bytes[head.bodyStart - 2] !== 0x0d) return null;
  const boundary = alternativeBoundary(head.byKey.get('content-type'));
  if (!boundary || !isIdentity(head.byKey.get('content-transfer-encoding'))) return null;
  const parts = splitParts(bytes, head.bodyStart, Buffer.from(`--${boundary}`, 'latin1'));
  if (!parts || parts.length !== 2) return null;
  const [plain, html] = parts.map((p) => partOf(bytes, p.start, p.end)) as [Part | null, Part | null];
  if (!plain || !html || !isPlainUtf8(plain.fields.get('content-type'))) return null;
  if (!HTML_TYPE.test(valueOf(html.fields.get('content-type')!)) || html.bodyEnd - html.bodyStart < SKELETON_MIN_STRIPPED_BYTES) return null;
  const text = plainText(bytes.subarray(plain.bodyStart, plain.bodyEnd), plain.fields);
  // Blank plain text: the HTML is the message's text after all (the skeleton path parses it whole then).
  if (text === null || !text.trim()) return null;
  return directOutput(head, text);
}

/** `multipart/alternative` with a boundary parameter alone, a token of the characters every reader takes the same way. */
const ALTERNATIVE_TYPE = /^multipart\/alternative[ \t]*;[ \t]*boundary=(?:([A-Za-z0-9_.=+-]+)|"([A-Za-z0-9_.=+-]+)")[ \t]*;?$/i;
/** `text/html` with at most a charset parameter (its bytes are not read). */
const HTML_TYPE = /^text\/html(?:[ \t]*;[ \t]*charset=(?:[\w.-]+|"[\w.-]+"))?[ \t]*;?$/i;
const PART_FIELDS = new Set(['content-type', 'content-transfer-encoding']);

function alternativeBoundary(line: string | undefined): string | null {
  const match = line === undefined ? null : ALTERNATIVE_TYPE.exec(valueOf(line));
  return match ? (match[1] ?? match[2])! : null;
}

/** No transfer encoding, or one that leaves a multipart's bytes as they are. */
function isIdentity(line: string | undefined): boolean {
  return line === undefined || ['7bit', '8bit', 'binary'].includes(valueOf(line).toLowerCase());
}

interface Part {
  fields: Map<string, string>;
  bodyStart: number;
  bodyEnd: number;
}

/**
 * The parts between the delimiter lines of a body that has exactly the shape RFC 2046 §5.1.1 draws: every
 * line that starts with the delimiter is `--boundary` or, last, `--boundary--`, each followed by CRLF
 * (the close may end the message), and no such line after the close. Each part's content ends before the
 * CRLF that precedes the next delimiter (that line break belongs to the delimiter). Null for anything else.
 */
function splitParts(bytes: Buffer, bodyStart: number, dash: Buffer): Array<{ start: number; end: number }> | null {
  const lines: number[] = [];
  let closed = false;
  for (let found = bytes.indexOf(dash, bodyStart); found !== -1; found = bytes.indexOf(dash, found + 1)) {
    if (found !== bodyStart && bytes[found - 1] !== 0x0a) continue;
    if (closed) return null;
    const after = found + dash.length;
    if (bytes[after] === 0x0d && bytes[after + 1] === 0x0a) lines.push(found);
    else if (bytes[after] === 0x2d && bytes[after + 1] === 0x2d && (after + 2 === bytes.length || (bytes[after + 2] === 0x0d && bytes[after + 3] === 0x0a))) {
      lines.push(found);
      closed = true;
    } else return null;
  }
  if (!closed || lines.length < 2) return null;
  const parts: Array<{ start: number; end: number }> = [];
  for (let i = 0; i + 1 < lines.length; i++) {
    const next = lines[i + 1]!;
    if (bytes[next - 1] !== 0x0a || bytes[next - 2] !== 0x0d) return null;
    parts.push({ start: lines[i]! + dash.length + 2, end: next - 2 });
  }
  return parts;
}

/** A part's header block (Content-Type once, Content-Transfer-Encoding at most once, nothing else) and where its content lies. */
function partOf(bytes: Buffer, start: number, end: number): Part | null {
  const blank = bytes.indexOf('\r\n\r\n', start);
  if (blank === -1 || blank + 4 > end) return null;
  const fields = splitFields(bytes.toString('latin1', start, blank));
  if (!fields) return null;
  const byKey = new Map<string, string>();
  for (const field of fields) {
    if (!PART_FIELDS.has(field.key) || byKey.has(field.key)) return null;
    byKey.set(field.key, field.line);
  }
  if (!byKey.has('content-type')) return null;
  return { fields: byKey, bodyStart: blank + 4, bodyEnd: end };
}
