import { closeSync, openSync, readdirSync, readFileSync, readSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { HomingError } from '../../shared/errors';
import { FILE_SOURCE_BYTES } from './limits';
import { readMbox, type MboxFraming } from './mbox';
import type { MessageSource } from './message-source';

export type MailFileFormat = 'mbox' | 'maildir' | 'eml';

/** One message found in a file or folder being imported. */
export interface ImportItem {
  source: MessageSource;
  /** Maildir flags as IMAP flags (\Seen, \Answered, \Flagged, \Draft). */
  flags: string[];
  /** How an mbox message was framed in its file, written back by export. */
  mbox: MboxFraming | null;
  /** When the message arrived (Maildir file time), if known. */
  internalDate: Date | null;
  /** A temp file the caller deletes once the message is stored. */
  spilled: boolean;
}

/**
 * What `path` is: a Maildir (a folder with cur/ or new/), a folder of .eml files, an mbox file (starts
 * with a From_ line, or is empty) or a single message (starts with a header field). Anything else is
 * UNSUPPORTED_FORMAT, and a path that cannot be read is IO_ERROR or NOT_FOUND.
 */
export function detectFormat(path: string): MailFileFormat {
  let stat;
  try {
    stat = statSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new HomingError('NOT_FOUND', `${path} does not exist.`, { path });
    throw new HomingError('IO_ERROR', `${path} could not be read.`, { path }, { cause: error });
  }
  if (stat.isDirectory()) {
    if (isDir(join(path, 'cur')) || isDir(join(path, 'new'))) return 'maildir';
    if (emlFiles(path).length > 0) return 'eml';
    throw new HomingError('UNSUPPORTED_FORMAT', `${path} is a folder but neither a Maildir (cur/, new/) nor a folder of .eml files.`, { path });
  }
  const head = readHead(path, 4096);
  const text = head.toString('latin1');
  if (head.length === 0 || text.startsWith('From ')) return 'mbox';
  if (/^[\x21-\x39\x3b-\x7e]+[ \t]*:/.test(text)) return 'eml';
  throw new HomingError('UNSUPPORTED_FORMAT', `${basename(path)} is not mbox, Maildir or .eml.`, { path });
}

/** Every message in `path`, in file order (mbox), name order (.eml) or delivery order (Maildir). */
export async function* readMailFiles(path: string, spillDir: string): AsyncGenerator<ImportItem> {
  const format = detectFormat(path);
  if (format === 'mbox') {
    for await (const m of readMbox(path, spillDir)) {
      yield { source: m.source, flags: [], mbox: m.framing, internalDate: null, spilled: m.source.kind === 'file' };
    }
    return;
  }
  if (format === 'eml') {
    const files = statSync(path).isDirectory() ? emlFiles(path).map((f) => join(path, f)) : [path];
    for (const file of files) yield fileItem(file, []);
    return;
  }
  // Only names and times are kept for the sort (100,000 messages are a few MB of them).
  const entries: Array<{ sub: string; name: string; time: number }> = [];
  for (const sub of ['new', 'cur']) {
    const dir = join(path, sub);
    if (!isDir(dir)) continue;
    for (const name of readdirSync(dir)) {
      if (name.startsWith('.')) continue;
      const file = join(dir, name);
      const stat = statSync(file);
      if (!stat.isFile()) continue;
      entries.push({ sub, name, time: stat.mtimeMs });
    }
  }
  // Maildir names start with the delivery time; the file time is INTERNALDATE for Dovecot too.
  entries.sort((a, b) => a.time - b.time || a.name.localeCompare(b.name));
  for (const entry of entries) {
    yield { ...fileItem(join(path, entry.sub, entry.name), maildirFlags(entry.name, entry.sub === 'new')), internalDate: new Date(entry.time) };
  }
}

function fileItem(file: string, flags: string[]): ImportItem {
  const size = statSync(file).size;
  const source: MessageSource = size > FILE_SOURCE_BYTES ? { kind: 'file', path: file, size } : { kind: 'buffer', bytes: readFileSync(file) };
  return { source, flags, mbox: null, internalDate: null, spilled: false };
}

/** The info part of a Maildir name, `:2,FRS` (cr.yp.to/proto/maildir.html); T (trashed) is not imported as a flag. */
export function maildirFlags(name: string, isNew: boolean): string[] {
  const info = /:2,([A-Za-z]*)$/.exec(name)?.[1] ?? '';
  const flags: string[] = [];
  if (info.includes('S')) flags.push('\\Seen');
  if (info.includes('R')) flags.push('\\Answered');
  if (info.includes('F')) flags.push('\\Flagged');
  if (info.includes('D')) flags.push('\\Draft');
  return isNew ? flags.filter((f) => f !== '\\Seen') : flags;
}

function emlFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => /\.eml$/i.test(f) && statSync(join(dir, f)).isFile())
    .sort();
}

function isDir(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function readHead(path: string, bytes: number): Buffer {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(bytes);
    const read = readSync(fd, buffer, 0, bytes, 0);
    return buffer.subarray(0, read);
  } finally {
    closeSync(fd);
  }
}
