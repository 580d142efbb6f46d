/*
 * Files uuencoded into a message's text (POSIX uuencode: `begin MODE NAME`, lines of data, `end`), as
 * Outlook Express, old Eudora, Usenet gateways and scripts that pipe `uuencode` into mail send them.
 * Thunderbird, Apple Mail and mutt show such a file as an attachment instead of its lines of data.
 */

/** One uuencoded file found in a text: where its lines are and what they decode to. */
export interface UuFile {
  filename: string;
  /** The decoded length, counted from the lines' length characters (nothing decoded). */
  size: number;
  /** The data lines, between `begin` and `end`. */
  lines: string[];
}

const BEGIN = /^begin +[0-7]{3,4} +(\S.*?)\s*$/;
/** A text is looked through only when a line starts like this (most text has none). */
const MAY_HAVE_BEGIN = /^begin +[0-7]{3,4} +\S/m;

/**
 * Whether a line of `text` may start a uuencoded file. A substring search for 'begin ' first: the
 * multiline regular expression alone tries every line start of every text, ~2% of a sync's parsing CPU
 * (the 10k IMAP bench), where the search finds nothing in most mail.
 */
function mayHaveBegin(text: string): boolean {
  return text.includes('begin ') && MAY_HAVE_BEGIN.test(text);
}

/** The uuencoded files in `text`, and the text without their blocks. */
export function splitUuencoded(text: string): { text: string; files: UuFile[] } {
  if (!mayHaveBegin(text)) return { text, files: [] };
  const lines = text.split(/\r?\n/);
  const kept: string[] = [];
  const files: UuFile[] = [];
  for (let i = 0; i < lines.length; i++) {
    const begin = BEGIN.exec(lines[i]!);
    const block = begin ? readBlock(lines, i + 1) : null;
    if (!block) {
      kept.push(lines[i]!);
      continue;
    }
    files.push({ filename: begin![1]!, size: block.size, lines: lines.slice(i + 1, block.end) });
    i = block.end; // the `end` line
  }
  if (files.length === 0) return { text, files };
  return { text: kept.join('\n').replace(/\n{3,}/g, '\n\n'), files };
}

/**
 * The data lines from `start` up to an `end` line: null unless every line is a well-formed uuencoded line
 * (its length character matches its length, as uuencode writes it; some senders drop trailing blanks, or
 * write a grave accent for a space), so that text that merely starts with 'begin 644' stays text.
 */
function readBlock(lines: string[], start: number): { end: number; size: number } | null {
  let size = 0;
  for (let i = start; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trimEnd() === 'end') return i > start ? { end: i, size } : null;
    if (line.length === 0) return null;
    const count = (line.charCodeAt(0) - 32) & 63;
    if (count === 0) continue; // the empty line before `end`: '`' or ' '
    const needed = Math.ceil(count / 3) * 4;
    // Characters after the length one: at least what `count` bytes need, at most that plus padding or a checksum character.
    const chars = line.length - 1;
    if (chars < needed - 2 || chars > needed + 2 || !/^[\x20-\x60]+$/.test(line)) return null;
    size += count;
  }
  return null;
}

const TYPES: Record<string, string> = {
  pdf: 'application/pdf',
  zip: 'application/zip',
  gz: 'application/gzip',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  gif: 'image/gif',
  txt: 'text/plain',
  doc: 'application/msword',
  xls: 'application/vnd.ms-excel',
  ppt: 'application/vnd.ms-powerpoint',
  rtf: 'application/rtf',
};

/** The content type a uuencoded file's name suggests (uuencode names no type). */
export function uuContentType(filename: string): string {
  const ext = /\.([A-Za-z0-9]+)$/.exec(filename)?.[1]?.toLowerCase();
  return (ext && TYPES[ext]) || 'application/octet-stream';
}

/** The bytes of a file found by splitUuencoded. */
export function decodeUu(file: UuFile): Buffer {
  const out = Buffer.alloc(file.size);
  let at = 0;
  const value = (line: string, index: number) => (index < line.length ? (line.charCodeAt(index) - 32) & 63 : 0);
  for (const line of file.lines) {
    const count = value(line, 0);
    for (let i = 1, written = 0; written < count; i += 4) {
      const [a, b, c, d] = [value(line, i), value(line, i + 1), value(line, i + 2), value(line, i + 3)];
      const bytes = [(a << 2) | (b >> 4), ((b & 15) << 4) | (c >> 2), ((c & 3) << 6) | d];
      for (const byte of bytes) {
        if (written === count || at === out.length) break;
        out[at++] = byte & 0xff;
        written++;
      }
    }
  }
  return out.subarray(0, at);
}
