import { isUtf8 } from 'node:buffer';
import { Transform, type TransformCallback } from 'node:stream';
import type { MailParser } from 'mailparser';
import { decodeBytes, windows1252 } from './header-words';
import { CheckedBase64Decoder } from './mislabelled-base64';
import type { ReadingNote } from './parse-message';
import { mailparser } from './lazy-modules';
import { decodeUtf7, meansUtf7 } from './utf7';

/**
 * The text of a part labelled us-ascii (or with no charset, which means us-ascii: RFC 2045 §5.2) whose
 * bytes are not ASCII: UTF-8 when they are valid UTF-8 (a mailer that forgot the label), else
 * windows-1252, which is what such bytes nearly always are (an old mailer that wrote Latin-1 and
 * labelled it us-ascii, or quoted-printable `caf=E9` under us-ascii). Browsers read the us-ascii label
 * as windows-1252 too (WHATWG Encoding). mailparser reads these bytes as UTF-8, so every accented
 * letter became U+FFFD: "caf\uFFFD r\uFFFDsum\uFFFD", shown so and never found by `résumé`.
 * Valid UTF-8 (ASCII included) comes back unchanged, so only otherwise-damaged text changes.
 */
export function decodeUndeclared(bytes: Buffer): string {
  return decodeBytes(bytes);
}

/** True for a charset label that means us-ascii, or for none. */
export function meansAscii(charset: string | undefined | null): boolean {
  return !charset || ['ascii', 'usascii', 'ansix341968', 'iso646us', 'us'].includes(charset.toLowerCase().replace(/[^a-z0-9]+/g, ''));
}

/** The label given to such parts inside the parser, so that they reach our decoder rather than its UTF-8 read. */
const UNDECLARED = 'x-homing-us-ascii';

class UndeclaredDecoder extends Transform {
  constructor(private readonly utf7 = false) {
    super();
  }
  private chunks: Buffer[] = [];
  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.chunks.push(chunk);
    done();
  }
  override _flush(done: TransformCallback): void {
    const bytes = Buffer.concat(this.chunks);
    this.chunks = [];
    done(null, this.utf7 ? Buffer.from(decodeUtf7(bytes)) : isUtf8(bytes) ? bytes : Buffer.from(windows1252(bytes)));
  }
}

/** What of mailparser's internals the subclass uses (none of it is in its type declarations). */
interface ParserInternals {
  createNode(node: unknown): { charset?: string; contentType?: string; isAttachment?: boolean; disposition?: string; encoding?: string; decoder?: Transform };
  decoderEnded?: boolean;
  getDecoder(): { decodeStream(charset: string): Transform };
  endStream(): void;
  curnode: { decoder?: { writableEnded?: boolean } | null } | null;
  finished: boolean;
  waitingEnd: ((error?: Error) => void) | false | undefined;
}

let parserClass: (new (options: ConstructorParameters<typeof MailParser>[0]) => MailParser) | null = null;

/**
 * mailparser's MailParser, except that an inline text part labelled us-ascii (or not labelled) is read by
 * decodeUndeclared rather than as UTF-8. mailparser decodes a part through `decoder.decodeStream(charset)`
 * for every charset but ascii and utf-8, so the part is relabelled when its node is made and that label
 * is answered here; every other charset goes to mailparser's own decoder.
 */
export function undeclaredCharsetParser(): new (options: ConstructorParameters<typeof MailParser>[0]) => MailParser {
  if (parserClass) return parserClass;
  const Base = mailparser().MailParser as unknown as new (options: unknown) => ParserInternals;
  class Parser extends Base {
    /** What the reader should say about this message (ParserOutput.notes). */
    readingNotes: ReadingNote[] = [];
    override createNode(node: unknown) {
      const created = super.createNode(node);
      // A text part labelled base64 is decoded only if it reads as base64 (mislabelled-base64.ts): else its
      // bytes are its text, and the reader says so. Its charset is judged as labelled (before the relabel below).
      if (!created.isAttachment && created.encoding === 'base64' && created.decoder && (created.contentType === 'text/plain' || created.contentType === 'text/html')) {
        const decoder = new CheckedBase64Decoder(created.charset, () => {
          if (!this.readingNotes.some((n) => n.kind === 'not-base64')) this.readingNotes.push({ kind: 'not-base64' });
        });
        decoder.on('end', () => {
          this.decoderEnded = true;
        });
        created.decoder = decoder;
      }
      if (created.disposition === 'inline' && !created.isAttachment && created.contentType?.startsWith('text/') && meansAscii(created.charset)) created.charset = UNDECLARED;
      return created;
    }
    override getDecoder() {
      const decoder = super.getDecoder();
      return {
        decodeStream: (charset: string) => {
          if (charset === UNDECLARED) return new UndeclaredDecoder();
          // UTF-7 (utf7.ts), and a label libmime does not know ('x-unknown', a typo): read as an
          // undeclared charset is (UTF-8 when the bytes are, else windows-1252), not as UTF-8 with every
          // other byte replaced (libmime's choice): 'caf\uFFFD' was all a user saw of 'café'.
          if (meansUtf7(charset)) return new UndeclaredDecoder(true);
          const stream = decoder.decodeStream(charset) as Transform & { supported?: boolean };
          return stream.supported === false ? new UndeclaredDecoder() : stream;
        },
      };
    }
    /**
     * mailparser's endStream, less its `decoder.end()` when the last part's decoder has already been ended
     * (it always has, at the part's own end). Ending it again does nothing but build an
     * ERR_STREAM_ALREADY_FINISHED error with its stack, which no one sees: ~4% of a sync's parsing CPU
     * (the 10k IMAP bench). Otherwise the same steps: the parser is finished, and a waiting flush goes on.
     */
    override endStream() {
      if (!this.curnode?.decoder?.writableEnded) return super.endStream();
      this.finished = true;
      if (typeof this.waitingEnd === 'function') this.waitingEnd();
    }
  }
  parserClass = Parser as unknown as new (options: ConstructorParameters<typeof MailParser>[0]) => MailParser;
  return parserClass;
}
