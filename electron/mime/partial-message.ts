import type { Headers } from 'mailparser';
import type { ReadingNote } from './parse-message';

/**
 * message/partial (RFC 2046 §5.2.2): a message too large for some gateway, split by the sender's mailer
 * into numbered parts sent as messages of their own (old Outlook Express and Netscape, some mailing
 * gateways still do). Each part is an opaque message/partial attachment to a reader that does not know
 * the type; the reader says which part of how many it is, under which id.
 */
export function partialNote(headers: Headers): ReadingNote[] {
  const type = headers.get('content-type') as { value?: string; params?: Record<string, string> } | undefined;
  if (!type || typeof type !== 'object' || type.value?.toLowerCase() !== 'message/partial') return [];
  const params = type.params ?? {};
  const number = Number.parseInt(params.number ?? '', 10);
  const total = Number.parseInt(params.total ?? '', 10);
  const id = (params.id ?? '').trim();
  if (!id || !(number >= 1)) return [];
  return [{ kind: 'partial', number, total: total >= number ? total : null, id }];
}
/** The header fields of the enclosed message that the whole message takes (RFC 2046 §5.2.2.1); the rest come from part 1's own header. */
const ENCLOSED_FIELD = /^(content-[^:]*|subject|message-id|encrypted|mime-version)$/i;

/**
 * The whole message from its parts' stored sources, in their numbers' order (RFC 2046 §5.2.2.1): the
 * header of part 1 less its Content-*, Subject, Message-ID, Encrypted and MIME-Version fields, then those
 * fields of the message part 1 encloses, then the enclosed message's body and the bodies of the other
 * parts, byte for byte. The parts themselves stay as they are.
 */
export function assembleParts(parts: Buffer[]): Buffer {
  const [first, ...rest] = parts.map(splitMessage);
  if (!first) return Buffer.alloc(0);
  const enclosed = splitMessage(first.body);
  const eol = /\r\n/.test(first.header) ? '\r\n' : '\n';
  const header = [
    ...fieldsOf(first.header).filter((f) => !ENCLOSED_FIELD.test(f.name)),
    ...fieldsOf(enclosed.header).filter((f) => ENCLOSED_FIELD.test(f.name)),
  ]
    .map((f) => f.text)
    .join('');
  return Buffer.concat([Buffer.from(header, 'latin1'), Buffer.from(eol), enclosed.body, ...rest.map((p) => p.body)]);
}

/** A message's header block (its fields with their line ends, as latin1 text) and its body's bytes. */
function splitMessage(bytes: Buffer): { header: string; body: Buffer } {
  for (let nl = bytes.indexOf(0x0a); nl !== -1; nl = bytes.indexOf(0x0a, nl + 1)) {
    if (bytes[nl + 1] === 0x0a) return { header: bytes.toString('latin1', 0, nl + 1), body: bytes.subarray(nl + 2) };
    if (bytes[nl + 1] === 0x0d && bytes[nl + 2] === 0x0a) return { header: bytes.toString('latin1', 0, nl + 1), body: bytes.subarray(nl + 3) };
  }
  return { header: bytes.toString('latin1'), body: Buffer.alloc(0) };
}

/** The fields of a header block, each with its folded lines and line ends. */
function fieldsOf(header: string): Array<{ name: string; text: string }> {
  const fields: Array<{ name: string; text: string }> = [];
  for (const line of header.split(/(?<=\n)/)) {
    if (!line) continue;
    const last = fields[fields.length - 1];
    if ((line[0] === ' ' || line[0] === '\t') && last) last.text += line;
    else fields.push({ name: line.slice(0, Math.max(0, line.indexOf(':'))).trim(), text: line.endsWith('\n') ? line : `${line}\r\n` });
  }
  return fields;
}
