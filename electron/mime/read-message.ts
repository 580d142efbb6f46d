import { Readable } from 'node:stream';
import type { AttachmentStream } from 'mailparser';
import { declaredCharset, decodeBytes, decodeWords } from './header-words';
import { readableLineEnds } from './line-ends';
import type { MessageSource } from './message-source';
import { fromParserOutput, runParser, signedMessage, type ParsedAddress, type ReadingNote } from './parse-message';
import { partialNote } from './partial-message';
import { plainParserOutput } from './plain-message';
import { decodeUu, splitUuencoded } from './uuencode';

/** What the reading pane shows beyond the stored summary: decoded headers, bodies, all recipients. */
export interface MessageContent {
  headers: Array<[name: string, value: string]>;
  text: string | null;
  html: string | null;
  cc: ParsedAddress[];
  bcc: ParsedAddress[];
  replyTo: ParsedAddress[];
  /** What the reader should say about how the message was read (ReadingNote). */
  notes: ReadingNote[];
}

/**
 * Parses a stored source again for display (derived data is never trusted over the raw bytes). A plain
 * single-part text message is read without mailparser, as for the store (plain-message.ts), so that
 * `homing show` of one loads no MIME parser; `readPlainDirectly: false` only to check it gives the same.
 */
export async function readMessageContent(given: Readable | MessageSource, { readPlainDirectly = true } = {}, depth = 0): Promise<MessageContent> {
  // Stray CRs read as line ends, as parseMessage reads them for the store (line-ends.ts).
  const source = !(given instanceof Readable) && given.kind === 'buffer' ? { kind: 'buffer' as const, bytes: readableLineEnds(given.bytes) } : given;
  const plain = readPlainDirectly && !(source instanceof Readable) && source.kind === 'buffer' ? plainParserOutput(source.bytes) : null;
  const output = plain ?? (await runParser(source));
  let parsed = fromParserOutput(output);
  const inner = signedMessage(output, parsed, depth);
  if (inner) {
    // An opaque S/MIME signature: the signed message's text, as parseMessage stores it.
    const shown = await readMessageContent({ kind: 'buffer', bytes: inner }, { readPlainDirectly }, depth + 1);
    parsed = { ...parsed, text: shown.text, html: shown.html };
  }
  // Raw 8-bit header bytes are read in the charset the message declares for its text (decodeBytes): the
  // first parts' headers are in a buffer's start, a stream gives the top-level Content-Type only.
  const declared =
    !(source instanceof Readable) && source.kind === 'buffer'
      ? declaredCharset(source.bytes)
      : declaredCharset(output.headerLines.filter((l) => l.key === 'content-type').map((l) => l.line).join('\n'));
  return {
    headers: output.headerLines.map((l) => headerPair(l.line, declared)),
    text: parsed.text,
    html: parsed.html,
    cc: parsed.cc,
    bcc: parsed.bcc,
    replyTo: parsed.replyTo,
    notes: [...(output.notes ?? []), ...partialNote(output.headers)],
  };
}

/** Unfolds one raw header line (RFC 5322 §2.2.3) and decodes its encoded words (RFC 2047). */
export function headerPair(raw: string, declared: string | null = null): [string, string] {
  // The parsers hand each header line over as its raw bytes, one character per byte. Raw 8-bit bytes are
  // read field by field as every other header of ours is (decodeBytes: UTF-8, RFC 6532, when they are
  // valid UTF-8, else windows-1252), so 'Subject: été' in UTF-8 no longer shows as 'Ã©tÃ©', even beside
  // a Latin-1 field of another mailer.
  const line = /[\x80-\xff]/.test(raw) && !/[\u0100-\uffff]/.test(raw) ? decodeBytes(Buffer.from(raw, 'latin1'), declared) : raw;
  const colon = line.indexOf(':');
  if (colon < 0) return [line.trim(), ''];
  const value = line.slice(colon + 1).replace(/\r?\n[ \t]/g, ' ').trim();
  return [line.slice(0, colon).trim(), decodeWords(value)];
}

/**
 * The decoded bytes of the attachment at `index` (the order mailparser emits them, as stored at ingest;
 * after them the files uuencoded into the text, as fromParserOutput lists them).
 */
export async function readAttachment(source: Readable, index: number): Promise<Buffer | null> {
  let found: Promise<Buffer> | null = null;
  const output = await runParser(source, (attachment: AttachmentStream, at: number) => {
    if (at !== index) return false;
    found = new Promise<Buffer>((resolve, reject) => {
      const chunks: Buffer[] = [];
      attachment.content.on('data', (chunk: Buffer) => chunks.push(chunk));
      attachment.content.on('end', () => resolve(Buffer.concat(chunks)));
      attachment.content.on('error', reject);
    });
    return true;
  });
  if (!found && index >= output.attachments.length && output.text) {
    const file = splitUuencoded(output.text).files[index - output.attachments.length];
    return file ? decodeUu(file) : null;
  }
  return found ? await found : null;
}
