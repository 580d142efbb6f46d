/**
 * text/plain; format=flowed (RFC 3676) for outgoing mail, DelSp=no.
 *
 * The text is what the user typed (or the plain alternative made from their HTML): lines separated by
 * line breaks, quoted lines starting with `>` markers (`>> text` is depth 2; `> > text`, as html-to-text
 * writes nested quotes, is read the same). Each line is cut at spaces into pieces of at most `width`
 * characters; every piece but the last of a line keeps its trailing space, which is how a receiving client
 * knows to join it with the next one (a soft break, §4.2). A reader that knows nothing of flowed text
 * still sees short lines.
 *
 * What the RFC requires and this encoder does:
 * - §4.2: trailing spaces of a line the user ended are removed, or the receiver would join it to the next.
 * - §4.3: the signature separator `-- ` keeps its space and is never joined to anything (receivers
 *   special-case it), at any quote depth.
 * - §4.4: a line starting with a space or with `From ` is space-stuffed (one space added, removed by the
 *   receiver), so the space survives and no mbox writer turns `From ` into `>From `.
 * - §4.5: a quoted line is written `>>` + one space + its text (the space is stuffing); a soft break
 *   joins only lines of the same depth, so each piece of a quoted line repeats the markers.
 *
 * A word longer than the width stays whole (splitting it would need DelSp=yes, which many readers get
 * wrong); the line then runs long, and the transfer encoding keeps it under SMTP's 998-byte limit.
 */

/** RFC 3676 §4.2 recommends at most 78; 72 leaves room for a few levels of quoting when replied to. */
export const FLOWED_WIDTH = 72;

const SIGNATURE_SEPARATOR = '-- ';

interface QuotedLine {
  depth: number;
  content: string;
}

/** `>> text`, `> > text`, `>text`: the depth and the text after the markers and one optional space. */
function readQuote(line: string): QuotedLine {
  const markers = /^>(?: ?>)*/.exec(line);
  if (!markers) return { depth: 0, content: line };
  const depth = markers[0].split('>').length - 1;
  let content = line.slice(markers[0].length);
  if (content.startsWith(' ')) content = content.slice(1);
  return { depth, content };
}

/**
 * Cuts `content` into pieces of at most `max` characters, only after a space; each piece but the last ends
 * with the space it was cut after. A run of text without a space longer than `max` stays one piece, and
 * so does `-- ` with the word after it.
 */
function cutAtSpaces(content: string, max: number): string[] {
  if (content.length <= max) return [content];
  // Tokens end with one space each ("a ", " ", "b"): cutting between two tokens is always a legal soft break.
  const tokens = content.split(/(?<= )/);
  const pieces: string[] = [];
  let current = '';
  for (const token of tokens) {
    // A piece that is exactly "-- " would read as a signature separator and end the paragraph there.
    if (current !== '' && current !== SIGNATURE_SEPARATOR && current.length + token.length > max) {
      pieces.push(current);
      current = '';
    }
    current += token;
  }
  if (current !== '') pieces.push(current);
  return pieces;
}

/** Space-stuffing (§4.4) for an unquoted piece; quoted pieces always carry one space after the markers. */
function stuffed(piece: string, depth: number): string {
  if (depth > 0) return piece === '' ? '' : ` ${piece}`;
  return piece.startsWith(' ') || piece.startsWith('From ') ? ` ${piece}` : piece;
}

/**
 * The body of a `text/plain; charset=utf-8; format=flowed` part (lines joined with CRLF). The receiver's
 * decoder gives back `text` with quote markers written `>>` + space and trailing spaces of lines dropped.
 */
export function encodeFlowed(text: string, width: number = FLOWED_WIDTH): string {
  const out: string[] = [];
  for (const raw of text.replace(/\r\n?/g, '\n').split('\n')) {
    const { depth, content } = readQuote(raw);
    const markers = '>'.repeat(depth);
    if (content === SIGNATURE_SEPARATOR) {
      out.push(depth > 0 ? `${markers} ${SIGNATURE_SEPARATOR}` : SIGNATURE_SEPARATOR);
      continue;
    }
    // A hard break: the user ended this line, so it must not end with a space (§4.2).
    const hard = content.replace(/ +$/, '');
    // Room for the markers and the stuffing space; never less than a short word.
    const room = Math.max(20, width - markers.length - 1);
    for (const piece of cutAtSpaces(hard, room)) out.push(markers + stuffed(piece, depth));
  }
  return out.join('\r\n');
}

/** Content-Type parameters the encoded part must carry. */
export const FLOWED_CONTENT_TYPE = 'text/plain; charset=utf-8; format=flowed';
